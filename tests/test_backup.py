"""``flask plc backup``: a backup taken while another thread writes restores into a sound
database holding every row committed before the backup began."""

from __future__ import annotations

import secrets
import shutil
import sqlite3
import threading
import time

import pytest
from sqlalchemy import create_engine, insert, select, text

from plc import backup
from plc.extensions import db
from plc.orgs.models import DISTRICT, Organization
from tests import factories
from tests.conftest import REQUIRE_ALL

COUNTED = ("users", "organizations")


def require_pg_tools() -> None:
    missing = [tool for tool in ("pg_dump", "psql") if shutil.which(tool) is None]
    if missing:
        message = f"{', '.join(missing)} not installed: PostgreSQL backups cannot be tested"
        if REQUIRE_ALL:
            pytest.fail(message)
        pytest.skip(message)


class Writer(threading.Thread):
    """Commits one organisation after another, remembering the ids once committed."""

    def __init__(self, app):
        super().__init__(daemon=True)
        self.app = app
        self.committed: list[int] = []
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self):
        try:
            with self.app.app_context():
                n = 0
                while not self.stop.is_set():
                    n += 1
                    new_id = db.session.execute(
                        insert(Organization).values(name=f"Writer district {n}", kind=DISTRICT)
                        .returning(Organization.id)).scalar_one()
                    db.session.commit()
                    self.committed.append(new_id)
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001  (reported by the test)
            self.error = exc


def counts(connection) -> dict:
    return {t: connection.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one()  # nosec B608
            for t in COUNTED}


@pytest.fixture
def restored_url(app, tmp_path):
    """An empty database to restore into; dropped afterwards on PostgreSQL."""
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    require_pg_tools()
    name = f"plc_restore_{secrets.token_hex(4)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def test_backup_taken_while_writing_restores_every_row_committed_before_it(
        app, tmp_path, restored_url):
    for i in range(20):
        factories.make_user(f"person{i}@example.org")
    db.session.commit()
    writer = Writer(app)
    writer.start()
    try:
        deadline = time.monotonic() + 10
        while len(writer.committed) < 20 and time.monotonic() < deadline:
            time.sleep(0.01)  # let the writer get going, so the backup overlaps its commits
        committed_before = list(writer.committed)
        target = backup.backup(tmp_path / "during-writes.bak")
    finally:
        writer.stop.set()
        writer.join(timeout=10)
    assert writer.error is None, writer.error
    assert len(committed_before) >= 20, "the writer never got going; the test proves nothing"
    with db.engine.connect() as conn:
        live = counts(conn)

    backup.restore(target, restored_url)

    engine = create_engine(restored_url)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
                assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
            restored = counts(conn)
            restored_ids = set(conn.execute(select(Organization.id)).scalars())
    finally:
        engine.dispose()
    assert restored["users"] == live["users"] == 20
    assert set(committed_before) <= restored_ids
    assert len(committed_before) <= restored["organizations"] <= live["organizations"]


def test_backup_command_writes_to_the_given_path(app, tmp_path):
    factories.make_user("someone@example.org")
    db.session.commit()
    path = tmp_path / "nightly" / "plc.bak"
    if db.engine.dialect.name == "postgresql":
        require_pg_tools()

    result = app.test_cli_runner().invoke(args=["plc", "backup", str(path)])

    assert result.exit_code == 0, result.output
    assert f"Backup written to {path}" in result.output
    assert path.stat().st_size > 0
    if db.engine.dialect.name == "sqlite":
        with sqlite3.connect(path) as conn:
            assert conn.execute("SELECT email FROM users").fetchall() == [("someone@example.org",)]
    else:
        assert "someone@example.org" in path.read_text()


def test_backup_command_defaults_to_a_timestamped_file_in_the_instance_folder(
        app, tmp_path, monkeypatch):
    if db.engine.dialect.name == "postgresql":
        require_pg_tools()
    monkeypatch.setattr(app, "instance_path", str(tmp_path))

    result = app.test_cli_runner().invoke(args=["plc", "backup"])

    assert result.exit_code == 0, result.output
    suffix = "sqlite" if db.engine.dialect.name == "sqlite" else "sql"
    written = list((tmp_path / "backups").glob(f"plc-*Z.{suffix}"))
    assert len(written) == 1 and str(written[0]) in result.output


def test_a_missing_pg_dump_is_a_clear_error_not_an_empty_file(app, tmp_path, monkeypatch):
    monkeypatch.setattr(backup.shutil, "which", lambda _name: None)
    url = db.engine.url.set(drivername="postgresql+psycopg", host="127.0.0.1", database="x")
    monkeypatch.setattr(backup, "db", type("FakeDb", (), {
        "engine": type("FakeEngine", (), {"url": url})()})())

    with pytest.raises(backup.BackupError, match="pg_dump was not found"):
        backup.backup(tmp_path / "x.sql")
    assert not (tmp_path / "x.sql").exists()

