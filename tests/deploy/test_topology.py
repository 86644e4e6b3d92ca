"""The production topology of README "Deploying", run for real on 127.0.0.1: nginx with the shipped
deploy/nginx/rupa.conf terminating TLS in front of two app servers (`make serve` on two ports, as two hosts
would be) sharing PostgreSQL and Redis, and one PDF worker (`make worker`). Through nginx: a browser walks
every form and gets a PDF from the worker; then 200 participants surge while one app server is killed
with SIGKILL, and every answer they were told was saved is in the database."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests

from bench.server import stored_answers
from questionnaire import journey
from questionnaire.content import load_all
from tests.accounts.flows import Served, emailed_link
from tests.deploy.journey import facilitator_runs_a_round, individual_self_assessment
from tests.deploy.services import (
    ROOT,
    RedisServer,
    Service,
    free_port,
    require_command,
    self_signed_certificate,
    wait_for_port,
)
from tests.deploy.surge import Room, surge

pytestmark = [pytest.mark.deploy, pytest.mark.browser]
NGINX_CONF = ROOT / "deploy" / "nginx" / "rupa.conf"
LOG_FORMAT = ROOT / "deploy" / "nginx" / "log-format.conf"
PARTICIPANTS = int(os.environ.get("RUPA_TOPOLOGY_PARTICIPANTS", "200"))


def nginx_config(folder: Path, https_port: int, http_port: int, app_ports: list[int], certificate: Path,
                 key: Path) -> Path:
    """The shipped site configuration with this machine's addresses, ports and certificate, in a main
    configuration that keeps every file nginx writes inside ``folder``."""
    site = NGINX_CONF.read_text()
    for old, new in [("app1.internal:8000", f"127.0.0.1:{app_ports[0]}"),
                     ("app2.internal:8000", f"127.0.0.1:{app_ports[1]}"),
                     ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
                     ("listen 80;", f"listen 127.0.0.1:{http_port};"),
                     ("server_name rupa.example.org;", "server_name 127.0.0.1;"),
                     ("/etc/ssl/rupa/fullchain.pem", str(certificate)), ("/etc/ssl/rupa/privkey.pem", str(key)),
                     ("/var/log/nginx/rupa-access.log", str(folder / "access.log"))]:
        assert old in site, f"deploy/nginx/rupa.conf no longer has {old!r}: update this test with it"
        site = site.replace(old, new)
    (folder / "rupa.conf").write_text(site)
    main = folder / "nginx.conf"
    temp = folder / "temp"
    temp.mkdir()
    user = "user root;\n" if os.geteuid() == 0 else ""  # the workers write the test's temporary folders
    main.write_text(f"""{user}worker_processes 1;
pid {folder / 'nginx.pid'};
error_log {folder / 'error.log'} warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {LOG_FORMAT};
    include {folder / 'rupa.conf'};
}}
""")
    return main


@pytest.fixture
def topology(tmp_path, postgres_database):
    certificate, key = self_signed_certificate(tmp_path)
    redis = RedisServer(tmp_path).start()
    app_ports, https_port, http_port = [free_port(), free_port()], free_port(), free_port()
    environment = {
        **os.environ, "FLASK_APP": "app", "RUPA_SECRET_KEY": "topology-" + "s" * 48,
        "RUPA_DATABASE_URL": postgres_database("rupa_topology"), "RUPA_REDIS_URL": redis.url,
        "RUPA_PROXIES": "1", "RUPA_SESSION_COOKIE_SECURE": "true", "RUPA_TRUSTED_HOSTS": '["127.0.0.1"]',
        "RUPA_APP_HOSTS": "2", "RUPA_WEB_WORKERS": "3",
        # A room behind one router: the 200 participants share the address nginx sees.
        "RUPA_JOIN_ROUND_RATE_LIMIT": "1000 per minute",
        "RUPA_MAIL_FILE_PATH": str(tmp_path / "outbox"),  # both hosts' emails, read by the test
    }
    environment.pop("RUPA_RATELIMIT_STORAGE_URI", None)
    servers = [Service(f"app{n + 1}", ["make", "--no-print-directory", "serve"],
                       {**environment, "RUPA_BIND": f"127.0.0.1:{port}"}, tmp_path)
               for n, port in enumerate(app_ports)]
    worker = Service("worker", ["make", "--no-print-directory", "worker"], environment, tmp_path)
    nginx = Service("nginx", [require_command("nginx"), "-p", str(tmp_path), "-g", "daemon off;", "-c",
                              str(nginx_config(tmp_path, https_port, http_port, app_ports, certificate, key))],
                    environment, tmp_path)
    started = []
    try:
        for server, port in zip(servers, app_ports, strict=True):  # one after the other: one runs the migrations
            started.append(server.start(port))
        started.append(worker.start())
        started.append(nginx.start(https_port))
        wait_for_worker(redis.url)
        url = Served(f"https://127.0.0.1:{https_port}")
        url.outbox = tmp_path / "outbox"
        yield {"url": url, "http_url": f"http://127.0.0.1:{http_port}",
               "certificate": str(certificate), "servers": servers, "worker": worker, "nginx": nginx,
               "database_url": environment["RUPA_DATABASE_URL"], "folder": tmp_path}
    finally:
        for service in reversed(started):
            service.kill(signal.SIGTERM)
        redis.kill()


def wait_for_worker(redis_url: str) -> None:
    from redis import Redis
    from rq import Worker

    deadline = time.monotonic() + 60
    while not Worker.all(connection=Redis.from_url(redis_url)):
        assert time.monotonic() < deadline, "the PDF worker did not register"
        time.sleep(0.2)


def open_round_for(base: str, certificate: str) -> str:
    """A facilitator's round through nginx with plain HTTP requests: its join code."""
    import re

    from tests.browser.test_facilitator import PASSWORD

    with requests.Session() as facilitator:
        facilitator.verify = certificate
        facilitator.trust_env = False  # REQUESTS_CA_BUNDLE in the environment would replace verify

        def post(path: str, data: dict, form_path: str):
            form = facilitator.get(base + form_path)
            token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
            return facilitator.post(base + path, data={"csrf_token": token, **data},
                                    headers={"Origin": base, "Referer": base + form_path})

        post("/account/signup", {"email": "room@example.org", "password": PASSWORD, "confirm": PASSWORD},
             "/account/signup").raise_for_status()
        facilitator.get(base + emailed_link(base, "room@example.org", "Confirm", wait=10)).raise_for_status()
        post("/account/signin", {"email": "room@example.org", "password": PASSWORD},
             "/account/signin").raise_for_status()
        created = post("/facilitator/partnerships", {"name": "Surge Valley", "region": "Valley",
                                                     "region_type": "network_small_medium_cities"}, "/facilitator/")
        partnership = re.search(r"/p/(\d+)/", created.url).group(1)
        post(f"/facilitator/p/{partnership}/rounds", {}, f"/facilitator/p/{partnership}").raise_for_status()
        dashboard = facilitator.get(f"{base}/facilitator/p/{partnership}/rounds/1").text
        return re.search(r'<p class="join-code"><span aria-hidden="true">([A-Z0-9]{6})</span>', dashboard).group(1)


def test_production_topology(browser, topology):
    base, certificate = topology["url"], topology["certificate"]
    redirect = requests.get(topology["http_url"] + "/join", allow_redirects=False, timeout=10)
    assert redirect.status_code == 301 and redirect.headers["Location"].startswith("https://")
    ready = requests.get(base + "/health/ready", verify=certificate, timeout=10).json()
    assert ready == {"status": "ready", "database": "ok", "redis": "ok"}

    # A browser walks every form through nginx; the PDF comes from the worker through the queue.
    individual_self_assessment(browser, base)
    facilitator_runs_a_round(browser, base, "nginx@example.org", pdf=True)
    assert "PDF report" in topology["worker"].log() or "Job OK" in topology["worker"].log()

    # 200 participants; one app server dies (SIGKILL, with its workers) once a quarter of the pages are saved.
    code = open_round_for(base, certificate)
    questionnaire = load_all()[max(load_all())]  # the version the served app opens assessments on
    room = Room(base, code, certificate, questionnaire)
    victim = topology["servers"][0]

    def kill_one_server(room: Room) -> None:
        deadline = time.monotonic() + 300
        while room.saves < PARTICIPANTS * len(journey.pages(questionnaire, SimpleNamespace(is_group=True))) // 4:
            assert time.monotonic() < deadline, "the surge made no progress"
            time.sleep(0.05)
        victim.kill(signal.SIGKILL)

    began = time.monotonic()
    outcomes = surge(room, PARTICIPANTS, spawn_seconds=10, during=kill_one_server)
    retried = [reason for o in outcomes for reason in o.retries]
    print(f"surge: {PARTICIPANTS} participants in {time.monotonic() - began:.1f} s, {len(retried)} request(s) "
          f"sent again: {retried[:10]}")
    assert victim.process.poll() is not None  # it really died mid-surge, with its workers:
    with pytest.raises(OSError):
        wait_for_port(int(victim.environment["RUPA_BIND"].rsplit(":", 1)[1]), timeout=1)

    failures = [o.failure for o in outcomes if o.failure]
    assert failures == [], failures[:5]
    assert all(o.submitted for o in outcomes)
    # Nobody needed more than one retried request; nginx sent the rest to the other server.
    assert max(len(o.retries) for o in outcomes) <= 1, [o.retries for o in outcomes if len(o.retries) > 1][:5]
    held = stored_answers(topology["database_url"], [o.token for o in outcomes])
    lost = {o.token[:8]: {k: (v, held[o.token][1].get(k)) for k, v in o.saved.items()
                          if held[o.token][1].get(k) != v}
            for o in outcomes if any(held[o.token][1].get(k) != v for k, v in o.saved.items())}
    assert lost == {}, list(lost.items())[:3]
    assert {held[o.token][0] for o in outcomes} == {"submitted"}
    # The surviving server carried on: its health and a fresh page through nginx.
    assert requests.get(base + "/health/ready", verify=certificate, timeout=10).status_code == 200
    error_log = (topology["folder"] / "error.log").read_text()
    assert "upstream" in error_log  # nginx saw the dead server (and so the test killed it in use)
