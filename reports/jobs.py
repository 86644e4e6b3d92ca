"""PDF reports off the request path.

With ``REDIS_URL`` configured, a PDF that is not in the cache yet is rendered by a separate worker
process (``flask worker``, an RQ worker) instead of inside the web request: the request enqueues a job
named by the PDF's cache key (so a second click joins the same job) and answers at once with a page
that shows the job's progress; the PDF is served from the cache once the job has put it there. Without
Redis the PDF is rendered inline, as before.
"""

from __future__ import annotations

import gc
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import click
from flask import Flask, current_app, g
from flask.cli import with_appcontext
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Worker
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

from accounts.mail import mail_queue
from extensions import redis_client
from questionnaire.models import Respondent
from reports.pdf import ReportCache, render_pdf, static_path
from reports.service import (
    REPORT_STYLESHEET,
    StoredAnswers,
    render_report_pdf,
    report_cache,
    report_pdf_key,
    report_print_html,
    score_document,
)

FAILED = (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED)


@dataclass(frozen=True)
class Pending:
    """A PDF that is not ready: ``state`` is queued, started or failed; ``ahead`` counts jobs before it."""

    state: str
    ahead: int | None = None


def report_queue() -> Queue:
    return Queue(current_app.config["REPORT_QUEUE"], connection=redis_client())


def preparation_queue(connection=None) -> Queue:
    """PDFs rendered ahead of being asked for (a respondent's, when they submit): a worker takes them only
    when no asked-for PDF waits, so they never delay anyone."""
    return Queue(current_app.config["REPORT_QUEUE"] + "-prepare", connection=connection or redis_client())


def worker_queues(connection) -> list[Queue]:
    """The queues a worker listens to, in order: an asked-for PDF is always taken first, then emails, then
    the PDFs prepared ahead."""
    return [Queue(current_app.config["REPORT_QUEUE"], connection=connection), mail_queue(connection),
            preparation_queue(connection)]


def _job_id(key: str) -> str:
    return f"{current_app.config['REDIS_KEY_PREFIX'].replace(':', '-')}pdf-{key}"


def prepare_pdf(document: dict[str, Any], weighting: str, lang: str, paper: str, on: date,
                extra: dict | None = None, tag: str | None = None) -> bool:
    """Queue a PDF at low priority so that it is usually ready when asked for; whether a job was queued.
    Nothing happens without Redis, when the cache holds the PDF, when its job exists already, or when
    Redis does not answer (the PDF is then rendered when asked for, as it would be anyway)."""
    if not current_app.config["REDIS_URL"]:
        return False
    key = report_pdf_key(document, weighting, lang, paper, on, extra)
    try:
        if report_cache().get(key) is not None or Job.exists(_job_id(key), connection=redis_client()):
            return False
        if not Worker.all(queue=preparation_queue()):  # nobody would render it before it is asked for
            return False
        preparation_queue().enqueue(
            render_job, key, document, weighting, lang, paper, on.isoformat(), extra, tag, job_id=_job_id(key),
            job_timeout=current_app.config["REPORT_JOB_TIMEOUT"], result_ttl=600, failure_ttl=3600,
            description="RUPA PDF report, prepared")
    except RedisError as error:
        current_app.logger.warning("PDF not prepared ahead (%s): it is rendered when asked for", error)
        return False
    return True


def prepare_submitted_pdf(app: Flask, respondent: Respondent, lang: str) -> None:
    """When a respondent submits (questionnaire.journey.response_submitted): their report's PDF, queued at
    low priority so that it is usually ready when they ask for it."""
    if app.config["REDIS_URL"]:  # without Redis it is rendered when asked for: nothing to read now
        stored = StoredAnswers(respondent.assessment, only=respondent)
        prepare_pdf(stored.document, "organisation", lang, "a4", stored.as_of, tag=stored.tag)


def render_job(key: str, document: dict[str, Any], weighting: str, lang: str, paper: str, on: str,
               extra: dict | None, tag: str | None = None) -> int:
    """The job a worker runs: render the PDF into the cache (the size in bytes is the job's result)."""
    return len(render_report_pdf(document, weighting, lang, paper, date.fromisoformat(on), extra, key, tag))


def rendered_pdf() -> bool:
    """Whether this request asked for a PDF that was not in the cache (for the PDF_RENDER_RATE_LIMIT)."""
    return bool(g.get("pdf_rendered"))


def pdf_or_pending(document: dict[str, Any], weighting: str, lang: str, paper: str, on: date,
                   extra: dict | None = None, tag: str | None = None) -> bytes | Pending:
    """The PDF when the cache holds it (or, without Redis, once rendered here); else where its job is.

    Whatever happens to Redis or the workers, the person gets the PDF: rendered here when Redis does not
    answer, and when its job has waited REPORT_QUEUE_PATIENCE seconds without a worker starting it."""
    key = report_pdf_key(document, weighting, lang, paper, on, extra)
    cached = report_cache().get(key)
    if cached is not None:
        return cached
    g.pdf_rendered = True  # this request starts (or joins) a render: the PDF rate limit counts it
    if not current_app.config["REDIS_URL"]:
        return _rendered_here(key, document, weighting, lang, paper, on, extra, tag)
    try:
        outcome = _queued(key, document, weighting, lang, paper, on, extra, tag)
    except RedisError as error:
        current_app.logger.warning("PDF queue unreachable (%s): rendering in the request", error)
        outcome = None
    return render_report_pdf(document, weighting, lang, paper, on, extra, key, tag) if outcome is None else outcome


def _queued(key: str, document: dict[str, Any], weighting: str, lang: str, paper: str, on: date,
            extra: dict | None, tag: str | None) -> Pending | None:
    """Where the PDF's job stands (enqueued if it was never asked for), or None when it cannot run."""
    job_id = _job_id(key)
    try:
        job = Job.fetch(job_id, connection=redis_client())
        status = job.get_status()
    except NoSuchJobError:
        job, status = None, None
    if job is not None and status in FAILED:
        result = job.latest_result()
        detail = (result.exc_string or "")[-500:] if result else ""
        current_app.logger.error("PDF job %s %s: %s", job_id, status, detail)
        job.delete()  # shown once; the next request tries again
        return Pending("failed")
    queue = report_queue()
    if job is not None and status == JobStatus.QUEUED and job.origin != queue.name:
        preparation_queue().remove(job)  # prepared ahead, and now someone waits for it: to the front
        if not Worker.all(queue=queue):
            job.delete()
            current_app.logger.warning("no PDF worker listens on queue %s: rendering in the request", queue.name)
            return None
        job = queue.enqueue_job(job, at_front=True)
    if job is None or status == JobStatus.FINISHED:  # never asked, or rendered but since evicted
        if not Worker.all(queue=queue):  # workers whose heartbeat key lives (a killed one expires)
            current_app.logger.warning("no PDF worker listens on queue %s: rendering in the request", queue.name)
            return None
        job = queue.enqueue(
            render_job, key, document, weighting, lang, paper, on.isoformat(), extra, tag, job_id=job_id,
            job_timeout=current_app.config["REPORT_JOB_TIMEOUT"], result_ttl=600, failure_ttl=3600,
            description="RUPA PDF report")
        status = job.get_status()
    if status == JobStatus.STARTED:
        started_at = job.started_at or datetime.now(UTC)
        if _seconds_since(started_at) <= current_app.config["REPORT_JOB_TIMEOUT"] + 30:
            return Pending("started")
        current_app.logger.warning("PDF job %s started %s and never ended (its worker died?)", job_id, started_at)
    elif job.enqueued_at is None or _seconds_since(job.enqueued_at) <= current_app.config["REPORT_QUEUE_PATIENCE"]:
        return Pending("queued", job.get_position())
    else:
        current_app.logger.warning("PDF job %s waited since %s for a worker", job_id, job.enqueued_at)
    job.cancel()
    job.delete()
    return None


# Without Redis: PDFs rendered in this process, one at a time, each by a thread that outlives the request
# that asked for it (the next check finds the PDF in the cache).
_RENDERER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rupa-pdf")
_RENDERING: dict[str, Future] = {}
_RENDERING_LOCK = threading.Lock()


def _rendered_here(key: str, document: dict[str, Any], weighting: str, lang: str, paper: str, on: date,
                   extra: dict | None, tag: str | None) -> bytes | Pending:
    """The PDF rendered in this process, or (when it takes longer than REPORT_INLINE_PATIENCE seconds) a
    started Pending while the rendering goes on. Another process of this machine rendering the same PDF
    is waited for the same way; its mark expires with REPORT_JOB_TIMEOUT should it die."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    cache = report_cache()
    if not isinstance(cache, ReportCache):  # with Redis, the worker renders (and the cache marks it there)
        raise RuntimeError("PDFs are rendered in the app process only without REDIS_URL")
    with _RENDERING_LOCK:
        future = _RENDERING.get(key)
        if future is None:
            if not cache.claim(key, app.config["REPORT_JOB_TIMEOUT"]):
                return Pending("started")

            def render() -> bytes:
                try:
                    with app.app_context():
                        return render_report_pdf(document, weighting, lang, paper, on, extra, key, tag)
                finally:
                    cache.release(key)
                    with _RENDERING_LOCK:
                        _RENDERING.pop(key, None)

            future = _RENDERING[key] = _RENDERER.submit(render)
    try:
        return future.result(timeout=app.config["REPORT_INLINE_PATIENCE"])
    except FuturesTimeout:
        return Pending("started")


def _seconds_since(moment: datetime) -> float:
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # RQ keeps naive UTC datetimes
    return (datetime.now(UTC) - moment).total_seconds()


# A one-respondent assessment with no answers: enough to run every part of a render once.
WARM_UP_DOCUMENT = {"profile": {}, "respondents": [{"group": "other", "answers": {}}]}


def warm_up() -> None:
    """Render a small report once in each language, without keeping it: the stylesheet parsed and its
    fonts loaded, the templates compiled, the catalogues read. The worker does this before it forks a
    child per job, so that every child inherits all of it; a cold child spent about two seconds on it
    before it rendered anything, on top of the report itself."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    document = {**WARM_UP_DOCUMENT, "questionnaire": app.config["QUESTIONNAIRE_VERSION"]}
    for lang in app.config["LANGUAGES"]:
        with app.test_request_context(f"/?lang={lang}"):
            result = score_document(document, lang=lang)
            render_pdf(report_print_html(document, result, lang, "a4", date.today()), static_path(app),
                       REPORT_STYLESHEET)


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop once the queue is empty (for tests and cron).")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Render queued PDF reports (needs RUPA_REDIS_URL); run as many as the machine has cores."""
    if not current_app.config["REDIS_URL"]:
        raise click.UsageError("Set RUPA_REDIS_URL: without Redis, PDFs are rendered inside the web requests.")
    # The worker's own connection, without the web requests' short timeouts: it blocks on the queue.
    connection = Redis.from_url(current_app.config["REDIS_URL"])
    warm_up()
    # What the warm-up loaded is kept for the worker's life: out of the collector's sight, it is not
    # walked again at every collection, and the children forked per job do not copy its pages to do so.
    gc.freeze()
    Worker(worker_queues(connection), connection=connection).work(burst=burst, with_scheduler=False)
