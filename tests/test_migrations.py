"""The migrations are the schema: on an empty database they build exactly the models' schema,
and every step down and back up works, on SQLite and on PostgreSQL."""

from __future__ import annotations

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, make_url, text

from plc import create_app
from plc.extensions import db
from tests.conftest import PG_URL, base_config
from tests.databases import psycopg_url

# These tests make databases of their own: they belong to each database's run.
pytestmark = pytest.mark.database


def schema_differences() -> list:
    """What `flask db check` would find: the models compared with the migrated database."""
    opts = dict(current_app.extensions["migrate"].configure_args)
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts=opts)
        return compare_metadata(context, db.metadata)


def table_names() -> set[str]:
    return set(inspect(db.engine).get_table_names())


def enum_types() -> set[str]:
    """PostgreSQL types a downgrade must not leave behind (enums made by sa.Enum)."""
    if db.engine.dialect.name != "postgresql":
        return set()
    with db.engine.connect() as conn:
        return set(
            conn.execute(
                text(
                    "SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
                    "WHERE n.nspname = 'public' AND t.typtype = 'e'"
                )
            ).scalars()
        )


@pytest.fixture
def sqlite_uri(tmp_path):
    return f"sqlite:///{tmp_path / 'migrations.db'}"


@pytest.fixture
def postgresql_uri():
    """A database of its own (not the shared test database), dropped afterwards."""
    name = f"plc_migrations_test_{os.getpid()}"
    admin = create_engine(psycopg_url(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(psycopg_url(PG_URL)).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


# Each run of the suite checks the database it runs on (CI runs it on both): nothing skips.
@pytest.fixture(params=["postgresql" if PG_URL else "sqlite"])
def empty_database_uri(request):
    return request.getfixturevalue(f"{request.param}_uri")


def test_upgrade_matches_models_and_downgrade_undoes_everything(empty_database_uri, tmp_path):
    app = create_app(base_config(tmp_path, empty_database_uri))
    with app.app_context():
        try:
            assert table_names() == set()

            upgrade()
            assert table_names() == {t.name for t in db.metadata.sorted_tables} | {
                "alembic_version"
            }
            assert schema_differences() == [], "models and migrations differ: add a migration"

            downgrade(revision="base")
            assert table_names() == {"alembic_version"}, "a downgrade left tables behind"
            assert enum_types() == set(), "a downgrade left types behind"

            upgrade()
            assert schema_differences() == []
        finally:
            db.session.remove()
            db.engine.dispose()


def test_each_step_downgrades_and_upgrades_again(empty_database_uri, tmp_path):
    """Walk the history one revision at a time: down one, up one, at every step."""
    app = create_app(base_config(tmp_path, empty_database_uri))
    with app.app_context():
        try:
            config = current_app.extensions["migrate"].migrate.get_config()
            script = ScriptDirectory.from_config(config)
            revisions = [r.revision for r in reversed(list(script.walk_revisions()))]
            for revision in revisions:
                upgrade(revision=revision)
                downgrade(revision="-1")
                upgrade(revision=revision)
            assert schema_differences() == []
        finally:
            db.session.remove()
            db.engine.dispose()


def test_upgrading_keeps_existing_rows(empty_database_uri, tmp_path):
    """Altering a table on SQLite copies it; rows pointing at it must survive (foreign keys)."""
    app = create_app(base_config(tmp_path, empty_database_uri))
    with app.app_context():
        try:
            upgrade(revision="0001")
            with db.engine.begin() as conn:
                conn.execute(text(
                    "INSERT INTO programs (id, name, starts_on, ends_on, time_zone, description, "
                    "created_at) VALUES (1, 'Kept', '2026-09-01', '2027-06-30', 'UTC', '', "
                    "'2026-01-01 00:00:00')"
                ))
                conn.execute(text(
                    "INSERT INTO cohorts (id, program_id, name, description, created_at) "
                    "VALUES (1, 1, 'Kept cohort', '', '2026-01-01 00:00:00')"
                ))
            upgrade()
            downgrade(revision="0001")
            upgrade()
            with db.engine.connect() as conn:
                assert conn.execute(text("SELECT name FROM cohorts")).scalars().all() == [
                    "Kept cohort"
                ]
                assert conn.execute(text("SELECT name FROM programs")).scalar_one() == "Kept"
        finally:
            db.session.remove()
            db.engine.dispose()
