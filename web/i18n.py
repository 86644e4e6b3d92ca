"""Which language a page is shown in, and the switch that keeps a person where they are."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from babel import Locale
from flask import current_app, g, has_app_context, request, session, url_for
from flask_babel import get_locale, get_translations

from typography import typeset, written


def language_name(code: str) -> str:
    """A language's name in itself, as the language switcher and the report's cover show it ("Français")."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


def select_locale() -> str:
    """Explicit choice (?lang= or remembered in the session), then the respondent's, then the browser's."""
    languages = current_app.config["LANGUAGES"]
    for candidate in (request.args.get("lang"), session.get("lang"), g.get("respondent_lang")):
        if isinstance(candidate, str) and candidate in languages:
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
    languages = current_app.config["LANGUAGES"]
    if "language_target" in g:
        endpoint, args = g.language_target
        urls = [url_for(endpoint, **args, lang=code) for code in languages]
    elif request.endpoint is not None:
        # The same address with ?lang= changed: what url_for would build, without building the route.
        path = quote(request.script_root + request.path)
        query = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
        urls = [f"{path}?{urlencode([*query, ('lang', code)])}" for code in languages]
    else:
        return []
    return [{"code": code, "name": language_name(code), "url": url}
            for code, url in zip(languages, urls, strict=True)]


def current_translations():
    """Flask-Babel's translations for the current locale, kept for the rest of the request.

    Flask-Babel resolves its domain, the locale and its catalogue cache through several context lookups
    on every string; a questionnaire page translates about fifteen, which made this about 7 % of the
    page's instructions. The kept catalogue is used only while ``get_locale()`` gives the same locale
    object, so ``force_locale`` (a report in another language) and ``refresh()`` are obeyed."""
    locale = get_locale()
    kept = g.get("rupa_translations") if has_app_context() else None
    if kept is not None and kept[0] is locale:
        return kept[1]
    translations = get_translations()
    if has_app_context():
        g.rupa_translations = (locale, translations)
    return translations


def install_template_translations(app) -> None:
    """The templates' _(), ngettext() and their context variants through ``current_translations``."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda string: current_translations().ugettext(string),
        ngettext=lambda singular, plural, n: current_translations().ungettext(singular, plural, n),
        pgettext=lambda context, string: current_translations().upgettext(context, string),
        npgettext=lambda context, singular, plural, n: current_translations().unpgettext(
            context, singular, plural, n),
        newstyle=True,
    )


def number(value: float, places: int = 1) -> str:
    """A number as the page's language writes it, rounded half up (``typography``): the templates'
    ``number()``."""
    from flask_babel import get_locale

    return written(value, str(get_locale()), places)


def colon() -> str:
    """A colon as the page's language sets it (French: after a non-breaking space)."""
    from flask_babel import get_locale

    return typeset(" :", str(get_locale())).lstrip(" ")


def semicolon() -> str:
    """A semicolon as the page's language sets it (French: after a non-breaking space)."""
    from flask_babel import get_locale

    return typeset(" ;", str(get_locale())).lstrip(" ")
