"""The database side of the load test: preparing a scratch database, choosing who the
simulated users sign in as (and which pages they use), and counting afterwards what the
database really holds."""

from __future__ import annotations

import os
import sqlite3
import subprocess  # nosec B404 (flask commands with our interpreter and fixed arguments)
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import bindparam, create_engine, text
from sqlalchemy.engine import make_url

from bench.run import ROOT, make_app, normalize_url, server_env

# --- preparing ---------------------------------------------------------------------------------


def flask_command(database_url: str, *args: str, extra_env: dict | None = None,
                  timeout: float = 600) -> subprocess.CompletedProcess:
    """``flask --app wsgi ARGS`` with the server's configuration; raises when it fails."""
    done = subprocess.run(  # noqa: S603  # nosec B603 (our interpreter, fixed arguments)
        [sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT,
        env=server_env(database_url, extra_env), capture_output=True, text=True,
        timeout=timeout, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed ({done.returncode}):\n"
                           f"{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return done


def recreate_postgres(database_url: str) -> None:
    """DROP and CREATE the database named in the URL (the load test's scratch database)."""
    url = make_url(normalize_url(database_url))
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{url.database}"'))
    finally:
        admin.dispose()


def prepare(database_url: str, scale: float, echo=print) -> None:
    """A fresh, migrated, seeded database: PostgreSQL's is dropped and created again; an
    SQLite file is deleted first."""
    if is_postgres(database_url):
        echo(f"Dropping and creating {make_url(database_url).database} (scratch database)")
        recreate_postgres(database_url)
    else:
        path = Path(make_url(database_url).database)
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
    flask_command(database_url, "db", "upgrade")
    done = subprocess.run(  # noqa: S603  # nosec B603 (our interpreter, fixed arguments)
        [sys.executable, "bench/seed.py", "--scale", str(scale)], cwd=ROOT,
        env={**os.environ, "PLC_DATABASE_URL": database_url}, capture_output=True, text=True,
        check=False)
    if done.returncode != 0:
        raise RuntimeError(f"seeding failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    echo(f"Seeded at scale {scale}")


def is_postgres(database_url: str) -> bool:
    return database_url.startswith("postgres")


# --- who signs in, and where they go -------------------------------------------------------


@dataclass
class Account:
    email: str
    role: str  # "member" or "facilitator"
    reads: list[str]  # pages visited between writes
    comment_pages: list[tuple[str, str]] = field(default_factory=list)  # (plan page, action)
    update_page: str = ""  # the new-update form of the member's own plan
    attendance_pages: list[tuple[int, str]] = field(default_factory=list)  # (meeting id, url)


@dataclass
class World:
    login_path: str
    probe_path: str  # a light page for the latency baseline (a member's home)
    members: list[Account]
    facilitators: list[Account]
    description: str


def discover(database_url: str) -> World:
    """Every seeded cohort's facilitator and members, with the pages each of them uses."""
    from flask import url_for
    from sqlalchemy import func, select

    from plc.accounts.models import User
    from plc.extensions import db
    from plc.meetings.models import Meeting
    from plc.plans.models import ActionPlan
    from plc.programs.models import FACILITATOR, MEMBER, Cohort, Membership

    app = make_app(normalize_url(database_url))
    members, facilitators = [], []
    with app.app_context(), app.test_request_context():
        s = db.session
        now = datetime.now(UTC)
        for cohort_id in s.execute(select(Cohort.id).order_by(Cohort.id)).scalars():
            people = s.execute(
                select(User.id, User.email, Membership.role, ActionPlan.id, ActionPlan.visibility)
                .join(Membership, Membership.user_id == User.id)
                .outerjoin(ActionPlan, ActionPlan.user_id == User.id)
                .where(Membership.cohort_id == cohort_id).order_by(User.id)).all()
            shared = [p for p in people if p[2] == MEMBER and p[4] == "cohort"]
            meetings = s.execute(
                select(Meeting.id).where(Meeting.cohort_id == cohort_id, Meeting.starts_at < now)
                .order_by(Meeting.starts_at.desc()).limit(3)).scalars().all()
            common = [url_for("main.home"), url_for("feedback.cohort_feed", cohort_id=cohort_id),
                      url_for("meetings.cohort_meetings", cohort_id=cohort_id)]
            for uid, email, role, plan_id, _visibility in people:
                if role == FACILITATOR:
                    facilitators.append(Account(
                        email, "facilitator",
                        [*common, url_for("meetings.meeting", meeting_id=meetings[0]),
                         url_for("plans.plan", plan_id=shared[0][3])],
                        attendance_pages=[(m, url_for("meetings.attendance", meeting_id=m))
                                          for m in meetings]))
                    continue
                peers = [p for p in shared if p[0] != uid][:3]
                comment_pages = [(url_for("plans.plan", plan_id=p[3]),
                                  url_for("feedback.comment_on_plan", plan_id=p[3]))
                                 for p in peers]
                members.append(Account(
                    email, "member",
                    [*common, url_for("plans.plan", plan_id=plan_id), comment_pages[0][0]],
                    comment_pages=comment_pages,
                    update_page=url_for("plans.new_update", plan_id=plan_id)))
        counts = {name: s.execute(select(func.count()).select_from(t)).scalar_one()
                  for name, t in (("cohorts", Cohort), ("people", User))}
        login_path, probe_path = url_for("accounts.login"), url_for("main.home")
        db.session.remove()
        db.engine.dispose()
    return World(login_path, probe_path, members, facilitators,
                 ", ".join(f"{v} {k}" for k, v in counts.items()))


# --- counting what is stored ---------------------------------------------------------------


def engine_for(database_url: str):
    return create_engine(normalize_url(database_url))


def stored_markers(database_url: str, prefix: str) -> dict[str, set[str]]:
    """The load test's marker texts found in comments and progress updates."""
    like = {"p": f"%{prefix}%"}
    engine = engine_for(database_url)
    try:
        with engine.connect() as conn:
            comments = conn.execute(text("SELECT body FROM comments WHERE body LIKE :p"), like)
            updates = conn.execute(text("SELECT did FROM progress_updates WHERE did LIKE :p"),
                                   like)
            return {"comment": {marker(prefix, row[0]) for row in comments},
                    "update": {marker(prefix, row[0]) for row in updates}}
    finally:
        engine.dispose()


def marker(prefix: str, body: str) -> str:
    start = body.index(prefix)
    end = body.find(" ", start)
    return body[start:] if end < 0 else body[start:end]


def stored_attendance(database_url: str, meeting_ids) -> dict[int, dict[int, str]]:
    engine = engine_for(database_url)
    try:
        with engine.connect() as conn:
            found: dict[int, dict[int, str]] = {m: {} for m in meeting_ids}
            for meeting_id in found:
                for user_id, status in conn.execute(text(
                        "SELECT user_id, status FROM attendance WHERE meeting_id = :m"),
                        {"m": meeting_id}):
                    found[meeting_id][user_id] = status
            return found
    finally:
        engine.dispose()


def outbox_top(database_url: str) -> int:
    engine = engine_for(database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT COALESCE(MAX(id), 0) FROM outbox")).scalar_one()
    finally:
        engine.dispose()


def outbox_since(database_url: str, after_id: int) -> dict[int, bool]:
    """Outbox messages queued after ``after_id``: id -> sent yet."""
    engine = engine_for(database_url)
    try:
        with engine.connect() as conn:
            return {row[0]: row[1] is not None for row in conn.execute(
                text("SELECT id, sent_at FROM outbox WHERE id > :n"), {"n": after_id})}
    finally:
        engine.dispose()


def claimed_unsent(database_url: str, ids) -> list[int]:
    """Of these outbox messages, those not sent and not due: claimed by a deliverer (or
    waiting for a retry after a failure, which the caller tells apart by attempts)."""
    if not ids:
        return []
    engine = engine_for(database_url)
    try:
        with engine.connect() as conn:
            return sorted(row[0] for row in conn.execute(
                text("SELECT id, next_attempt_at FROM outbox WHERE sent_at IS NULL "
                     "AND attempts = 0 AND id IN :ids").bindparams(
                    bindparam("ids", expanding=True)), {"ids": list(ids)})
                if row[1] > datetime.now(UTC).replace(tzinfo=None))
    finally:
        engine.dispose()


def expire_claims(database_url: str, ids) -> None:
    """What the claim's 10 minutes (plc/mail/outbox.py CLAIM) would do: due again now."""
    if not ids:
        return
    engine = engine_for(database_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE outbox SET next_attempt_at = :now, claimed_until = :now "
                              "WHERE id IN :ids")
                         .bindparams(bindparam("ids", expanding=True)),
                         {"now": datetime.now(UTC).replace(tzinfo=None), "ids": list(ids)})
    finally:
        engine.dispose()


def program_lead(database_url: str) -> tuple[str, int]:
    """A programme lead's e-mail and their programme (bench/seed.py makes one per year)."""
    engine = engine_for(database_url)
    try:
        with engine.connect() as conn:
            return tuple(conn.execute(text(
                "SELECT u.email, l.program_id FROM program_leads l JOIN users u "
                "ON u.id = l.user_id ORDER BY l.program_id, l.id LIMIT 1")).one())
    finally:
        engine.dispose()


# --- restoring a backup --------------------------------------------------------------------

SANITY = {  # rows pointing at a parent that is not there: each must count 0
    "comments without their plan": "SELECT COUNT(*) FROM comments c "
        "LEFT JOIN action_plans p ON p.id = c.plan_id WHERE p.id IS NULL",
    "updates without their plan": "SELECT COUNT(*) FROM progress_updates u "
        "LEFT JOIN action_plans p ON p.id = u.plan_id WHERE p.id IS NULL",
    "plans without their author": "SELECT COUNT(*) FROM action_plans p "
        "LEFT JOIN users u ON u.id = p.user_id WHERE u.id IS NULL",
    "attendance without its meeting": "SELECT COUNT(*) FROM attendance a "
        "LEFT JOIN meetings m ON m.id = a.meeting_id WHERE m.id IS NULL",
}


@dataclass
class Restored:
    url: str
    checks: dict  # check name -> (passed, detail)
    cleanup: object = None


def restore_into_scratch(backup_file: Path, database_url: str) -> Restored:
    """Load the backup into a new database beside the live one and check it is sound."""
    from plc import backup

    if is_postgres(database_url):
        url = make_url(normalize_url(database_url))
        scratch = url.set(database=f"{url.database}_restored")
        recreate_postgres(scratch.render_as_string(hide_password=False))
        scratch_url = scratch.render_as_string(hide_password=False)
        backup.restore(backup_file, scratch_url)  # psql ON_ERROR_STOP: raises unless exit 0
        checks = {"restore (psql, ON_ERROR_STOP) exit status 0": (True, "0")}

        def drop():
            admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch.database}" WITH (FORCE)'))
            admin.dispose()
    else:
        path = Path(f"{backup_file}.restored.db")
        path.unlink(missing_ok=True)
        scratch_url = f"sqlite:///{path}"
        backup.restore(backup_file, scratch_url)
        with sqlite3.connect(path) as conn:
            integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
            foreign = conn.execute("PRAGMA foreign_key_check").fetchall()
        checks = {"PRAGMA integrity_check": (integrity == "ok", integrity),
                  "PRAGMA foreign_key_check": (not foreign, f"{len(foreign)} rows")}

        def drop():
            path.unlink(missing_ok=True)
    engine = engine_for(scratch_url)
    try:
        with engine.connect() as conn:
            for name, query in SANITY.items():
                orphans = conn.execute(text(query)).scalar_one()
                checks[name] = (orphans == 0, f"{orphans} rows")
            users = conn.execute(text("SELECT COUNT(*) FROM users")).scalar_one()
            checks["users restored"] = (users > 0, f"{users} rows")
    finally:
        engine.dispose()
    return Restored(scratch_url, checks, drop)
