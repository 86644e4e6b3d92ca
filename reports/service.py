"""The app's entry to the scorer and the report renderer: stored answers scored on demand, reports
rendered as HTML or PDF. What a round's data gives (its result, the report's body, its PDFs and
workbook) is kept in the report cache by the hash of everything it is made from, tagged with the
assessment, so that a page opened again costs one read of the answers, and deleting the data erases it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from markupsafe import Markup
from sqlalchemy import Text, bindparam, cast, func, select

from database import db
from extensions import redis_client
from questionnaire.models import Answer, Assessment, Respondent, respondent_label
from reports.context import assessment_document
from reports.pdf import PAPER_SIZES, RedisReportCache, ReportCache, render_pdf, static_path, weasyprint_version
from reports.report import report_context
from scoring import parse_assessment, score


def score_document(document: dict[str, Any], weighting: str = "organisation", lang: str = "en") -> dict:
    """Check and score an assessment document with the installation's questionnaires and rules (the
    scorer is pure: same document, same result; :func:`score_stored` keeps stored answers' results)."""
    assessment = parse_assessment(document, current_app.extensions["rupa.questionnaires"],
                                  current_app.config["QUESTIONNAIRE_VERSION"])
    return score(assessment, current_app.extensions["rupa.rules"], weighting=weighting, lang=lang)


def cached(kind: str, parts: Iterable[str], make: Callable[[], bytes], tag: str | None) -> bytes:
    """What ``make`` gives, from the report cache when it holds it under the hash of ``kind``, ``parts``
    and the release (:func:`layout_fingerprint`), else made now and kept there, tagged ``tag``."""
    cache = report_cache()
    key = ReportCache.key(kind, *parts, layout_fingerprint())
    value = cache.get(key)
    if value is None:
        value = make()
        cache.put(key, value, tag)
    return value


def report_body(stored: StoredAnswers, weighting: str, lang: str,
                workshop: tuple[Any, Callable[[dict], dict]] | None = None) -> tuple[str, Markup]:
    """The report's title and body (``reports/_report_body.html``) as HTML, from the report cache when an
    identical one was drawn before. A group report's ``workshop`` names what the workshop's part of
    the report is made from (plain data: the round, the revision of its consensus and actions, the
    previous round's revision) and says how to make that part from the round's result: a body seen
    before is served without scoring, decoding a result or comparing rounds."""
    on = stored.as_of
    inputs, make_extra = workshop if workshop is not None else (None, None)

    def draw() -> bytes:
        result = score_stored(stored, weighting=weighting, lang=lang)
        extra = make_extra(result) if make_extra is not None else None
        with force_locale(lang):
            context = report_context_for(stored.document, result, lang, on, extra)
            body = render_template("reports/_report_body.html", r=context)
        return json.dumps({"title": context["title"], "body": body}, ensure_ascii=False).encode()

    kept = json.loads(cached("report-body", (stored.revision, weighting, lang, on.isoformat(),
                                             json.dumps(inputs, sort_keys=True, default=str)), draw, stored.tag))
    # the body was drawn by the app's own autoescaped template (above, or by an identical release)
    return kept["title"], Markup(kept["body"])  # noqa: S704


# The submitted respondents of some assessments with how many answers each has and their last change:
# built once (building the statement took a twentieth of a warm results page).
_SUBMITTED_ROWS = (
    select(Respondent.id, Respondent.assessment_id, Respondent.lang, Respondent.source, Respondent.submitted_at,
           func.count(Answer.item_id).label("answers"), func.max(Answer.updated_at).label("changed_at"))
    .outerjoin(Answer, Answer.respondent_id == Respondent.id)
    .where(Respondent.assessment_id.in_(bindparam("assessment_ids", expanding=True)),
           Respondent.status == "submitted")
    .group_by(Respondent.id).order_by(Respondent.id))


class StoredAnswers:
    """The submitted respondents of a stored assessment (or ``only`` one of them), oldest first, read in
    one statement with how many answers each has and when the last one changed; their answers are read
    only when :attr:`document` is asked for.

    :attr:`revision` names this state of the data without reading the answers: what the document would
    hold apart from the answers (profile, partnership, languages, sources: made by the same function as
    the document itself) and, per respondent, their id, number of answers and last change. Submitted
    answers only change by erasure (fewer rows) or by an upsert (a later ``updated_at``), so a
    revision seen before gives the same document, and what the report cache holds under it (the
    round's result, the report's body) is served without reading or hashing a single answer."""

    def __init__(self, assessment: Assessment, only: Respondent | None = None, profile: dict | None = None,
                 respondents: Sequence[Any] | None = None):
        self.assessment = assessment
        if respondents is None:
            query = _SUBMITTED_ROWS if only is None else _SUBMITTED_ROWS.where(Respondent.id == only.id)
            respondents = db.session.execute(query, {"assessment_ids": [assessment.id]}).all()
        self.respondents: Sequence[Any] = respondents
        if profile is None and assessment.round is not None:
            profile = assessment.round.partnership.profile
        self.profile = profile
        self.tag = pdf_tag(assessment.id)

    @classmethod
    def of_round(cls, round_) -> StoredAnswers:
        """A round's submitted answers, with its partnership's profile (already loaded with the round)."""
        return cls.of_rounds([round_])[0]

    @classmethod
    def of_rounds(cls, rounds) -> list[StoredAnswers]:
        """The submitted answers of each of these rounds, read in one statement."""
        rows: dict[int, list] = {round_.assessment_id: [] for round_ in rounds}
        for row in db.session.execute(_SUBMITTED_ROWS, {"assessment_ids": list(rows)}):
            rows[row.assessment_id].append(row)
        return [cls(round_.assessment, profile=round_.partnership.profile, respondents=rows[round_.assessment_id])
                for round_ in rounds]

    @property
    def count(self) -> int:
        return len(self.respondents)

    @property
    def as_of(self) -> date:
        """The date the answers are as of: the last submission (today when there is none). A report is
        dated by its data, so an unchanged report is the same PDF, cached once, whatever the day."""
        last = max((row.submitted_at for row in self.respondents), default=None)
        return last.date() if last else datetime.now(UTC).date()

    @cached_property
    def revision(self) -> str:
        skeleton = assessment_document(self.assessment, ((row, {}) for row in self.respondents), self.profile)
        stats = [[row.id, row.answers, row.changed_at.isoformat() if row.changed_at else None]
                 for row in self.respondents]
        return "revision:" + hashlib.sha256(json.dumps([skeleton, stats], sort_keys=True, ensure_ascii=False,
                                                       default=str).encode()).hexdigest()

    @cached_property
    def document(self) -> dict[str, Any]:
        """The assessment document (docs/assessment-model.md §8) of these respondents' answers."""
        answers = answers_of([row.id for row in self.respondents])
        return assessment_document(self.assessment, ((row, answers[row.id]) for row in self.respondents),
                                   self.profile)


def submitted_document(assessment: Assessment, only: Respondent | None = None) -> dict[str, Any]:
    """The assessment document of the submitted respondents of an assessment (or of ``only`` one of
    them), oldest first; a round's respondents share their partnership's profile."""
    return StoredAnswers(assessment, only).document


def score_stored(stored: StoredAnswers, weighting: str = "organisation", lang: str = "en") -> dict:
    """The result of stored answers, from the report cache when it holds their revision's."""
    def scored() -> bytes:
        return json.dumps(score_document(stored.document, weighting=weighting, lang=lang), ensure_ascii=False).encode()

    return json.loads(cached("result", (stored.revision, weighting, lang), scored, stored.tag))


def answers_of(respondent_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Each respondent's stored answers by item id. The values are read as their JSON text and decoded
    all at once (decoding thousands of small values one by one was half the cost of a results page)."""
    answers: dict[int, dict[str, Any]] = {respondent_id: {} for respondent_id in respondent_ids}
    if not answers:
        return answers
    rows = db.session.connection().execute(  # Core rows: the ORM's result handling was a third of the rest
        select(Answer.respondent_id, Answer.item_id, cast(Answer.value, Text))
        .where(Answer.respondent_id.in_(answers))).all()
    values = json.loads("[" + ",".join("null" if row[2] is None else row[2] for row in rows) + "]")
    for (respondent_id, item_id, _text), value in zip(rows, values, strict=True):
        answers[respondent_id][item_id] = value
    return answers


EXPORT_BATCH = 200  # respondents read at once by a streamed export


def submitted_batches(assessment: Assessment, size: int | None = None) -> Iterator[tuple[dict[str, Any], list[str]]]:
    """The submitted respondents of an assessment as documents of ``size`` respondents at most, oldest
    first, each with the respondents' export names: what a streamed export reads, one batch at a time.

    The ids and the profile are read now; the batches as the response is sent, in the session of the
    streamed response (the view's objects are no longer attached then)."""
    ids = db.session.execute(
        select(Respondent.id)
        .where(Respondent.assessment_id == assessment.id, Respondent.status == "submitted").order_by(Respondent.id)
    ).scalars().all()
    profile = assessment.round.partnership.profile if assessment.round is not None else None
    return _batches(assessment, ids, profile, size or EXPORT_BATCH)


def _batches(assessment: Assessment, ids: Sequence[int], profile: dict | None,
             size: int) -> Iterator[tuple[dict[str, Any], list[str]]]:
    for start in range(0, len(ids), size):
        respondents = db.session.execute(
            select(Respondent).where(Respondent.id.in_(ids[start:start + size])).order_by(Respondent.id)
        ).scalars().all()
        answers = answers_of([respondent.id for respondent in respondents])
        document = assessment_document(assessment, ((r, answers[r.id]) for r in respondents), profile)
        yield document, [respondent_label(r.id, r.reference) for r in respondents]
        db.session.expunge_all()  # the session keeps no batch while the next one is read


def submitted_labels(assessment: Assessment) -> list[str]:
    """How exports name the submitted respondents, in the order of :func:`submitted_document`."""
    rows = db.session.execute(
        select(Respondent.id, Respondent.reference)
        .where(Respondent.assessment_id == assessment.id, Respondent.status == "submitted").order_by(Respondent.id))
    return [respondent_label(respondent_id, reference) for respondent_id, reference in rows]


@cache
def layout_fingerprint() -> str:
    """A hash of the report's templates, styles, translations, the code that builds its content, charts
    and exports, the scorer and its rules, and the questionnaires: a change to any scores and renders
    anew (a new release never serves what the old one cached). Their content, not their dates, so that
    every host of one release shares the cache."""
    root = Path(current_app.root_path)
    files = sorted([*root.glob("templates/reports/*.html"), *root.glob("static/css/*.css"),
                    *root.glob("translations/*/LC_MESSAGES/*.mo"), *root.glob("reports/*.py"),
                    *root.glob("reports/*.css"), *root.glob("scoring/**/*.py"), *root.glob("scoring/rules/*.yaml"),
                    *root.glob("questionnaire/content/**/*"), root / "partnerships" / "exports.py",
                    root / "typography.py"])
    files = [path for path in files if path.is_file()]
    return ReportCache.key(*(f"{path.relative_to(root)}:{hashlib.sha256(path.read_bytes()).hexdigest()}"
                          for path in files))


def report_context_for(document: dict[str, Any], result: dict, lang: str, on: date,
                       extra: dict | None = None) -> dict:
    """The report's plain data; ``extra`` adds a workshop's consensus, action plan and change since the
    previous round."""
    questionnaire = current_app.extensions["rupa.questionnaires"][result["questionnaire"]]
    context = report_context(result, document, questionnaire, current_app.extensions["rupa.rules"], lang, on)
    context["workshop"] = extra or {}
    return context


REPORT_STYLESHEET = "report-print.css"


def report_print_html(document: dict[str, Any], result: dict, lang: str, paper: str, on: date,
                      extra: dict | None = None) -> str:
    """The HTML that WeasyPrint turns into the PDF, styled by ``static/css/REPORT_STYLESHEET`` (which
    ``render_pdf`` hands to WeasyPrint, and ``report --html`` writes into the file)."""
    with force_locale(lang):
        return render_template("reports/report_print.html",
                               r=report_context_for(document, result, lang, on, extra), paper=PAPER_SIZES[paper])


def report_cache() -> ReportCache | RedisReportCache:
    """The report cache (PDFs and what they are made from): Redis when configured (shared by every process
    and host), else this machine's disk."""
    config = current_app.config
    if config["REDIS_URL"]:
        return RedisReportCache(redis_client(), config["REDIS_KEY_PREFIX"], config["PDF_CACHE_TTL"])
    return ReportCache(Path(config.get("PDF_CACHE_DIR") or Path(current_app.instance_path) / "pdf-cache"),
                       config["PDF_CACHE_TTL"], config["PDF_CACHE_SIZE_MB"] * 1024 * 1024)


def pdf_tag(assessment_id: int) -> str:
    """The cache tag of the PDFs rendered from one assessment's data (a round's or a self-assessment's)."""
    return f"assessment-{assessment_id}"


def forget_pdfs(assessment_ids) -> None:
    """Erase every cached PDF rendered from these assessments' data: after a respondent, a round or a
    partnership is deleted, or a round is purged, no copy of what was removed is served or kept."""
    from redis.exceptions import RedisError

    cache = report_cache()
    for assessment_id in assessment_ids:
        try:
            cache.erase(pdf_tag(assessment_id))
        except RedisError as error:  # the data is gone; its PDFs expire within PDF_CACHE_TTL
            current_app.logger.error("PDFs of assessment %d could not be erased (%s): they expire within %d s",
                                     assessment_id, error, current_app.config["PDF_CACHE_TTL"])


def report_pdf_key(document: dict[str, Any], weighting: str, lang: str, paper: str, on: date,
                   extra: dict | None = None) -> str:
    """The hash of everything that goes into a PDF report: same key, same PDF."""
    return ReportCache.key(json.dumps(document, sort_keys=True, ensure_ascii=False), weighting, lang, paper,
                        on.isoformat(), current_app.extensions["rupa.rules"].version, weasyprint_version(),
                        layout_fingerprint(), json.dumps(extra or {}, sort_keys=True, default=str))


def render_report_pdf(document: dict[str, Any], weighting: str, lang: str, paper: str, on: date,
                      extra: dict | None, key: str, tag: str | None = None) -> bytes:
    """Render a PDF report and keep it in the cache under ``key``, tagged with the data it came from."""
    result = score_document(document, weighting=weighting, lang=lang)
    pdf, refused = render_pdf(report_print_html(document, result, lang, paper, on, extra),
                              static_path(), REPORT_STYLESHEET)
    if refused:
        current_app.logger.warning("report rendering refused %d URL(s)", len(refused))
    report_cache().put(key, pdf, tag)
    return pdf


def report_pdf(document: dict[str, Any], weighting: str, lang: str, paper: str, on: date | None = None,
               extra: dict | None = None) -> bytes:
    """The PDF report of an assessment document, rendered here unless the cache holds it."""
    on = on or datetime.now(UTC).date()
    key = report_pdf_key(document, weighting, lang, paper, on, extra)
    cached = report_cache().get(key)
    return cached if cached is not None else render_report_pdf(document, weighting, lang, paper, on, extra, key)
