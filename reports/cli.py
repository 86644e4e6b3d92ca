"""``flask --app app score FILE``: score an assessment file and print the result JSON."""

from __future__ import annotations

import json
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from scoring import AssessmentError, parse_assessment, score
from scoring.engine import WEIGHTINGS


@click.command("score")
@with_appcontext
@click.argument("file", type=click.File("rb"))
@click.option("--weighting", type=click.Choice(WEIGHTINGS), default="organisation", show_default=True,
              help="Weigh each organisation equally (default) or each respondent.")
@click.option("--lang", type=click.Choice(["en", "fr"]), default="en", show_default=True,
              help="Language of titles and reasons in the result.")
def score_command(file, weighting: str, lang: str) -> None:
    """Score an assessment file (FRAMEWORK.md §8; '-' reads standard input) and print the result as JSON.

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
