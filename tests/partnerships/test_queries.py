"""Facilitator pages cost the same number of queries whatever the number of respondents (no N+1)."""

from __future__ import annotations

from tests.questionnaire.test_queries import counted


def test_dashboard_and_results_do_not_grow_with_respondents(app, make_round, respondent_joins):
    round_ = make_round()
    client, base = round_["client"], round_["base"]
    counts = []
    for _batch in range(2):
        for group in ("rural_public", "urban_public", "business"):
            respondent_joins(round_["code"], group, f"{group} organisation")
        with counted(app) as dashboard:
            assert client.get(base).status_code == 200
        with counted(app) as results:
            assert client.get(f"{base}/results").status_code == 200
        counts.append((len(dashboard), len(results)))
    assert counts[0] == counts[1], counts  # 3 and then 6 respondents
