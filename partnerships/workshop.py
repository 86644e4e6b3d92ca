"""Workshop mode as plain data: the projector's steps, what each step shows, the consensus, the action
plan and the change since the previous round."""

from __future__ import annotations

from collections import Counter
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _

from partnerships import votes
from partnerships.models import Round
from questionnaire import item_bank
from questionnaire.content import Questionnaire
from reports import labels
from scoring.dimensions import DIMENSION_IDS, DIMENSIONS
from typography import half_up

STEPS = ("join", *DIMENSION_IDS, "comments", "end")
# The comments step showing one approved comment alone: "comments:<review id>".
SPOTLIGHT = "comments:"


def shown_step(step: str) -> str:
    """The step a stored projector position stands on (a spotlighted comment is on the comments step)."""
    if step.startswith(SPOTLIGHT):
        return "comments"
    return step if step in STEPS else "join"


def spotlight_of(step: str) -> int | None:
    number = step[len(SPOTLIGHT):] if step.startswith(SPOTLIGHT) else ""
    return int(number) if number.isdigit() and len(number) < 10 else None


def neighbour_step(step: str, direction: int) -> str:
    step = shown_step(step)
    index = STEPS.index(step)
    return STEPS[max(0, min(len(STEPS) - 1, index + direction))]


def distribution(document: dict, dimension_id: str, questionnaire: Questionnaire, lang: str) -> dict:
    """How many people gave each answer to at least one of the dimension's items: people, not answers, so
    that no bar is larger than the room (a person who answered two items alike counts once)."""
    dimension = next(d for d in DIMENSIONS if d.id == dimension_id)
    counts: Counter = Counter()
    for respondent in document["respondents"]:
        counts.update({respondent["answers"].get(item_id) for item_id in dimension.items} - {None})
    item = questionnaire.items[dimension.items[0]]
    rows: list[dict[str, Any]] = [{"label": option.label[lang], "count": counts.get(option.value, 0)}
                                  for option in item.options]
    rows.append({"label": questionnaire.dont_know[lang], "count": counts.get(item_bank.DONT_KNOW, 0)})
    people = len(document["respondents"]) or 1
    for row in rows:
        row["share"] = int(half_up(100 * row["count"] / people, 0))
    return {"rows": rows, "people": len(document["respondents"]), "questions": len(dimension.items)}


def dimension_step(result: dict, document: dict, dimension_id: str, questionnaire: Questionnaire, lang: str,
                   consensus: dict[str, Any] | None) -> dict:
    value = result["dimensions"][dimension_id]
    groups = [{"name": labels.RESULT_GROUPS[g], "n": data["n"], "score": data["dimensions"][dimension_id]["score"],
               "band": data["dimensions"][dimension_id]["band"],
               "band_name": labels.band_name(dimension_id, data["dimensions"][dimension_id]["band"])}
              for g, data in result["groups"].items()]
    rural_urban = next((g for g in result["gaps"] if g["dimension"] == dimension_id
                        and set(g["groups"]) == {"rural_public", "urban_public"}), None)
    return {
        "id": dimension_id, "name": labels.DIMENSIONS[dimension_id], "score": value["score"],
        "band": value["band"], "band_name": labels.band_name(dimension_id, value["band"]),
        "distribution": distribution(document, dimension_id, questionnaire, lang),
        "groups": groups, "rural_urban_gap": rural_urban, "is_contested": dimension_id in result["contested"],
        "consensus": consensus,
    }


def consensus_rows(round_: Round, result: dict | None, drafts: dict | None = None) -> list[dict]:
    """Each dimension's computed band and recorded consensus; with ``drafts`` (the forms of a page sent
    back with an error), what was typed in each row instead, so that nothing typed is lost."""
    recorded = {c.dimension: c for c in round_.consensus}
    tallies = votes.closed_tallies(round_) if round_.votes else {}
    rows = []
    for dimension_id in DIMENSION_IDS:
        computed = result["dimensions"][dimension_id]["band"] if result else "insufficient_data"
        entry = recorded.get(dimension_id)
        agreed, note = (entry.agreed_band, entry.note) if entry else (None, None)
        group, reason = (entry.dissent_group, entry.dissent_reason) if entry else (None, None)
        draft = (drafts or {}).get(dimension_id)
        if draft is not None:
            agreed, note = draft.agreed_band.data, draft.note.data
            group, reason = draft.dissent_group.data or None, draft.dissent_reason.data
        rows.append({
            "id": dimension_id, "name": labels.DIMENSIONS[dimension_id],
            "computed": computed, "computed_name": labels.band_name(dimension_id, computed),
            "band_names": labels.bands_for(dimension_id),
            "agreed": agreed, "agreed_name": labels.bands_for(dimension_id).get(agreed or ""),
            "recorded": entry is not None,
            "differs": entry is not None and entry.agreed_band != computed,
            "note": note,
            "dissent": group,
            "dissent_group": labels.GROUPS.get(group or ""),
            "dissent_reason": reason,
            "errors": {name: field.errors[0] for name, field in draft._fields.items() if field.errors}
            if draft is not None else {},
            # The room's closed vote, and the rating it suggests for a consensus not yet recorded.
            "vote": tallies.get(dimension_id),
            "suggested": (tallies[dimension_id].get("leading") if dimension_id in tallies and entry is None
                          and draft is None else None),
        })
    return rows


def action_rows(round_: Round) -> list[dict]:
    return [{"id": a.id, "text": a.text or _("Text removed after the retention period"), "owner": a.owner,
             "due_on": a.due_on,
             "due": format_date(a.due_on, format="medium") if a.due_on else None,
             "status": a.status, "status_name": labels.STATUSES[a.status], "recommendation_id": a.recommendation_id,
             "carried_from": a.carried_from}
            for a in round_.actions]


def change_since(previous: dict, current: dict) -> dict:
    """Per dimension, the score then and now; and whether the rural-urban gap narrowed."""
    def rural_urban(result, dimension_id):
        gap = next((g for g in result["gaps"] if g["dimension"] == dimension_id
                    and set(g["groups"]) == {"rural_public", "urban_public"}), None)
        return gap["difference"] if gap else None

    rows = []
    for dimension_id in DIMENSION_IDS:
        before, now = previous["dimensions"][dimension_id]["score"], current["dimensions"][dimension_id]["score"]
        gap_before, gap_now = rural_urban(previous, dimension_id), rural_urban(current, dimension_id)
        trend = None if gap_before is None or gap_now is None else (
            "narrowed" if gap_now < gap_before else "widened" if gap_now > gap_before else "unchanged")
        rows.append({
            "name": labels.DIMENSIONS[dimension_id], "before": before, "now": now,
            "change": None if before is None or now is None else half_up(now - before, 1),
            "gap_before": gap_before, "gap_now": gap_now, "gap_trend": trend,
            "gap_trend_name": labels.GAP_TRENDS[trend] if trend else None,
        })
    return {"rows": rows}
