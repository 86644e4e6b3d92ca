"""Home and About pages, and the liveness check."""

from __future__ import annotations

from flask import Blueprint, Response, render_template

bp = Blueprint("pages", __name__)


@bp.get("/")
def home():
    return render_template("pages/home.html")


@bp.get("/about")
def about():
    return render_template("pages/about.html")


@bp.get("/health")
def health():
    """Liveness for a load balancer: the process answers (no database round trip). Also the benchmarks'
    "hello" floor: the cheapest request the same app and server can answer."""
    return Response("ok\n", mimetype="text/plain", headers={"Cache-Control": "no-store"})
