"""gunicorn settings for production (`make serve`), as measured in bench/README.md.

Each setting can be changed through the environment: RUPA_BIND, RUPA_WEB_WORKERS, RUPA_WEB_WORKER_CLASS,
RUPA_WEB_THREADS (threads apply to the gthread class only).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # the project's modules, whoever starts gunicorn
import weasyprint  # noqa: E402, F401  the app imports it when it first renders a PDF: here, before the workers fork

from deployment import web_workers  # noqa: E402  (`flask check` counts the same processes)

bind = os.environ.get("RUPA_BIND", "127.0.0.1:8000")
# Sync workers, each taking the next connection from the kernel's queue only when it is free: requests
# are served in arrival order, so one slow moment does not pile up behind a single busy process. gthread
# workers (measured in bench/README.md) each kept the keep-alive connections they had accepted, and the
# connections of the busiest process waited: p99 was 3-5x the median. Keep-alive to the browsers is the
# reverse proxy's job (see README "Deploying"); a sync worker closes each connection after its response.
worker_class = os.environ.get("RUPA_WEB_WORKER_CLASS", "sync")
workers = web_workers()
threads = int(os.environ.get("RUPA_WEB_THREADS", 1))
# The app is built once in the master and forked: a worker that starts (or restarts, below) is ready at
# once instead of spending seconds loading content, rules and WeasyPrint. No database or Redis
# connection is opened before the fork, so none is shared between processes.
preload_app = True
# Rendering a long PDF inline (without Redis) may take a few seconds; nothing legitimate takes 60.
timeout = 60
graceful_timeout = 30
# A worker is replaced after this many requests (with jitter so they do not all restart at once):
# a slow leak in a library (PDF rendering) can never grow without bound.
max_requests = 10000
max_requests_jitter = 1000
accesslog = os.environ.get("RUPA_ACCESS_LOG") or None
logger_class = "deployment.RedactingGunicornLogger"  # resume and invitation links logged as /r/…
errorlog = "-"
# Behind a reverse proxy the app itself reads X-Forwarded-* (RUPA_PROXIES, werkzeug's ProxyFix).
# gunicorn may terminate HTTPS itself (one host without a proxy): RUPA_TLS_CERTFILE and RUPA_TLS_KEYFILE name
# the certificate chain and its key. Behind nginx (deploy/nginx/) leave them unset.
certfile = os.environ.get("RUPA_TLS_CERTFILE") or None
keyfile = os.environ.get("RUPA_TLS_KEYFILE") or None
