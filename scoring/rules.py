"""Rules as small data trees, checked like a compiler when loaded and explained when evaluated.

A rule is ``{all: [...]}``, ``{any: [...]}``, ``{not: rule}`` or a leaf that names one subject and an
operator::

    {question: enabler.trust.1, op: lte, value: 2}
    {dimension: enabler.trust, op: band_in, value: [concern]}
    {profile: profile.explicit, op: eq, value: "no"}
    {gap: enabler.trust, groups: [rural_public, urban_public], op: gte, value: 15}   ('*': any dimension)
    {governance: current, op: eq, value: implicit_non_delegated}

Evaluation returns whether the rule held and the evidence: one item per leaf that made it hold, naming
the answer, score or profile value behind it, as data (scoring/evidence.py renders it in words). No
``eval``, no strings to parse.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn

from questionnaire import item_bank
from questionnaire.content import Questionnaire
from scoring import evidence
from scoring.dimensions import BANDS, DIMENSION_IDS

Node = Mapping[str, Any]  # one condition of a rule tree
Fail = Callable[[str], NoReturn]
Evidence = dict[str, Any]  # one evidence item (scoring/evidence.py)

MAX_GAP_LINES = 5
SUBJECTS = ("question", "dimension", "profile", "gap", "contested", "governance")
NUMBER_OPS = {"lt", "lte", "gt", "gte"}
CHOICE_OPS = {"eq", "ne", "in", "not_in"}
PRESENCE_OPS = {"answered", "unanswered"}
MULTI_OPS = {"contains_any", "contains_none", "only"}


class RuleError(Exception):
    """A rule that cannot be used: the file, the rule and the fault."""

    def __init__(self, file: str, rule: str, message: str):
        self.file, self.rule, self.message = file, rule, message
        super().__init__(f"{file}: rule {rule}: {message}")


@dataclass(frozen=True)
class Facts:
    """What rules can look at: aggregated answers, profile, dimension results, gaps, governance."""

    answers: Mapping[str, Any]
    profile: Mapping[str, Any]
    dimensions: Mapping[str, Mapping[str, Any]]
    gaps: Sequence[Mapping[str, Any]] = field(default_factory=list)
    governance: Mapping[str, Any] = field(default_factory=dict)
    contested: tuple[str, ...] = ()


@dataclass(frozen=True)
class Trace:
    held: bool
    evidence: tuple[Evidence, ...]  # evidence items as data (scoring/evidence.py), no language


class RuleChecker:
    """Validates rule trees against a questionnaire: ids, operators and value types."""

    def __init__(self, questionnaire: Questionnaire, file: str) -> None:
        self.questionnaire, self.file = questionnaire, file

    def check(self, node: Any, rule: str) -> None:
        def fail(message: str) -> NoReturn:
            self._fail(rule, message)

        if not isinstance(node, dict) or not node:
            fail(f"a condition must be a mapping, not {type(node).__name__}")
        if "at_least" in node:  # {at_least: 3, of: [conditions]}: that many of them hold
            if set(node) != {"at_least", "of"}:
                fail("'at_least' takes exactly the keys 'at_least' and 'of'")
            if not isinstance(node["of"], list) or not node["of"]:
                fail("'at_least' needs a non-empty list 'of' conditions")
            count = node["at_least"]
            if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= len(node["of"]):
                fail(f"'at_least' must be a whole number from 1 to {len(node['of'])}")
            for child in node["of"]:
                self.check(child, rule)
            return
        combinators = [k for k in ("all", "any", "not") if k in node]
        if combinators:
            if len(node) != 1:
                fail(f"'{combinators[0]}' cannot be combined with other keys {sorted(set(node) - {combinators[0]})}")
            key = combinators[0]
            if key == "not":
                self.check(node["not"], rule)
                return
            if not isinstance(node[key], list) or not node[key]:
                fail(f"'{key}' needs a non-empty list of conditions")
            for child in node[key]:
                self.check(child, rule)
            return
        subjects = [k for k in SUBJECTS if k in node]
        if len(subjects) != 1:
            fail(f"a condition needs exactly one of {', '.join(SUBJECTS)} (or all/any/not); got {sorted(node)}")
        subject = subjects[0]
        allowed_keys = {subject, "op", "value"} | ({"groups"} if subject == "gap" else set())
        if set(node) - allowed_keys:
            fail(f"unknown key(s) {sorted(set(node) - allowed_keys)} in {subject} condition")
        op = node.get("op")
        if not isinstance(op, str):
            fail(f"{subject} condition on {node[subject]!r} needs an 'op'")
        getattr(self, f"_check_{subject}")(node, op, fail)

    def _fail(self, rule: str, message: str) -> NoReturn:
        raise RuleError(self.file, rule, message)

    def _needs_value(self, node: Node, op: str, fail: Fail, kind: str | None,
                     allowed: Collection[Any] | None = None) -> None:
        if op in PRESENCE_OPS:
            if "value" in node:
                fail(f"operator {op!r} takes no value")
            return
        if "value" not in node:
            fail(f"operator {op!r} needs a value")
        value = node["value"]
        if kind == "number":
            if isinstance(value, bool) or not isinstance(value, int | float):
                fail(f"operator {op!r} needs a number, not {value!r}")
        elif kind == "list":
            if not isinstance(value, list) or not value:
                fail(f"operator {op!r} needs a non-empty list, not {value!r}")
            for v in value:
                if allowed is not None and v not in allowed:
                    fail(f"value {v!r} is not one of {sorted(map(str, allowed))}")
        elif allowed is not None and (isinstance(value, bool) or value not in allowed):
            fail(f"value {value!r} is not one of {sorted(map(str, allowed))}")

    def _check_question(self, node: Node, op: str, fail: Fail) -> None:
        item = self.questionnaire.items.get(node["question"])
        if item is None or item.id.startswith("profile.") or item.id.startswith("respondent."):
            fail(f"unknown question id {node['question']!r} (profile items use 'profile:')")
        if item.kind.widget == "textarea":
            if op not in PRESENCE_OPS:
                fail(f"unknown operator {op!r} for a text question (use answered/unanswered)")
            self._needs_value(node, op, fail, None)
            return
        values = set(item.option_values) | ({item_bank.DONT_KNOW} if item.allows_dont_know else set())
        numeric = all(isinstance(v, int) for v in item.option_values)
        ops = CHOICE_OPS | PRESENCE_OPS | (NUMBER_OPS if numeric else set())
        if op not in ops:
            fail(f"unknown operator {op!r} for question {item.id} (allowed: {', '.join(sorted(ops))})")
        if op in NUMBER_OPS:
            self._needs_value(node, op, fail, "number")
        elif op in ("in", "not_in"):
            self._needs_value(node, op, fail, "list", values)
        else:
            self._needs_value(node, op, fail, "scalar", values)

    def _check_dimension(self, node: Node, op: str, fail: Fail) -> None:
        if node["dimension"] not in DIMENSION_IDS:
            fail(f"unknown dimension id {node['dimension']!r}")
        if op in NUMBER_OPS:
            self._needs_value(node, op, fail, "number")
        elif op in ("band_in", "band_not_in"):
            self._needs_value(node, op, fail, "list", BANDS)
        else:
            fail(f"unknown operator {op!r} for a dimension (allowed: lt, lte, gt, gte, band_in, band_not_in)")

    def _check_profile(self, node: Node, op: str, fail: Fail) -> None:
        item = self.questionnaire.items.get(node["profile"])
        if item is None or not item.id.startswith("profile."):
            fail(f"unknown profile id {node['profile']!r}")
        values = set(item.option_values)
        ops = (MULTI_OPS if item.kind.widget == "checkboxes" else CHOICE_OPS) | PRESENCE_OPS
        if op not in ops:
            fail(f"unknown operator {op!r} for {item.id} (allowed: {', '.join(sorted(ops))})")
        kind = "list" if op in MULTI_OPS | {"in", "not_in"} else "scalar"
        self._needs_value(node, op, fail, kind, values)

    def _check_gap(self, node: Node, op: str, fail: Fail) -> None:
        if node["gap"] != "*" and node["gap"] not in DIMENSION_IDS:
            fail(f"unknown dimension id {node['gap']!r} in gap condition ('*' means any dimension)")
        groups = node.get("groups")
        if groups is not None and (not isinstance(groups, list) or len(groups) != 2
                                   or any(g not in item_bank.GROUPS for g in groups) or groups[0] == groups[1]):
            fail(f"gap 'groups' must be two different stakeholder groups of {', '.join(item_bank.GROUPS)}")
        if op in ("gt", "gte"):
            self._needs_value(node, op, fail, "number")
        elif op == "flagged":
            if node.get("value", True) is not True:
                fail("operator 'flagged' takes no value")
        else:
            fail(f"unknown operator {op!r} for a gap (allowed: gt, gte, flagged)")

    def _check_contested(self, node: Node, op: str, fail: Fail) -> None:
        if node["contested"] != "*" and node["contested"] not in DIMENSION_IDS:
            fail(f"unknown dimension id {node['contested']!r} in contested condition ('*' means any dimension)")
        if op != "flagged" or "value" in node:
            fail("a contested condition takes the operator 'flagged' and no value")

    def _check_governance(self, node: Node, op: str, fail: Fail) -> None:
        if node["governance"] not in ("current", "recommended"):
            fail(f"governance condition must name 'current' or 'recommended', not {node['governance']!r}")
        if op not in CHOICE_OPS:
            fail(f"unknown operator {op!r} for governance (allowed: eq, ne, in, not_in)")
        kind = "list" if op in ("in", "not_in") else "scalar"
        self._needs_value(node, op, fail, kind, (*item_bank.MODELS, None))


def evaluate(node: Mapping[str, Any], facts: Facts) -> Trace:
    """Evaluate a checked rule tree against the facts."""
    if "all" in node:
        traces = [evaluate(child, facts) for child in node["all"]]
        held = all(t.held for t in traces)
        return Trace(held, _joined(traces) if held else ())
    if "any" in node:
        traces = [evaluate(child, facts) for child in node["any"]]
        return Trace(any(t.held for t in traces), _joined(t for t in traces if t.held))
    if "not" in node:
        inner = _describe(node["not"], facts)
        return Trace(not evaluate(node["not"], facts).held, inner)
    if "at_least" in node:
        traces = [evaluate(child, facts) for child in node["of"]]
        holding = [t for t in traces if t.held]
        enough = len(holding) >= node["at_least"]
        return Trace(enough, _joined(holding) if enough else ())
    subject = next(k for k in SUBJECTS if k in node)
    return _LEAVES[subject](node, facts)


def explain(node: Mapping[str, Any], facts: Facts) -> tuple[Evidence, ...]:
    """Evidence for every leaf of a rule, whether it held or not: why a condition failed."""
    return _describe(node, facts)


def _joined(traces: Iterable[Trace]) -> tuple[Evidence, ...]:
    found: list[Evidence] = []
    for trace in traces:
        found.extend(e for e in trace.evidence if e not in found)
    return tuple(found)


def _describe(node: Mapping[str, Any], facts: Facts) -> tuple[Evidence, ...]:
    """Evidence for every leaf under a node, true or not (what a 'not' looked at)."""
    for key in ("all", "any", "of"):
        if key in node:
            return _joined(Trace(True, _describe(child, facts)) for child in node[key])

    if "not" in node:
        return _describe(node["not"], facts)
    subject = next(k for k in SUBJECTS if k in node)
    trace = _LEAVES[subject](node, facts)
    if trace.evidence:
        return trace.evidence
    return (_value_of(node, facts),)


def _value_of(node: Node, facts: Facts) -> dict[str, Any]:
    if "question" in node:
        return evidence.item("question", node["question"], facts.answers.get(node["question"]))
    if "profile" in node:
        return evidence.item("profile", node["profile"], facts.profile.get(node["profile"]))
    if "dimension" in node:
        return _dimension_evidence(node["dimension"], facts)
    if "governance" in node:
        return evidence.item("governance", facts.governance.get(node["governance"]), node["governance"])
    if "contested" in node:
        return evidence.item("contested", node["contested"] if node["contested"] != "*" else None)
    return evidence.item("gap", node["gap"] if node["gap"] != "*" else None, groups=node.get("groups"))


def _compare(actual: Any, op: str, expected: Any) -> bool:
    if op == "eq":
        return bool(actual == expected)
    if op == "ne":
        return bool(actual != expected)
    if op == "in":
        return actual in expected
    if op == "not_in":
        return actual not in expected
    if not isinstance(actual, int | float) or isinstance(actual, bool):
        return False
    return bool({"lt": actual < expected, "lte": actual <= expected,
                 "gt": actual > expected, "gte": actual >= expected}[op])


def _question(node: Node, facts: Facts) -> Trace:
    actual = facts.answers.get(node["question"])
    op = node["op"]
    if op in PRESENCE_OPS:
        held = (actual not in (None, "")) == (op == "answered")
    else:
        held = actual is not None and _compare(actual, op, node["value"])
    return Trace(held, (evidence.item("question", node["question"], actual),) if held else ())


def _profile(node: Node, facts: Facts) -> Trace:
    actual = facts.profile.get(node["profile"])
    op, expected = node["op"], node.get("value")
    if op in PRESENCE_OPS:
        held = (actual not in (None, "", [])) == (op == "answered")
    elif op in MULTI_OPS:
        chosen, wanted = set(actual or []), set(expected or [])
        held = {
            "contains_any": bool(chosen & wanted),
            "contains_none": not chosen & wanted,
            "only": bool(chosen) and chosen <= wanted,
        }[op]
    else:
        held = actual is not None and _compare(actual, op, expected)
    return Trace(held, (evidence.item("profile", node["profile"], actual),) if held else ())


def _dimension_evidence(dimension_id: str, facts: Facts) -> dict[str, Any]:
    result = facts.dimensions[dimension_id]
    return evidence.item("dimension", dimension_id, score=result["score"], band=result["band"])


def _dimension(node: Node, facts: Facts) -> Trace:
    result = facts.dimensions[node["dimension"]]
    op = node["op"]
    if op == "band_in":
        held = result["band"] in node["value"]
    elif op == "band_not_in":
        held = result["band"] not in node["value"]
    else:
        held = result["score"] is not None and _compare(result["score"], op, node["value"])
    return Trace(held, (_dimension_evidence(node["dimension"], facts),) if held else ())


def _gap(node: Node, facts: Facts) -> Trace:
    found: list[Evidence] = []
    for gap in facts.gaps:
        if node["gap"] != "*" and gap["dimension"] != node["gap"]:
            continue
        if node.get("groups") and set(gap["groups"]) != set(node["groups"]):
            continue
        op = node["op"]
        held = gap["flagged"] if op == "flagged" else _compare(gap["difference"], op, node["value"])
        if held:
            found.append(evidence.item("gap", gap["dimension"], score=gap["difference"], groups=list(gap["groups"]),
                                       scores=dict(gap["scores"]), higher=gap.get("higher")))
    # gaps come largest first: the rest adds length, not insight
    return Trace(bool(found), tuple(found[:MAX_GAP_LINES]))


def _contested(node: Node, facts: Facts) -> Trace:
    found = [d for d in facts.contested if node["contested"] in ("*", d)]
    return Trace(bool(found), tuple(evidence.item("contested", d) for d in found[:MAX_GAP_LINES]))


def _governance(node: Node, facts: Facts) -> Trace:
    actual = facts.governance.get(node["governance"])
    held = _compare(actual, node["op"], node["value"])
    return Trace(held, (evidence.item("governance", actual, node["governance"]),) if held else ())


_LEAVES: dict[str, Callable[[Node, Facts], Trace]] = {
    "question": _question, "profile": _profile, "dimension": _dimension, "gap": _gap,
    "contested": _contested, "governance": _governance,
}
