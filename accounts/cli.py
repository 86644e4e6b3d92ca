"""``flask --app app users create EMAIL``: accounts for closed installations."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from accounts.forms import MIN_PASSWORD
from accounts.models import Facilitator, normalise_email
from database import db

users_cli = AppGroup("users", help="Manage facilitator accounts.")


@users_cli.command("create")
@click.argument("email")
@click.option("--admin", is_flag=True, help="Make the account an administrator.")
@click.password_option(help="The password (asked for when not given).")
def create_command(email: str, admin: bool, password: str) -> None:
    """Create a facilitator account (sign-up may be switched off)."""
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise click.ClickException(f"{email!r} is not an email address")
    if len(password) < MIN_PASSWORD:
        raise click.ClickException(f"the password needs at least {MIN_PASSWORD} characters")
    if db.session.execute(select(Facilitator.id).where(Facilitator.email == email)).first():
        raise click.ClickException(f"an account for {email} already exists")
    facilitator = Facilitator(email=email, is_admin=admin)
    facilitator.set_password(password)
    db.session.add(facilitator)
    db.session.commit()
    click.echo(f"created {'administrator' if admin else 'facilitator'} {email}")
