"""This test worker's database, and the saved copies ("templates") it is reset from.

Each pytest-xdist worker (or the single process without xdist) owns one test database at a
fixed address, so one app can serve every test of the worker. Before a test, the database is
reset to a template: the migrated empty schema, or a named world built once per worker
(tests/worlds.py). Resetting is cheap where building is not: about 1 ms to copy a SQLite file,
about 20 ms to put a PostgreSQL database's rows back, against 200 ms and more to build the
permission world.

Whoever holds connections to the test database must close them (``db.engine.dispose()``)
before ``reset`` or ``save_as``: SQLite files are replaced underneath, and on PostgreSQL any
session still open is ended.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
_SQLITE_FILES = ("", "-wal", "-shm", "-journal")


def psycopg_url(url: str) -> str:
    """Any spelling of a PostgreSQL URL, with the driver the app uses (psycopg 3)."""
    return re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql+psycopg://", url)


class SqliteDatabase:
    kind = "sqlite"

    def __init__(self, folder: Path):
        self.folder = folder
        self.path = folder / "plc.db"
        self.uri = f"sqlite:///{self.path}"
        self.templates: set[str] = set()
        self.resets = 0

    def create_empty(self) -> None:
        self._remove(self.path)

    def reset(self, template: str) -> None:
        self.resets += 1
        self._remove(self.path)
        shutil.copyfile(self._template_path(template), self.path)

    def save_as(self, template: str) -> None:
        # The backup API copies a consistent snapshot, pages still in the WAL included.
        target = self._template_path(template)
        self._remove(target)
        source, copy = sqlite3.connect(self.path), sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        self.templates.add(template)

    def drop_all(self) -> None:
        """Nothing to do: the files live in pytest's temporary folder."""

    def _template_path(self, template: str) -> Path:
        return self.folder / f"template-{template}.db"

    @staticmethod
    def _remove(path: Path) -> None:
        for suffix in _SQLITE_FILES:
            Path(f"{path}{suffix}").unlink(missing_ok=True)


@dataclass
class _Saved:
    tables: list[str]  # the tables that hold rows, in an order foreign keys accept
    sequences: dict[str, tuple[int, bool]]  # sequence -> last value, handed out yet


class PostgresDatabase:
    """One database per worker, ``<name>_<worker>`` (after the database named in
    PLC_TEST_DATABASE_URL, which is only connected to, to create and drop it). A template is a
    schema in that same database holding a copy of every table that had rows, with the
    sequences' values beside it in memory. A reset deletes every row, copies the template's
    rows back and sets the sequences: about 20 ms, where copying a database (``CREATE DATABASE
    ... TEMPLATE``) costs 200 to 350 ms, dropping one forces a checkpoint (150 ms and more)
    and TRUNCATE of every table takes 150 to 400 ms (new files for each table and index)."""

    kind = "postgresql"

    def __init__(self, url: str):
        admin_url = make_url(psycopg_url(url))
        self.name = f"{admin_url.database}_{WORKER}".lower()
        # Commits need not wait for the disk: a test database never outlives a crash.
        test_url = admin_url.set(database=self.name,
                                 query={"options": "-c synchronous_commit=off"})
        self.uri = test_url.render_as_string(hide_password=False)
        self._admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        self._engine = create_engine(test_url, pool_size=1)
        self._saved: dict[str, _Saved] = {}
        self._order: list[str] | None = None
        self.resets = 0

    @property
    def templates(self) -> set[str]:
        return set(self._saved)

    def create_empty(self) -> None:
        self._drop_database()
        with self._admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.name}"'))

    def reset(self, template: str) -> None:
        self.resets += 1
        saved, schema = self._saved[template], self._schema(template)
        with self._engine.begin() as conn:
            _end_other_sessions(conn)
            order = self._table_order(conn)
            # One round trip. As a superuser, foreign keys are not checked (the rows are the
            # template's own): a third of the time.
            statements = ["SET LOCAL session_replication_role = replica"] if self._superuser else []
            statements += [f'DELETE FROM public."{table}"' for table in reversed(order)]
            statements += [f'INSERT INTO public."{table}" SELECT * FROM {schema}."{table}"'
                           for table in saved.tables]
            conn.exec_driver_sql("; ".join(statements))
            _set_sequences(conn, saved.sequences)

    def save_as(self, template: str) -> None:
        schema = self._schema(template)
        with self._engine.begin() as conn:
            _end_other_sessions(conn)
            tables = _tables_with_rows(conn, self._table_order(conn))
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {schema}"))
            for table in tables:
                conn.execute(text(f'CREATE TABLE {schema}."{table}" AS TABLE public."{table}"'))
            sequences = _sequence_states(conn)
        self._saved[template] = _Saved(tables, sequences)

    def drop_all(self) -> None:
        self._engine.dispose()
        self._drop_database()
        self._admin.dispose()

    @cached_property
    def _superuser(self) -> bool:
        with self._engine.connect() as conn:
            return conn.execute(text(
                "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).scalar_one()

    def _table_order(self, conn) -> list[str]:
        """Every table the migrations made, parents before children."""
        if self._order is None:
            from plc.extensions import db

            present = set(conn.execute(text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars())
            self._order = [t.name for t in db.metadata.sorted_tables if t.name in present]
        return self._order

    def _drop_database(self) -> None:
        with self._admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))

    @staticmethod
    def _schema(template: str) -> str:
        return "template_" + re.sub(r"\W", "_", template)


def _end_other_sessions(conn) -> None:
    """A server a test started (a thread, gunicorn) may still hold a connection."""
    conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                      "WHERE datname = current_database() AND pid <> pg_backend_pid()"))


def _tables_with_rows(conn, tables: list[str]) -> list[str]:
    """Those of ``tables`` that hold a row, in the same order: one statement."""
    checks = ", ".join(f"('{t}', EXISTS (SELECT 1 FROM public.\"{t}\"))" for t in tables)
    found = set(conn.execute(text(
        f"SELECT name FROM (VALUES {checks}) AS v(name, has_rows) WHERE has_rows")).scalars())
    return [t for t in tables if t in found]


def _sequence_states(conn) -> dict[str, tuple[int, bool]]:
    """Each sequence's last value and whether it was handed out (pg_sequences shows no value
    for a sequence moved by ``setval(..., false)``, as bench/seed.py does)."""
    names = conn.execute(text(
        "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")).scalars().all()
    if not names:
        return {}
    reads = " UNION ALL ".join(
        f"SELECT '{name}', last_value, is_called FROM public.\"{name}\"" for name in names)
    return {name: (value, called) for name, value, called in conn.execute(text(reads))}


def _set_sequences(conn, sequences: dict[str, tuple[int, bool]]) -> None:
    if sequences:
        calls = ", ".join(f"setval('public.\"{name}\"', {value}, {called})"
                          for name, (value, called) in sequences.items())
        conn.execute(text(f"SELECT {calls}"))


def worker_database(folder: Path, postgres_url: str | None):
    return PostgresDatabase(postgres_url) if postgres_url else SqliteDatabase(folder)
