"""PDF reports off the request path: with Redis, a worker renders them and the page follows the job."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pypdf
from rq import Queue, SimpleWorker

import reports.service
from app import create_app
from database import db
from extensions import redis_client
from tests.reports.test_report_web import submitted

ROOT = Path(__file__).parents[2]


def work_off(app) -> None:
    """Run the queued jobs through Redis with an in-process worker (as `flask worker --burst` would)."""
    with app.app_context():
        connection = redis_client()
        SimpleWorker([Queue(app.config["REPORT_QUEUE"], connection=connection)], connection=connection).work(
            burst=True, with_scheduler=False)


def queued_jobs(app) -> int:
    with app.app_context():
        return Queue(app.config["REPORT_QUEUE"], connection=redis_client()).count


def test_pdf_is_rendered_by_a_worker_and_the_page_follows_it(queued_app, client, start_respondent,
                                                             complete_answers, monkeypatch, tmp_path):
    queued_app.config["PDF_CACHE_DIR"] = str(tmp_path / "disk-cache")
    token = submitted(client, start_respondent, complete_answers)
    renders = []
    real_render = reports.service.render_pdf
    monkeypatch.setattr(reports.service, "render_pdf", lambda *a: renders.append(1) or real_render(*a))

    waiting = client.get(f"/r/{token}/report.pdf")
    assert waiting.status_code == 202 and waiting.mimetype == "text/html"
    assert "Preparing your PDF" in waiting.text and "next in line" in waiting.text
    assert f'data-pdf-poll="/r/{token}/report.pdf"' in waiting.text
    assert renders == []  # nothing rendered inside the request
    again = client.get(f"/r/{token}/report.pdf", headers={"Accept": "application/json"})
    assert again.status_code == 202 and again.json == {"state": "queued", "ahead": 0}
    assert queued_jobs(queued_app) == 1  # a second click joins the same job

    work_off(queued_app)
    assert renders == [1]
    assert client.get(f"/r/{token}/report.pdf", headers={"Accept": "application/json"}).json["state"] == "ready"
    pdf = client.get(f"/r/{token}/report.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert len(pypdf.PdfReader(io.BytesIO(pdf.data)).pages) > 5
    assert renders == [1] and queued_jobs(queued_app) == 0
    assert not (tmp_path / "disk-cache").exists()  # the cache lives in Redis, not on this host's disk


def test_a_second_app_process_serves_the_cached_pdf(queued_app, client, start_respondent, complete_answers,
                                                    tmp_path):
    """The app keeps no local files: another host with the same database and Redis has the PDF."""
    token = submitted(client, start_respondent, complete_answers)
    client.get(f"/r/{token}/report.pdf")
    work_off(queued_app)
    first = client.get(f"/r/{token}/report.pdf").data
    other = create_app({**{k: queued_app.config[k] for k in (
        "SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "REDIS_URL", "REDIS_KEY_PREFIX", "REPORT_QUEUE", "TESTING")},
        "WTF_CSRF_ENABLED": False})
    other.instance_path = str(tmp_path / "other-instance")
    response = other.test_client().get(f"/r/{token}/report.pdf")
    with other.app_context():
        db.session.remove()
        db.engine.dispose()  # its own connections (PostgreSQL): closed, not left to the garbage collector
    assert response.status_code == 200 and response.data == first


def test_a_failed_job_is_reported_once_then_tried_again(queued_app, client, start_respondent, complete_answers,
                                                        monkeypatch):
    token = submitted(client, start_respondent, complete_answers)
    client.get(f"/r/{token}/report.pdf")

    def broken(*_args):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(reports.service, "render_pdf", broken)
    work_off(queued_app)
    failed = client.get(f"/r/{token}/report.pdf")
    assert failed.status_code == 500 and "could not be prepared" in failed.text and "Try again" in failed.text
    retried = client.get(f"/r/{token}/report.pdf", headers={"Accept": "application/json"})
    assert retried.status_code == 202 and retried.json["state"] == "queued"
    monkeypatch.undo()
    work_off(queued_app)
    assert client.get(f"/r/{token}/report.pdf").mimetype == "application/pdf"


def test_flask_worker_command_renders_queued_reports(queued_app, client, start_respondent, complete_answers,
                                                     tmp_path):
    """The real worker: a separate `flask worker --burst` process takes the job from Redis."""
    token = submitted(client, start_respondent, complete_answers)
    assert client.get(f"/r/{token}/report.pdf").status_code == 202
    config = queued_app.config
    environment = {**os.environ, "FLASK_APP": "app", "RUPA_SECRET_KEY": "worker",
                   "RUPA_DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite'}",
                   "RUPA_REDIS_URL": config["REDIS_URL"], "RUPA_REDIS_KEY_PREFIX": config["REDIS_KEY_PREFIX"],
                   "RUPA_REPORT_QUEUE": config["REPORT_QUEUE"]}
    done = subprocess.run([sys.executable, "-m", "flask", "worker", "--burst"], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    response = client.get(f"/r/{token}/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"


def test_worker_command_needs_redis(app):
    result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code != 0 and "RUPA_REDIS_URL" in result.output


def test_without_a_listening_worker_the_pdf_is_rendered_in_the_request(queued_app, client, start_respondent,
                                                                      complete_answers):
    from rq import Worker

    token = submitted(client, start_respondent, complete_answers)
    with queued_app.app_context():
        for worker in Worker.all(queue=Queue(queued_app.config["REPORT_QUEUE"], connection=redis_client())):
            worker.register_death()  # nobody runs `flask worker`
    response = client.get(f"/r/{token}/report.pdf")
    assert response.status_code == 200 and response.data[:5] == b"%PDF-"
    assert queued_jobs(queued_app) == 0


def test_a_job_no_worker_starts_in_time_is_rendered_in_the_request(queued_app, client, start_respondent,
                                                                   complete_answers):
    token = submitted(client, start_respondent, complete_answers)
    assert client.get(f"/r/{token}/report.pdf").status_code == 202  # queued; every worker is busy elsewhere
    queued_app.config["REPORT_QUEUE_PATIENCE"] = 0
    response = client.get(f"/r/{token}/report.pdf")  # the waiting page's next check
    assert response.status_code == 200 and response.data[:5] == b"%PDF-"
    assert queued_jobs(queued_app) == 0  # withdrawn: no worker renders it a second time


def test_a_job_whose_worker_died_is_rendered_in_the_request(queued_app, client, start_respondent, complete_answers):
    from datetime import UTC, datetime, timedelta

    from rq.job import Job, JobStatus

    token = submitted(client, start_respondent, complete_answers)
    assert client.get(f"/r/{token}/report.pdf").status_code == 202
    with queued_app.app_context():
        connection = redis_client()
        (job_id,) = Queue(queued_app.config["REPORT_QUEUE"], connection=connection).job_ids
        job = Job.fetch(job_id, connection=connection)
        job.set_status(JobStatus.STARTED)
        job.started_at = datetime.now(UTC) - timedelta(seconds=queued_app.config["REPORT_JOB_TIMEOUT"] + 60)
        job.save()
    response = client.get(f"/r/{token}/report.pdf")
    assert response.status_code == 200 and response.data[:5] == b"%PDF-"


def test_a_respondents_pdf_is_prepared_at_low_priority_when_they_submit(queued_app, client, start_respondent,
                                                                         complete_answers):
    from reports.jobs import preparation_queue, worker_queues

    token = submitted(client, start_respondent, complete_answers)
    with queued_app.app_context():
        assert preparation_queue().count == 1 and queued_jobs(queued_app) == 0  # nobody has asked for it yet
        connection = redis_client()
        SimpleWorker(worker_queues(connection), connection=connection).work(burst=True, with_scheduler=False)
    pdf = client.get(f"/r/{token}/report.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"  # ready when asked for: no waiting page


def test_a_prepared_pdf_someone_asks_for_goes_to_the_front(queued_app, client, start_respondent, complete_answers):
    from reports.jobs import preparation_queue

    token = submitted(client, start_respondent, complete_answers)
    waiting = client.get(f"/r/{token}/report.pdf", headers={"Accept": "application/json"})
    assert waiting.status_code == 202 and waiting.json == {"state": "queued", "ahead": 0}
    with queued_app.app_context():
        assert preparation_queue().count == 0 and queued_jobs(queued_app) == 1
    work_off(queued_app)
    assert client.get(f"/r/{token}/report.pdf").status_code == 200
