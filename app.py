"""RUPA application factory: configuration, extensions, blueprints and command-line commands."""

from __future__ import annotations

import logging
from pathlib import Path

from babel import Locale, UnknownLocaleError
from flask import Flask
from flask_babel import get_locale
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError, ProgrammingError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

import sqlite_writers
from accounts.cli import users_cli
from accounts.tokens import facilitator_for
from accounts.views import bp as accounts_bp
from api.views import bp as api_bp
from authorisation import access
from config import load_config
from database import db
from deployment import RedactSecrets, check_command, watch_proxy_headers
from extensions import babel, compress, csrf, limiter, login_manager, mail, migrate
from pages.views import bp as pages_bp
from partnerships.data_views import bp as partnership_data_bp
from partnerships.demo import demo_cli
from partnerships.departure import bp as departure_bp
from partnerships.invitation_views import bp as invitations_bp
from partnerships.join import bp as join_bp
from partnerships.paper_views import allow_uploads
from partnerships.paper_views import bp as paper_bp
from partnerships.purge import purge_command, rounds_due_command, start_purge_when_due
from partnerships.service import access_to, rounds_around
from partnerships.views import bp as partnerships_bp
from partnerships.vote_views import bp as vote_bp
from partnerships.vote_views import room_vote
from partnerships.workshop_views import bp as workshop_bp
from questionnaire.cli import questionnaire_cli
from questionnaire.content import CONTENT_DIR, FALLBACK_LANGUAGE, ContentError, load_all
from questionnaire.content import LANGUAGES as CONTENT_LANGUAGES
from questionnaire.journey import find_respondent, response_submitted
from questionnaire.rendering import choice_options, items_html
from questionnaire.views import bp as questionnaire_bp
from reports.cli import report_command, score_command
from reports.jobs import prepare_submitted_pdf, worker_command
from reports.views import bp as reports_bp
from scoring.catalogue import RULES_DIR, load_rules
from scoring.rules import RuleError
from web import errors, i18n, once, security, static, transactions

REDACT_SECRETS = RedactSecrets()


def check_languages(app: Flask) -> None:
    """RUPA_LANGUAGES against what exists: a code Babel has no locale for stops start-up with a message; a
    language the questionnaire content and rules do not translate is served in the fallback language's
    words (questionnaire.content.Localised), with a warning in the log."""
    for lang in app.config["LANGUAGES"]:
        try:
            Locale.parse(lang)
        except (ValueError, UnknownLocaleError):
            raise SystemExit(f"RUPA cannot start: RUPA_LANGUAGES lists {lang!r}, which is not a language code "
                             f"Babel knows (for example 'de' or 'es')") from None
        if lang not in CONTENT_LANGUAGES:
            app.logger.warning("RUPA_LANGUAGES lists %r, which the questionnaire content and the rules do not "
                               "translate: its pages use the %r texts", lang, FALLBACK_LANGUAGE)


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    load_config(app, test_config)
    check_languages(app)
    logging.getLogger("werkzeug").addFilter(REDACT_SECRETS)  # `flask run` logs each request line

    try:
        questionnaires = load_all(Path(app.config.get("CONTENT_DIR") or CONTENT_DIR))
    except ContentError as error:
        raise SystemExit(f"RUPA cannot start: invalid questionnaire content: {error}") from None
    app.extensions["rupa.questionnaires"] = questionnaires
    app.config.setdefault("QUESTIONNAIRE_VERSION", max(questionnaires))
    if app.config["QUESTIONNAIRE_VERSION"] not in questionnaires:
        raise SystemExit(f"RUPA cannot start: RUPA_QUESTIONNAIRE_VERSION "
                         f"{app.config['QUESTIONNAIRE_VERSION']!r} is not one of {sorted(questionnaires)}")
    try:
        app.extensions["rupa.rules"] = load_rules(questionnaires[app.config["QUESTIONNAIRE_VERSION"]],
                                                  Path(app.config.get("RULES_DIR") or RULES_DIR))
    except RuleError as error:
        raise SystemExit(f"RUPA cannot start: invalid scoring rules: {error}") from None

    if app.config["PROXIES"]:
        hops = int(app.config["PROXIES"])
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops if app.config["PROXIES_FORWARD_HOST"] else 0)

    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":  # its writers' queue and transactions (sqlite_writers.py)
            sqlite_writers.register(db.engine)
    transactions.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/migrations"))
    app.before_request(allow_uploads)  # before CSRF protection reads (and so limits) the request body
    csrf.init_app(app)
    limiter.init_app(app)
    compress.init_app(app)
    static.init_app(app)
    login_manager.init_app(app)
    mail.init_app(app)
    login_manager.login_view = "accounts.signin"
    babel.init_app(app, locale_selector=i18n.select_locale,
                   default_translation_directories=app.root_path + "/translations")
    i18n.install_template_translations(app)

    security.init_app(app)
    app.before_request(watch_proxy_headers)
    access.init_app(app, access.Lookups(respondent=find_respondent, api_facilitator=facilitator_for,
                                        membership=access_to, rounds=rounds_around))
    app.before_request(i18n.remember_requested_language)
    app.jinja_env.globals.update(choice_options=choice_options, items_html=items_html, once_value=once.new_value,
                                 number=i18n.number, colon=i18n.colon, semicolon=i18n.semicolon,
                                 room_vote=room_vote)
    app.context_processor(lambda: {
        "language_links": i18n.language_links, "get_locale": get_locale,
    })
    app.register_error_handler(CSRFError, errors.handle_csrf_error)
    app.register_error_handler(HTTPException, errors.handle_http_error)
    for database_error in (OperationalError, InterfaceError, ProgrammingError, PoolTimeoutError):
        app.register_error_handler(database_error, errors.handle_database_error)
    app.register_error_handler(Exception, errors.handle_unexpected_error)

    for blueprint in (pages_bp, questionnaire_bp, reports_bp, accounts_bp, partnerships_bp, workshop_bp,
                      partnership_data_bp, join_bp, paper_bp, departure_bp, vote_bp, invitations_bp, api_bp):
        app.register_blueprint(blueprint)
    app.after_request(start_purge_when_due)
    # What follows a submission in other packages: the journey announces it and imports none of them.
    response_submitted.connect(prepare_submitted_pdf, sender=app)

    for command in (questionnaire_cli, demo_cli, score_command, report_command, users_cli, purge_command,
                    rounds_due_command, worker_command, check_command):
        app.cli.add_command(command)
    return app
