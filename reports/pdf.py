"""PDF rendering through WeasyPrint, with a URL fetcher that can only read the app's own static files,
and a cache keyed by content so that an unchanged report is rendered once."""

from __future__ import annotations

import atexit
import contextlib
import functools
import gc
import hashlib
import logging
import mimetypes
import os
import re
import threading
from importlib.metadata import version
from pathlib import Path
from typing import Any

import diskcache
from flask import Flask, after_this_request, current_app, has_request_context

from database import owner_only

LOGGER = logging.getLogger(__name__)
# The report's base URL. Nothing is served from it: the fetcher maps it onto the static folder.
INTERNAL_ORIGIN = "https://rupa.internal/"
STATIC_PREFIX = INTERNAL_ORIGIN + "static/"
PAPER_SIZES = {"a4": "A4", "letter": "letter"}


def static_path(app: Flask | None = None) -> Path:
    """The app's static folder: the only files a PDF render may read."""
    folder = (app or current_app).static_folder
    if folder is None:
        raise RuntimeError("the app has no static folder")
    return Path(folder)


@functools.cache
def weasyprint_version() -> str:
    """The installed WeasyPrint's version, without importing it (a new one may lay pages out anew)."""
    return version("weasyprint")


@functools.cache
def _fetcher_class() -> type:
    """WeasyPrint is imported when the first PDF is rendered, not when the app starts: ``flask score`` and
    every command that renders nothing start 0.4 s sooner (gunicorn.conf.py and the worker import it
    before they serve, so that no request pays for it)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Serves ``https://rupa.internal/static/...`` from the static folder and refuses everything else:
        no ``file:``, no network, no ``data:``; user content can neither read files nor forge requests."""

        def __init__(self, static_folder: Path):
            super().__init__(allowed_protocols=["https"], allow_redirects=False, timeout=1)
            self.static_folder = static_folder.resolve()
            self.refused: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith(STATIC_PREFIX):
                relative = url[len(STATIC_PREFIX):].split("?")[0].split("#")[0]
                path = (self.static_folder / relative).resolve()
                if path.is_relative_to(self.static_folder) and path.is_file():
                    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})
            self.refused.append(url[:200])
            LOGGER.warning("PDF renderer refused to fetch %s", url[:200])
            raise ValueError(f"refused: {url[:200]}")

    return StaticOnlyFetcher


def static_only_fetcher(static_folder: Path) -> Any:
    """A URL fetcher for WeasyPrint that reads the static folder and nothing else (its ``refused``
    lists what it would not fetch)."""
    return _fetcher_class()(static_folder)


# Parsed print stylesheets with their fonts, per thread (a FontConfiguration is not shared between
# threads): parsing the CSS and registering four font files took about 0.05 s of every render. Every
# thread's cache is emptied when the interpreter exits, while WeasyPrint's modules can still clean up
# after its fonts (left to the end, its FontConfiguration.__del__ found them torn down).
_stylesheets = threading.local()
_every_cache: list[dict[Any, Any]] = []
_every_cache_lock = threading.Lock()


@atexit.register
def _forget_stylesheets() -> None:
    with _every_cache_lock:
        for cache in _every_cache:
            cache.clear()


def print_stylesheet(static_folder: Path, name: str) -> tuple[Any, Any]:
    """The stylesheet ``static/css/<name>`` parsed once per thread (again when the file changes), with the
    font configuration that holds its ``@font-face`` fonts."""
    cache = _stylesheets.__dict__.get("cache")
    if cache is None:
        cache = _stylesheets.cache = {}
        with _every_cache_lock:
            _every_cache.append(cache)
    path = static_folder / "css" / name
    key = (str(path), path.stat().st_mtime_ns)
    if key not in cache:
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration

        font_config = FontConfiguration()
        css = weasyprint.CSS(url=f"{STATIC_PREFIX}css/{name}", url_fetcher=static_only_fetcher(static_folder),
                             font_config=font_config)
        cache[key] = (css, font_config)
    return cache[key]


IMPORT = re.compile(r'@import url\("([^"]+)"\);')
FONT_FACE = re.compile(r"@font-face\s*{[^}]*}")


def standalone_html(html: str, static_folder: Path, stylesheet: str) -> str:
    """A print page's HTML with ``static/css/<stylesheet>`` (its imports resolved) in a ``<style>``
    element, so that the file looks right opened on its own. Without the ``@font-face`` rules: their
    font files are not beside the file, and the reader's own fonts stand in."""
    def inlined(name: str) -> str:
        text = (static_folder / "css" / name).read_text(encoding="utf-8")
        return IMPORT.sub(lambda match: inlined(match.group(1)), text)

    css = FONT_FACE.sub("", inlined(stylesheet)).replace("</", "<\\/")
    return html.replace("</head>", f"<style>\n{css}\n</style>\n</head>", 1)


# Tagged PDF/UA-1; no custom metadata from <meta> elements (the report sets title, author and language).
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "custom_metadata": False}


def render_document(html: str, static_folder: Path, stylesheet: str, fetcher: Any = None) -> Any:
    """A print page laid out in pages by WeasyPrint (styled by ``static/css/<stylesheet>``), not yet
    written: its pages' boxes say where each heading and table row landed."""
    import weasyprint

    css, font_config = print_stylesheet(static_folder, stylesheet)
    document = weasyprint.HTML(string=html, base_url=INTERNAL_ORIGIN,
                               url_fetcher=fetcher or static_only_fetcher(static_folder))
    return document.render(stylesheets=[css], font_config=font_config, **PDF_OPTIONS)


_renders_lock = threading.Lock()
_renders_running = 0  # renders of this process under way (threads of one process share the collector)
_collector_owed = False  # a render paused the collector, which is to be resumed once no render runs


@contextlib.contextmanager
def collector_paused():
    """Python's cyclic garbage collector paused while a PDF is laid out and written, and resumed when the
    last render of the process ends. A render makes some hundred thousand short-lived boxes, and the
    collector, run every 700 new objects, went over them again and again: 15-18 % of the time of a render
    (bench/README.md, session 11), for 20 MB more at the peak of a 50-respondent group report.

    What a render leaves behind is cyclic (boxes point to their parents), so resuming the collector
    collects it at once: 0.1-0.14 s on the slower machine kind (bench/README.md, session 15). Within a
    request, that happens once the response has been sent (``resume_after_response``), so nobody waits
    for it; elsewhere (commands, the PDF worker), at once."""
    global _renders_running, _collector_owed
    with _renders_lock:
        if _renders_running == 0 and not _collector_owed and gc.isenabled():
            gc.disable()
            _collector_owed = True
        _renders_running += 1
    try:
        yield
    finally:
        with _renders_lock:
            _renders_running -= 1
            idle = _renders_running == 0 and _collector_owed
        if idle:
            resume_after_response()


def resume_collector() -> None:
    """Resume the collector paused for renders, unless another render has started meanwhile."""
    global _collector_owed
    with _renders_lock:
        if _renders_running == 0 and _collector_owed:
            _collector_owed = False
            gc.enable()


def resume_after_response() -> None:
    """Resume the collector once this request's response has been sent (the WSGI server closes it then),
    or at once outside a request."""
    if not has_request_context():
        resume_collector()
        return

    @after_this_request
    def later(response):
        response.call_on_close(resume_collector)
        return response


def render_pdf(html: str, static_folder: Path, stylesheet: str) -> tuple[bytes, list[str]]:
    """The PDF of a print page's HTML styled by ``static/css/<stylesheet>``, and the URLs the renderer
    refused to fetch."""
    fetcher = static_only_fetcher(static_folder)
    with collector_paused():
        pdf = render_document(html, static_folder, stylesheet, fetcher).write_pdf(**PDF_OPTIONS)
    return pdf, fetcher.refused


def cache_key(*parts: str) -> str:
    """The hash of everything that goes into a PDF: same key, same PDF."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


class ReportCache:
    """The report cache on this machine's disk (without Redis), by diskcache: rendered PDFs and what they
    are made from (a round's result, the report's body, the workbook), each as bytes under the hash of its
    inputs. Each entry expires ``ttl`` seconds after it was kept, the whole stays under ``size_limit``
    bytes (the least recently kept go first), and every entry carries the tag of the assessment it came
    from, so that deleting or purging that data erases it too. Safe for several processes on one machine."""

    def __init__(self, folder: Path, ttl: int, size_limit: int):
        self.folder, self.ttl, self.size_limit = folder, ttl, size_limit

    key = staticmethod(cache_key)

    def _cache(self):
        return _disk_cache(str(self.folder), self.size_limit, os.getpid())

    def get(self, key: str) -> bytes | None:
        return self._cache().get(key)

    def put(self, key: str, pdf: bytes, tag: str | None = None) -> None:
        self._cache().set(key, pdf, expire=self.ttl, tag=tag)

    def erase(self, tag: str) -> int:
        """Remove every PDF rendered from the data ``tag`` names; how many were removed."""
        return self._cache().evict(tag)

    def claim(self, key: str, seconds: int) -> bool:
        """Mark ``key`` as being rendered by this process for at most ``seconds``; False when another
        process (of this machine) has marked it already."""
        return self._cache().add(f"rendering:{key}", os.getpid(), expire=seconds)

    def release(self, key: str) -> None:
        self._cache().delete(f"rendering:{key}")


@functools.cache
def _disk_cache(folder: str, size_limit: int, pid: int) -> diskcache.Cache:
    """One diskcache per folder and process (its SQLite connection is not carried across a fork). The
    folder holds reports full of answers: readable by the app's own user only."""
    os.makedirs(folder, mode=0o700, exist_ok=True)
    owner_only(folder, 0o700)
    return diskcache.Cache(folder, size_limit=size_limit, tag_index=True,
                           eviction_policy="least-recently-stored")



class RedisReportCache:
    """The report cache in Redis under the same keys, so that every app process and host shares it and
    keeps no local files; each entry expires ``ttl`` seconds after it was kept. A set per tag names the
    entries made from one assessment, for erasure."""

    def __init__(self, client, prefix: str, ttl: int):
        self.client, self.prefix, self.ttl = client, prefix, ttl

    key = staticmethod(cache_key)

    def get(self, key: str) -> bytes | None:
        """The cached PDF, or None when there is none or Redis does not answer (it is rendered again)."""
        from redis.exceptions import RedisError

        try:
            return self.client.get(f"{self.prefix}pdf:{key}")
        except RedisError as error:
            LOGGER.warning("report cache unreachable (%s): the report is made again", error)
            return None

    def put(self, key: str, pdf: bytes, tag: str | None = None) -> None:
        """Keep the PDF; while Redis does not answer it is only not kept (a later request renders it)."""
        from redis.exceptions import RedisError

        try:
            with self.client.pipeline() as pipe:
                pipe.set(f"{self.prefix}pdf:{key}", pdf, ex=self.ttl)
                if tag:
                    pipe.sadd(f"{self.prefix}pdf-tag:{tag}", key)
                    pipe.expire(f"{self.prefix}pdf-tag:{tag}", self.ttl)
                pipe.execute()
        except RedisError as error:
            LOGGER.warning("report cache unreachable (%s): the report is not kept", error)

    def erase(self, tag: str) -> int:
        """Remove every PDF rendered from the data ``tag`` names (Redis must answer: an erasure that
        cannot be done is an error, not a warning)."""
        keys = self.client.smembers(f"{self.prefix}pdf-tag:{tag}")
        names = [f"{self.prefix}pdf:{key.decode() if isinstance(key, bytes) else key}" for key in keys]
        return self.client.delete(*names, f"{self.prefix}pdf-tag:{tag}") - 1 if names else 0
