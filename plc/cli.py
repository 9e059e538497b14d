"""``flask plc ...`` commands: create-admin, reset-second-factor, demo, send-mail,
send-digests, send-reminders, close-rounds, purge-expired, run-exports, rebuild-rollups,
import-framework, export-framework.
Each owns its transactions (``job_transaction``). The administrative ones (create-admin,
reset-second-factor, purge-expired --apply, import-framework) are audit-logged with no actor
and "cli" as their address."""

from __future__ import annotations

import click
from flask import current_app
from sqlalchemy import select

from plc.extensions import db
from plc.unit_of_work import job_transaction


def register(app) -> None:
    app.cli.add_command(plc_group)


@click.group("plc")
@click.pass_context
def plc_group(ctx: click.Context):
    """PLC administration commands."""
    # Commands build absolute links for e-mail (reminders, digests, invitations) the way a
    # request would: from BASE_URL (else SERVER_NAME). The context says POST so that SQLite
    # takes the write lock up front, as for any request that writes.
    cfg = current_app.config
    base_url = cfg.get("BASE_URL") or (
        f"http://{cfg['SERVER_NAME']}" if cfg.get("SERVER_NAME") else "http://127.0.0.1:5000")
    # The context is marked as the command line's: the audit log records "cli", not the
    # made-up remote address of a test request.
    from plc.audit.services import CLI_ENVIRON_KEY

    ctx.with_resource(current_app.test_request_context(
        base_url=base_url, method="POST", environ_base={CLI_ENVIRON_KEY: True}))


@plc_group.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.password_option()
def create_admin(email: str, name: str, password: str):
    """Create a site admin (or make an existing account one)."""
    from plc.accounts import passwords
    from plc.accounts.models import User
    from plc.accounts.services import normalize_email, user_by_email
    from plc.audit import services as audit

    if len(password) < passwords.MIN_LENGTH:
        raise click.ClickException(f"Use at least {passwords.MIN_LENGTH} characters.")
    with job_transaction():
        user = user_by_email(email)
        if user is None:
            user = User(email=normalize_email(email), name=name)
            db.session.add(user)
        user.is_site_admin = True
        user.active = True
        user.password_hash = passwords.hash_password(password)
        db.session.flush()
        audit.record("site_admin.created", target_type="user", target_id=user.id,
                     target_label=audit.user_label(user))
    click.echo(f"Site admin {user.email} is ready.")


@plc_group.command("reset-second-factor")
@click.argument("email")
def reset_second_factor(email: str):
    """Remove someone's second factor (a lost phone and lost recovery codes)."""
    from plc.accounts import two_factor
    from plc.accounts.services import user_by_email
    from plc.audit import services as audit

    with job_transaction():
        user = user_by_email(email)
        if user is None:
            raise click.ClickException(f"No account has the e-mail address {email}.")
        removed = two_factor.reset(user)
        if removed:
            audit.record("second_factor.reset", target_type="user", target_id=user.id,
                         target_label=audit.user_label(user))
    if not removed:
        raise click.ClickException(f"{user.email} has no second factor.")
    click.echo(f"{user.email} has no second factor now and is signed out everywhere; they set "
               "one up again at their next sign-in if their role requires it.")


@plc_group.command("demo")
@click.option("--if-empty", is_flag=True, help="Only load when the database has no users.")
def demo(if_empty: bool):
    """Load the demo programme, cohorts and people; print the demo logins."""
    from plc import demo as demo_data
    from plc.accounts.models import User

    if if_empty and db.session.execute(select(User.id).limit(1)).first():
        click.echo("The database already has data; demo not loaded.")
    else:
        with job_transaction():
            demo_data.load()
    click.echo(demo_data.LOGINS_TEXT)


@plc_group.command("send-mail")
@click.option("--all", "send_all", is_flag=True, help="Also retry messages not yet due.")
def send_mail(send_all: bool):
    """Deliver queued e-mail from the outbox (run it from cron or a timer)."""
    from plc.mail import outbox

    if send_all:
        outbox.make_all_due()
    sent = failed = 0
    while True:  # batch after batch until one is not full: a backlog goes out in one run
        batch_sent, batch_failed = outbox.deliver()
        sent, failed = sent + batch_sent, failed + batch_failed
        if batch_sent + batch_failed < outbox.BATCH:
            break
    current_app.logger.info("send-mail: %s sent, %s failed", sent, failed)
    click.echo(f"{sent} sent, {failed} failed (will be retried).")


@plc_group.command("send-digests")
def send_digests_command():
    """E-mail each person who chose the daily digest what happened since their last one (at
    most one digest per person per day; run it from cron, e.g. every morning)."""
    from plc.notifications.digest import send_digests

    click.echo(f"Digests sent: {send_digests()}")


@plc_group.command("send-reminders")
def send_reminders_command():
    """Remind members, the programme's number of days before each meeting, to post a progress
    update (each person once per meeting; run it from cron, e.g. hourly)."""
    from plc.meetings.reminders import send_reminders

    click.echo(f"Reminders sent: {send_reminders()}")


@plc_group.command("close-rounds")
@click.option("--remind-days", default=2, show_default=True,
              help="Remind invitees who have not answered this many days before closing.")
def close_rounds_command(remind_days: int):
    """Close the stakeholder feedback rounds past their closing date (deleting their invitees'
    addresses) and remind, once, the invitees of rounds about to close (run it daily)."""
    from datetime import date

    from plc.voice import services as voice_services

    with job_transaction():
        closed = voice_services.close_due_rounds(date.today())
    with job_transaction():
        reminded = voice_services.remind_invitees(date.today(), remind_days)
    click.echo(f"Rounds closed: {closed}; invitees reminded: {reminded}")


@plc_group.command("run-exports")
def run_exports_command():
    """Build the "my data" exports people asked for, and delete those past their day (run it
    from cron, e.g. every minute, when PLC_EXPORT_AFTER_REQUEST is off or as a safety net)."""
    from plc.privacy import exports

    built = exports.run_pending()
    removed = exports.remove_expired()
    click.echo(f"Exports built: {built}; expired and deleted: {removed}")


@plc_group.command("backup")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
def backup_command(path: str | None):
    """Back up the database while the site runs (SQLite backup API, or pg_dump) to PATH
    (default: instance/backups/plc-<timestamp>.sqlite|.sql). Restoring: see plc/backup.py."""
    from plc import backup

    try:
        written = backup.backup(path)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Backup written to {written}")


@plc_group.command("purge-expired")
@click.option("--apply", "apply_", is_flag=True,
              help="Delete what is listed (without it, only list it: a dry run).")
def purge_expired(apply_: bool):
    """Delete the personal content of programme years closed more than PLC_RETENTION_YEARS
    ago (plc/programs/retention.py says what goes and what stays). A dry run unless --apply;
    safe to run daily (from cron): what was removed is not listed again."""
    from plc.programs import retention

    years = current_app.config["RETENTION_YEARS"]
    found = retention.expired(years=years)
    if not found:
        click.echo(f"Nothing to remove: no programme year closed more than {years} "
                   f"year{'s' if years != 1 else ''} ago holds personal content.")
        return
    click.echo(f"Programme years closed more than {years} year{'s' if years != 1 else ''} ago "
               f"({len(found)}):")
    for item in found:
        program = item.program
        click.echo(f"  {program.name} (programme #{program.id}, closed "
                   f"{program.closed_at:%Y-%m-%d}):")
        for kind, n in item.counts.items():
            click.echo(f"    {kind}: {n}")
    if not apply_:
        click.echo("Dry run: nothing was removed. Run again with --apply to remove it.")
        return
    for item in found:
        with job_transaction():
            removed = retention.purge(item, years=years)
        click.echo(f"Removed from {item.program.name}: {sum(removed.values())} rows.")


@plc_group.command("rebuild-rollups")
@click.option("--program", "program_id", type=int, default=None,
              help="Only this programme's (by number); without it, every programme's.")
def rebuild_rollups(program_id: int | None):
    """Make the dashboards' roll-ups again from the events: activity (progress updates,
    comments, submitted worksheets) and attendance (meetings, attendance, memberships). They
    are kept as the events are written; this is for a database filled around the application
    (a restore of events only, a bulk import) or to check them. One transaction."""
    from plc.dashboards import attendance_rollups, rollups

    with job_transaction():
        connection = db.session.connection()
        activity = rollups.rebuild(connection, program_id=program_id)
        attendance = attendance_rollups.rebuild(connection, program_id=program_id)
    click.echo(f"Rebuilt the activity roll-ups: {activity} row{'s' if activity != 1 else ''}; "
               f"the attendance roll-ups: {attendance} row{'s' if attendance != 1 else ''}.")


@plc_group.command("import-framework")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def import_framework(file: str):
    """Import a rubric framework from a YAML or JSON file (docs/frameworks.md)."""
    from pathlib import Path

    from plc.rubrics import schema
    from plc.rubrics import services as rubric_services

    path = Path(file)
    try:
        data = schema.load(path.read_text(encoding="utf-8"), path.name)
    except (schema.FrameworkFileError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"{path.name}: {exc}") from exc
    errors = schema.validate(data)
    if errors:
        raise click.ClickException(
            f"{path.name} is not a valid framework; nothing was saved:\n  " + "\n  ".join(errors)
        )
    with job_transaction():
        framework, outcome = rubric_services.upload_framework(None, data)
    click.echo(rubric_services.describe(framework, outcome))


@plc_group.command("export-framework")
@click.argument("key")
@click.option("--version", type=int, help="The version to export (default: the newest).")
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml",
              show_default=True)
def export_framework(key: str, version: int | None, fmt: str):
    """Print a framework in the import format (YAML or JSON)."""
    from plc.rubrics import queries as rubric_queries
    from plc.rubrics import services as rubric_services

    found = (rubric_queries.framework_version(key, version) if version
             else rubric_queries.newest_version(key))
    if found is None:
        raise click.ClickException(f"No framework {key!r}" + (f" version {version}." if version
                                                               else "."))
    framework = rubric_queries.full_framework(found.id)
    click.echo(rubric_services.dump(rubric_services.export_framework(framework), fmt), nl=False)
