"""The RUPA scorer: pure Python, no Flask and no SQLAlchemy.

``score(assessment, rules)`` turns an assessment (docs/assessment-model.md §8) into the result described there:
dimension scores and bands, the governance-model ranking, explained recommendations and, with several
respondents, the group breakdown, perception gaps and contested dimensions.
"""

from scoring.assessment import Assessment, AssessmentError, Respondent, parse_assessment
from scoring.catalogue import RuleSet, load_rules
from scoring.engine import score

__all__ = [
    "Assessment", "AssessmentError", "Respondent", "RuleSet", "load_rules", "parse_assessment", "score",
]
