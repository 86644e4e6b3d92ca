"""Every user-facing string of the code and templates has a French translation."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).parent.parent


def test_every_message_in_the_source_is_translated_to_french(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-c", "from babel.messages.frontend import main; main()", "extract", "-F",
         "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "-o", str(pot), "--ignore-dirs=.* tests", "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    with pot.open("rb") as handle:
        source_ids = {m.id for m in read_po(handle) if m.id}
    assert len(source_ids) > 50  # the extraction really found the templates and code
    with (ROOT / "translations/fr/LC_MESSAGES/messages.po").open("rb") as handle:
        french = {m.id: m for m in read_po(handle) if m.id}

    def translated(message) -> bool:
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        return all(forms) and not message.fuzzy

    untranslated = sorted(str(msgid) for msgid in source_ids if msgid not in french or not translated(french[msgid]))
    assert untranslated == [], "run `make extract-messages` and translate these"


def test_the_templates_kept_catalogue_follows_force_locale(app):
    """web/i18n.current_translations keeps the request's catalogue, and still obeys force_locale (a
    report or an email in another language than the page's) and gives the page's back afterwards."""
    from flask import render_template_string
    from flask_babel import force_locale

    with app.test_request_context("/?lang=en"):
        assert render_template_string("{{ _('Sign in') }}") == "Sign in"
        with force_locale("fr"):
            assert render_template_string("{{ _('Sign in') }}") == "Se connecter"
        assert render_template_string("{{ _('Sign in') }}") == "Sign in"
