"""Partnership assessments with many respondents: partnerships, rounds, invitations, progress,
group results and exports, for facilitators; joining by code or link, for respondents."""
