"""Test apps on SQLite, and on PostgreSQL when PLC_TEST_DATABASE_URL is set.

The schema is always built by the Alembic migrations, once per run: on SQLite into a template
file that each test copies; on PostgreSQL into the test database, which each test empties.
"""

from __future__ import annotations

import contextvars
import os
import re
import shutil
from contextlib import contextmanager

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import event, text

from plc import create_app
from plc.extensions import db
from tests import factories

PG_URL = os.environ.get("PLC_TEST_DATABASE_URL")
# In CI a missing browser or database must fail, never skip.
REQUIRE_ALL = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def base_config(tmp_path, database_uri: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "SQLALCHEMY_DATABASE_URI": database_uri,
        "WTF_CSRF_ENABLED": False,
        "MAIL_DIR": str(tmp_path / "mail"),
        "MAIL_SERVER": None,
        # Cheap hashing keeps the suite fast; production parameters are tested on their own.
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024,
        "SERVER_NAME": "plc.test",
        # Pages count afresh on every request; tests/dashboards/test_figures_cache.py turns the
        # cache on to prove it.
        "FIGURES_CACHE_SECONDS": 0,
    }


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """Run the migrations once; return how each test gets a fresh database."""
    if PG_URL:
        app = create_app(base_config(tmp_path_factory.mktemp("pg"), _pg_uri(PG_URL)))
        with app.app_context():
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
            upgrade()
            db.engine.dispose()
        return ("postgresql", _pg_uri(PG_URL))
    folder = tmp_path_factory.mktemp("template")
    path = folder / "template.db"
    app = create_app(base_config(folder, f"sqlite:///{path}"))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return ("sqlite", path)


def _pg_uri(url: str) -> str:
    return re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql+psycopg://", url)


def fresh_database_uri(database_template, tmp_path) -> str:
    kind, source = database_template
    if kind == "sqlite":
        target = tmp_path / "plc.db"
        shutil.copyfile(source, target)
        return f"sqlite:///{target}"
    return source


def empty_postgres_tables() -> None:
    tables = [t.name for t in db.metadata.sorted_tables]
    db.session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    db.session.commit()


def empty_all_tables() -> None:
    """Start again from an empty (migrated) database within one test."""
    if db.engine.dialect.name == "postgresql":
        empty_postgres_tables()
        return
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def app_config(database_template, tmp_path):
    return base_config(tmp_path, fresh_database_uri(database_template, tmp_path))


class IsolatedClient(FlaskClient):
    """Each request runs as in production: its own app context, g and database session.

    Flask reuses an app context the test has pushed, which would share ``g`` and the session
    between requests and hide bugs. The test's own work is committed first, which also ends
    its transaction so it holds no SQLite lock and sees the request's writes afterwards.
    """

    def open(self, *args, **kwargs):
        db.session.commit()
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    app.test_client_class = IsolatedClient
    with app.app_context():
        if app_config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
            empty_postgres_tables()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


def login(client, user_or_email, password: str = factories.PASSWORD, remember: bool = False):
    email = getattr(user_or_email, "email", user_or_email)
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    return client.post("/login", data=data)


@pytest.fixture
def login_as(client):
    def _login(user, **kwargs):
        response = login(client, user, **kwargs)
        assert response.status_code == 302, "login failed"
        return client

    return _login


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@contextmanager
def counting_queries(engine):
    counter = QueryCounter()

    def before_cursor_execute(_conn, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE")):
            counter.statements.append(statement)

    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", before_cursor_execute)


@pytest.fixture
def count_queries(app):
    return lambda: counting_queries(db.engine)


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


class SmtpSink:
    """A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages: list = []
        self.port = free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, _server, _session, envelope):  # noqa: N802 (aiosmtpd's name)
        import email
        from email import policy

        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def start(self):
        self._controller.start()
        return self

    def stop(self):
        self._controller.stop()


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_sink():
    sink = SmtpSink().start()
    yield sink
    sink.stop()
