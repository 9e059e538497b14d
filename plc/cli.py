"""``flask plc ...`` commands: create-admin, demo, send-mail."""

from __future__ import annotations

import click
from flask import current_app
from sqlalchemy import select

from plc.extensions import db


def register(app) -> None:
    app.cli.add_command(plc_group)


@click.group("plc")
def plc_group():
    """PLC administration commands."""


@plc_group.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.password_option()
def create_admin(email: str, name: str, password: str):
    """Create a site admin (or make an existing account one)."""
    from plc.accounts import passwords
    from plc.accounts.models import User
    from plc.accounts.services import normalize_email, user_by_email

    if len(password) < passwords.MIN_LENGTH:
        raise click.ClickException(f"Use at least {passwords.MIN_LENGTH} characters.")
    user = user_by_email(email)
    if user is None:
        user = User(email=normalize_email(email), name=name)
        db.session.add(user)
    user.is_site_admin = True
    user.active = True
    user.password_hash = passwords.hash_password(password)
    db.session.commit()
    click.echo(f"Site admin {user.email} is ready.")


@plc_group.command("demo")
@click.option("--if-empty", is_flag=True, help="Only load when the database has no users.")
def demo(if_empty: bool):
    """Load the demo programme, cohorts and people; print the demo logins."""
    from plc import demo as demo_data
    from plc.accounts.models import User

    if if_empty and db.session.execute(select(User.id).limit(1)).first():
        click.echo("The database already has data; demo not loaded.")
    else:
        demo_data.load()
        db.session.commit()
    click.echo(demo_data.LOGINS_TEXT)


@plc_group.command("send-mail")
@click.option("--all", "send_all", is_flag=True, help="Also retry messages not yet due.")
def send_mail(send_all: bool):
    """Deliver queued e-mail from the outbox (run it from cron or a timer)."""
    from plc.mail import outbox

    if send_all:
        outbox.make_all_due()
    sent, failed = outbox.deliver()
    current_app.logger.info("send-mail: %s sent, %s failed", sent, failed)
    click.echo(f"{sent} sent, {failed} failed (will be retried).")
