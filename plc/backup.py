"""``flask plc backup [PATH]``: a consistent copy of the live database, taken while it serves.

SQLite: the online backup API copies every page in one step, inside one read transaction, so
the copy is the database as it stood when the step began (WAL mode lets writers go on
meanwhile). PostgreSQL: ``pg_dump`` (plain SQL), which dumps one snapshot taken when it starts.
Without PATH the file is instance/backups/plc-<UTC timestamp>.sqlite (or .sql).

Restoring (the application stopped, or pointed elsewhere, while it happens):

- SQLite: copy the backup file to the database path (PLC_DATABASE_URL, else instance/plc.db),
  remove any stale ``-wal``/``-shm`` files next to it, then run ``flask db upgrade`` (a no-op
  unless the backup predates the code) and start the app. ``restore()`` below does the copy
  with the backup API, which also works on a file another process has open.
- PostgreSQL: create an empty database and load the dump into it, stopping at the first
  error: ``createdb plc_restored && psql -v ON_ERROR_STOP=1 -d plc_restored -f plc-....sql``;
  then point PLC_DATABASE_URL at it (or rename the databases) and run ``flask db upgrade``.

Check a restore: ``sqlite3 plc.db 'PRAGMA integrity_check'`` answers ``ok``; the row counts of
the main tables (users, action_plans, comments) match what the site showed at backup time.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess  # nosec B404 (pg_dump/psql with an argument list, no shell)
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy.engine import URL, make_url

from plc.extensions import db


class BackupError(RuntimeError):
    pass


def backup(path: str | Path | None = None) -> Path:
    """Write a backup of the app's database to ``path`` (default: instance/backups/...)."""
    url = db.engine.url
    kind = url.get_backend_name()
    if kind not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups of {kind} databases are not supported.")
    target = Path(path) if path else default_path(kind)
    target.parent.mkdir(parents=True, exist_ok=True)
    if kind == "sqlite":
        _backup_sqlite(_sqlite_file(url), target)
    else:
        _run_pg_tool("pg_dump", url, ["--format=plain", "--no-owner", "--no-privileges",
                                      "--file", str(target)])
    return target


def restore(backup_file: str | Path, database_url: str) -> None:
    """Load a backup into the (new, empty) database at ``database_url``."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        with sqlite3.connect(str(backup_file)) as source, \
                sqlite3.connect(_sqlite_file(url)) as dest:
            source.backup(dest)
        return
    _run_pg_tool("psql", url, ["--quiet", "-v", "ON_ERROR_STOP=1", "--file", str(backup_file)])


def default_path(kind: str) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    suffix = "sqlite" if kind == "sqlite" else "sql"
    return Path(current_app.instance_path) / "backups" / f"plc-{stamp}.{suffix}"


def _sqlite_file(url: URL) -> str:
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    return url.database


def _backup_sqlite(source_file: str, target: Path) -> None:
    if target.exists():
        target.unlink()  # the backup API writes pages into an existing file; start clean
    source = sqlite3.connect(source_file, timeout=30)
    try:
        dest = sqlite3.connect(str(target))
        try:
            source.backup(dest, pages=-1)  # one step: one read transaction, one snapshot
        finally:
            dest.close()
    finally:
        source.close()


def _run_pg_tool(tool: str, url: URL, arguments: list[str]) -> None:
    executable = shutil.which(tool)
    if executable is None:
        raise BackupError(f"{tool} was not found on PATH; install the PostgreSQL client tools.")
    # Connection details go in libpq's environment, so the password is not on a command line.
    given = {"PGHOST": url.host, "PGPORT": url.port, "PGUSER": url.username,
             "PGDATABASE": url.database, "PGPASSWORD": url.password}
    env = {**os.environ, **{k: str(v) for k, v in given.items() if v}}
    done = subprocess.run(  # noqa: S603  # nosec B603 (fixed executable, argument list)
        [executable, *arguments], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{tool} failed ({done.returncode}): {done.stderr.strip()}")
