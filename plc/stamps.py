"""The site's stamps, so that a whole page body can be kept by each worker (plc/fragments.py)
and still never outlive what it shows:
- ``site`` changes with every committed write a kept page could show and no row stamp of its
  own covers (a person's name, a membership, a meeting's title, a role, the rubric);
- ``content`` changes with every committed write of a plan's content (``ROW_STAMPED``: the
  plan, its focus areas and steps, its updates, its comments), for pages that show many
  plans' content (the cohort feed), which no cheap stamp of their own rows would cover.

Pieces that show a few rows are keyed by those rows' own stamps (an id and a version). A page
body is kept to skip reading its rows at all: its key is made of a cheap stamp of its own rows
(a plan's comments and updates, one aggregate statement) and of this site stamp, read with the
session in the statement every signed-in request runs (plc/accounts/sessions.py), so it costs
no statement.

The rule is conservative by construction: every write bumps the site stamp, except
- writes to the tables in ``UNSHOWN``, which no kept body shows (sessions, notifications, the
  outbox...): they are what requests write all the time;
- the ORM's own flushes of the tables in ``ROW_STAMPED``, whose every change moves a row stamp
  the kept bodies are keyed by (a version column, a count, the newest id). A bulk UPDATE or
  DELETE of those tables moves no such stamp, so it bumps the site stamp too (the erasure of a
  person rewrites their comments that way).
A table added later bumps the site stamp until someone decides otherwise: a kept body is then
kept for less long, never shown stale.

The stamps are bumped by the last statement before COMMIT, in the committing transaction: the
new values are visible exactly when the write is, and the row lock it takes is held only for
the commit, after all the transaction's other locks (so it makes no deadlock). A new value is
random, not a count: a restored backup never brings back a value whose kept bodies showed other
data. Readers read the stamps before the rows a body shows, so a body is never kept under
newer stamps than its rows.
"""

from __future__ import annotations

import secrets
from contextlib import contextmanager
from typing import NamedTuple

from flask import g
from sqlalchemy import BigInteger, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.sql.elements import TextClause

from plc.extensions import db

SITE = 1  # the one row
UNSHOWN = frozenset({
    "site_stamps", "user_sessions", "login_failures", "second_factor_failures",
    "password_resets", "reading_records", "notifications", "digest_runs", "outbox",
    "audit_events", "activity_rollups", "attendance_rollups", "meeting_reminders",
    "data_exports",
})
ROW_STAMPED = frozenset({
    "action_plans", "focus_areas", "barriers", "action_steps", "plan_revisions",
    "progress_updates", "comments",
})
_DUE = "plc_site_stamp_due"
_OFF = "plc_site_stamp_off"
_TABLE_FOUND = "plc_site_stamp_table"
_WRITES = ("insert", "update", "delete", "replace", "alter", "drop", "create", "truncate")


class SiteStamp(db.Model):
    __tablename__ = "site_stamps"

    id: Mapped[int] = mapped_column(primary_key=True)
    site: Mapped[int] = mapped_column(BigInteger)
    content: Mapped[int] = mapped_column(BigInteger)


class Stamps(NamedTuple):
    site: int | None
    content: int | None


def columns() -> list:
    """The stamps as columns of another statement (the session's)."""
    return [select(getattr(SiteStamp, name)).where(SiteStamp.id == SITE).scalar_subquery()
            for name in Stamps._fields]


def remember(site: int | None, content: int | None) -> None:
    g.plc_site_stamps = Stamps(site, content)


def current() -> Stamps:
    """The stamps read with this request's session; None when unknown (no signed-in
    session, or no stamp row), and then nothing may be kept under them."""
    return g.get("plc_site_stamps") or Stamps(None, None)


def init_app(app) -> None:
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_execute", _note_write)
    event.listen(engine, "commit", _bump_if_due)
    event.listen(engine, "rollback", _forget)


def _note_write(connection, statement, *_args) -> None:
    if isinstance(statement, UpdateBase):
        table = statement.table.name
        if table in ROW_STAMPED:
            _due(connection, "content")
        elif table not in UNSHOWN:
            _due(connection, "site")
    elif isinstance(statement, TextClause) and statement.text.lstrip().lower().startswith(
            _WRITES):
        _due(connection, "site", "content")  # hand-written SQL: whichever table, it may be shown


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_write(state) -> None:
    """A bulk statement (``session.execute(update(Comment)...)``) moves no row's version."""
    if state.is_update or state.is_delete or state.is_insert:
        table = getattr(state.statement, "table", None)
        if table is not None and table.name not in UNSHOWN:
            _due(state.session.connection(), "site")


def _due(connection, *names: str) -> None:
    connection.info.setdefault(_DUE, set()).update(names)


def _bump_if_due(connection) -> None:
    due = connection.info.pop(_DUE, None)
    if not due or connection.info.get(_OFF):
        return
    cursor = connection.connection.cursor()  # the transaction is committing: the DBAPI's own
    try:
        if _has_stamp_table(connection, cursor):
            cursor.execute(_bump_statement(due))
    finally:
        cursor.close()


def _bump_statement(due: set[str]) -> str:
    """New values for the stamps due, and the row made again if it is gone: a database
    emptied whole (TRUNCATE, bench/seed.py --force) lost it, and without it no page is kept
    (``current``: stamps unknown) however often the site is written to. Both databases take
    this upsert. Of column names and integers of ours: no input."""
    fresh = {name: secrets.randbits(62) for name in Stamps._fields}
    changes = ", ".join(f"{name} = excluded.{name}" for name in sorted(due))
    return (f"INSERT INTO site_stamps (id, site, content) "  # noqa: S608  # nosec B608
            f"VALUES ({SITE}, {fresh['site']}, {fresh['content']}) "
            f"ON CONFLICT (id) DO UPDATE SET {changes}")


_FIND_TABLE = {
    "postgresql": "SELECT to_regclass('site_stamps')",
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'site_stamps'",
}


def _has_stamp_table(connection, cursor) -> bool:
    """A database not yet migrated to 0017 has no stamp to bump (and no server keeping pages
    from it). Asked once per database connection once found."""
    if connection.info.get(_TABLE_FOUND):
        return True
    cursor.execute(_FIND_TABLE[connection.dialect.name])
    row = cursor.fetchone()
    connection.info[_TABLE_FOUND] = found = row is not None and row[0] is not None
    return found


def _forget(connection) -> None:
    connection.info.pop(_DUE, None)


@contextmanager
def unstamped(connection):
    """Migrations: the schema changes, so every server is restarted after them and its kept
    pieces go with it; and before migration 0017 there is no stamp to bump."""
    connection.info[_OFF] = True
    try:
        yield
    finally:
        connection.info.pop(_OFF, None)
