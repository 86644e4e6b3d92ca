"""Security headers on every response, Secure cookies over HTTPS, and a request id for the logs."""

from __future__ import annotations

import secrets

from flask import Flask, Response, g, request
from flask.sessions import SecureCookieSessionInterface

# Scripts and styles only from the app's own files (no inline script, no <style> element, no style
# attribute anywhere: the charts draw their bars as SVG rectangles). Nothing may frame the app, and
# forms post only to it.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


class SessionInterface(SecureCookieSessionInterface):
    """Session cookies are Secure whenever the request came over HTTPS (or the config says so)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)


def assign_request_id() -> None:
    g.request_id = request.headers.get("X-Request-ID", "")[:64] or secrets.token_hex(8)


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    # Resume links carry their token in the URL: never send it to another site. Same-site requests keep
    # their referrer (browsers then also send a real Origin with form posts, which the CSRF check reads).
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if "request_id" in g:
        headers["X-Request-ID"] = g.request_id
    # Pages, exports, PDFs and API answers carry answers and results: no browser or proxy keeps a copy
    # (a shared computer's back button, a corporate cache). The app's own static files keep Flask's caching.
    if request.endpoint != "static":
        headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()
    app.before_request(assign_request_id)
    app.after_request(add_security_headers)
