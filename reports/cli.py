"""``flask --app app score FILE`` and ``report FILE``: score an assessment file, or render its report."""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from questionnaire.content import LANGUAGES
from reports.pdf import PAPER_SIZES, standalone_html, static_path
from reports.service import REPORT_STYLESHEET, report_pdf, report_print_html, score_document
from scoring import AssessmentError, parse_assessment, score
from scoring.assessment import decode_json
from scoring.engine import WEIGHTINGS


@click.command("score")
@with_appcontext
@click.argument("file", type=click.File("rb"))
@click.option("--weighting", type=click.Choice(WEIGHTINGS), default="organisation", show_default=True,
              help="Weigh each organisation equally (default) or each respondent.")
@click.option("--lang", type=click.Choice(LANGUAGES), default="en", show_default=True,
              help="Language of titles and reasons in the result.")
def score_command(file, weighting: str, lang: str) -> None:
    """Score an assessment file (docs/assessment-model.md §8; '-' reads standard input) and print the result as JSON.

    A file with any fault is not scored: each fault is printed on its own line, naming the respondent
    and the item, and the command exits with status 1.
    """
    try:
        assessment = parse_assessment(file.read(), current_app.extensions["rupa.questionnaires"],
                                      current_app.config["QUESTIONNAIRE_VERSION"])
    except AssessmentError as error:
        for fault in error.faults:
            click.echo(f"error: {fault}", err=True)
        click.echo(f"{len(error.faults)} fault(s): nothing was scored.", err=True)
        sys.exit(1)
    result = score(assessment, current_app.extensions["rupa.rules"], weighting=weighting, lang=lang)
    click.echo(json.dumps(result, ensure_ascii=False, indent=2))


def writable_path(context, parameter, value: str | None) -> str | None:
    """A file the command can write: its folder exists and is writable (checked before the render)."""
    if value is None:
        return None
    folder = Path(value).absolute().parent
    if not folder.is_dir():
        raise click.BadParameter(f"the folder {folder} does not exist.", context, parameter)
    if not os.access(folder, os.W_OK):
        raise click.BadParameter(f"the folder {folder} is not writable.", context, parameter)
    return value


def write_file(path: str, content: bytes) -> None:
    try:
        Path(path).write_bytes(content)
    except OSError as error:
        raise click.ClickException(f"could not write {path}: {error.strerror}") from error


@click.command("report")
@click.argument("file", type=click.File("rb"))
@click.option("--output", "-o", "output", type=click.Path(dir_okay=False, writable=True), required=True,
              callback=writable_path, help="Where to write the PDF.")
@click.option("--html", "html_output", type=click.Path(dir_okay=False, writable=True), default=None,
              callback=writable_path, help="Also write the report as one HTML file (its stylesheet inside) here.")
@click.option("--lang", type=click.Choice(LANGUAGES), default="en", show_default=True)
@click.option("--paper", type=click.Choice(sorted(PAPER_SIZES)), default="a4", show_default=True)
@click.option("--weighting", type=click.Choice(WEIGHTINGS), default="organisation", show_default=True)
@with_appcontext
def report_command(file, output: str, html_output: str | None, lang: str, paper: str, weighting: str) -> None:
    """Render the recommendations report of an assessment file ('-' reads standard input) as a PDF."""
    try:
        document = decode_json(file.read())
        result = score_document(document, weighting=weighting, lang=lang)
    except AssessmentError as error:
        for fault in error.faults:
            click.echo(f"error: {fault}", err=True)
        click.echo(f"{len(error.faults)} fault(s): no report was written.", err=True)
        sys.exit(1)
    today = datetime.now(UTC).date()
    if html_output:
        html = report_print_html(document, result, lang, paper, today)
        write_file(html_output, standalone_html(html, static_path(), REPORT_STYLESHEET)
                   .encode("utf-8"))
    write_file(output, report_pdf(document, weighting, lang, paper, today))
    click.echo(f"wrote {output}" + (f" and {html_output}" if html_output else ""))
