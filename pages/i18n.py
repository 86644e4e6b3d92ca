"""Which language a page is shown in, and the switch that keeps a person where they are."""

from __future__ import annotations

from flask import current_app, g, request, session, url_for

LANGUAGE_NAMES = {"en": "English", "fr": "Français"}


def select_locale() -> str:
    """Explicit choice (?lang= or remembered in the session), then the respondent's, then the browser's."""
    languages = current_app.config["LANGUAGES"]
    for candidate in (request.args.get("lang"), session.get("lang"), g.get("respondent_lang")):
        if candidate in languages:
            return candidate
    return request.accept_languages.best_match(languages) or current_app.config["DEFAULT_LANGUAGE"]


def remember_requested_language() -> None:
    lang = request.args.get("lang")
    if lang in current_app.config["LANGUAGES"] and request.blueprint != "api":  # the API keeps no session
        session["lang"] = lang


def switch_language_to(endpoint: str, **args) -> None:
    """Where the language switch of a POST-only page leads (the GET page that shows the same thing)."""
    g.language_target = (endpoint, args)


def language_links() -> list[dict[str, str]]:
    """A link per language to the same page, so that switching keeps the person where they are."""
    if "language_target" in g:
        endpoint, args = g.language_target
    elif request.endpoint is not None:
        endpoint = request.endpoint
        args = {**request.view_args, **{k: v for k, v in request.args.items() if k != "lang"}}
    else:
        return []
    return [
        {"code": code, "name": LANGUAGE_NAMES.get(code, code), "url": url_for(endpoint, **args, lang=code)}
        for code in current_app.config["LANGUAGES"]
    ]
