"""The deployment tests use the partnership factories (facilitators, rounds, respondents joining)."""

from tests.partnerships.conftest import make_round, respondent_joins, signed_in  # noqa: F401
