"""gunicorn settings for production (`make serve`), as measured in bench/README.md.

Each setting can be changed through the environment: RUPA_BIND, RUPA_WEB_WORKERS, RUPA_WEB_THREADS.
"""

import multiprocessing
import os

bind = os.environ.get("RUPA_BIND", "127.0.0.1:8000")
# gthread workers keep idle keep-alive connections in a poller. Measured on 2 cores (bench/README.md):
# 3 processes per core with one thread each served the questionnaire pages best; more threads per
# process only made them wait for each other's Python lock.
worker_class = os.environ.get("RUPA_WEB_WORKER_CLASS", "gthread")
workers = int(os.environ.get("RUPA_WEB_WORKERS", multiprocessing.cpu_count() * 3))
threads = int(os.environ.get("RUPA_WEB_THREADS", 1))
# The app is built once in the master and forked: a worker that starts (or restarts, below) is ready at
# once instead of spending seconds loading content, rules and WeasyPrint. No database or Redis
# connection is opened before the fork, so none is shared between processes.
preload_app = True
# Rendering a long PDF inline (without Redis) may take a few seconds; nothing legitimate takes 60.
timeout = 60
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (with jitter so they do not all restart at once):
# a slow leak in a library (PDF rendering) can never grow without bound.
max_requests = 10000
max_requests_jitter = 1000
accesslog = os.environ.get("RUPA_ACCESS_LOG") or None
errorlog = "-"
# Behind a reverse proxy the app itself reads X-Forwarded-* (RUPA_PROXIES, werkzeug's ProxyFix).
