"""``flask --app app questionnaire ...`` commands."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale, gettext

from questionnaire.content import LANGUAGES
from questionnaire.export import export_questionnaire

questionnaire_cli = AppGroup("questionnaire", help="Work with the questionnaire content.")


@questionnaire_cli.command("export")
@click.option("--lang", type=click.Choice(LANGUAGES), default="en", show_default=True)
@click.option("--version", "version", default=None, help="Questionnaire version (default: current).")
def export_command(lang: str, version: str | None) -> None:
    """Print the whole questionnaire as JSON: version, sections, items with id, scale, options, text."""
    questionnaires = current_app.extensions["rupa.questionnaires"]
    version = version or current_app.config["QUESTIONNAIRE_VERSION"]
    if version not in questionnaires:
        raise click.ClickException(f"unknown questionnaire version {version!r} (known: {', '.join(questionnaires)})")
    with force_locale(lang):
        partnership = gettext("your partnership")
    click.echo(json.dumps(export_questionnaire(questionnaires[version], lang, partnership), ensure_ascii=False,
                          indent=2))
