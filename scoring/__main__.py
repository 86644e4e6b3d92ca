"""``python -m scoring FILE [--weighting W] [--lang L]``: score an assessment file without the web app.

Prints the same JSON as ``flask --app app score`` and fails the same way (``error:`` lines, exit status
1), but imports only the scorer and the questionnaire content: no Flask, SQLAlchemy or WeasyPrint, so it
starts in a fraction of the time. ``RUPA_CONTENT_DIR``, ``RUPA_RULES_DIR`` and
``RUPA_QUESTIONNAIRE_VERSION`` choose other content, rules or version, as they do for the app.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from questionnaire.content import CONTENT_DIR, LANGUAGES, ContentError, load_all
from scoring import AssessmentError, load_rules, parse_assessment, score
from scoring.catalogue import RULES_DIR
from scoring.engine import WEIGHTINGS
from scoring.rules import RuleError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scoring", description=__doc__.split("\n\n")[0])
    parser.add_argument("file", help="the assessment file (JSON); '-' reads standard input")
    parser.add_argument("--weighting", choices=WEIGHTINGS, default="organisation",
                        help="weigh each organisation equally (default) or each respondent")
    parser.add_argument("--lang", choices=LANGUAGES, default="en", help="language of titles and reasons")
    arguments = parser.parse_args(argv)
    try:
        questionnaires = load_all(Path(os.environ.get("RUPA_CONTENT_DIR") or CONTENT_DIR))
        version = os.environ.get("RUPA_QUESTIONNAIRE_VERSION") or max(questionnaires)
        if version not in questionnaires:
            raise ContentError("RUPA_QUESTIONNAIRE_VERSION", "", f"{version!r} is not one of {sorted(questionnaires)}")
        rules = load_rules(questionnaires[version], Path(os.environ.get("RUPA_RULES_DIR") or RULES_DIR))
    except (ContentError, RuleError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    try:
        source = sys.stdin.buffer.read() if arguments.file == "-" else Path(arguments.file).read_bytes()
    except OSError as error:
        print(f"error: {arguments.file}: {error.strerror}", file=sys.stderr)
        return 1
    try:
        assessment = parse_assessment(source, questionnaires, version)
    except AssessmentError as error:
        for fault in error.faults:
            print(f"error: {fault}", file=sys.stderr)
        print(f"{len(error.faults)} fault(s): nothing was scored.", file=sys.stderr)
        return 1
    result = score(assessment, rules, weighting=arguments.weighting, lang=arguments.lang)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
