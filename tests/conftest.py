"""Test apps on SQLite, and on PostgreSQL when PLC_TEST_DATABASE_URL is set.

Each test worker (pytest-xdist runs one per core) migrates its own database once and keeps one
app for all its tests. Before each test the database is replaced by a copy of a template: the
migrated empty schema, or a named world (tests/worlds.py) when the test asks for one. The app's
configuration is put back to the test's own before each test and its per-process state (caches,
the outbox's pause) is dropped afterwards. A test that needs settings only read when the app is
made (``CREATION_SETTINGS``) gets an app of its own from the same fixture.
"""

from __future__ import annotations

import contextvars
import os
import re
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import event

from plc import create_app
from plc.config import Defaults
from plc.extensions import db
from tests import factories
from tests.databases import worker_database
from tests.permission_world import grown5_world, grown_world, world  # noqa: F401 (fixtures)
from tests.worlds import WORLD_FIXTURES, Spec, Worlds, world_fixture

PG_URL = os.environ.get("PLC_TEST_DATABASE_URL")
# In CI a missing browser or database must fail, never skip.
REQUIRE_ALL = os.environ.get("CI", "").lower() in ("1", "true", "yes")
# Read by create_app only: a test that changes one of these gets an app of its own.
CREATION_SETTINGS = ("SQLALCHEMY_DATABASE_URI", "SQLALCHEMY_ENGINE_OPTIONS", "ENV_NAME",
                     "PROXY_COUNT", "BENCH")


REQUIRE_TOTP_DEFAULT = Defaults.REQUIRE_TOTP_FOR


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
        # Site admins and program leads must have a second factor in production (the default,
        # plc/config.py). The suite's many sign-ins as admins and leads skip it; the tests that
        # prove it, and those on the permission world (whose admin and lead are enrolled: the
        # matrix, the budgets, GETs change nothing), turn it on with REQUIRE_TOTP_DEFAULT.
        "REQUIRE_TOTP_FOR": "",
        # A session's last-seen stamp (once per interval) would otherwise land in whichever
        # test first runs minutes after its world was built; tests/accounts/test_sessions.py
        # sets the real interval to prove it.
        "SESSION_SEEN_INTERVAL_SECONDS": 10**9,
        # "My data" exports go to the test's own folder, and are built when a test says so
        # (tests/privacy/test_my_data.py also proves the build right after the request).
        "EXPORT_DIR": str(tmp_path / "exports"),
        "EXPORT_AFTER_REQUEST": False,
    }


def pytest_configure(config):
    """`make dev-setup` compiles the message catalogs (plc/translations); a run of pytest
    straight after editing a .po (or in a fresh worktree) compiles a stale one here, once,
    in the controlling process (the xdist workers only read it)."""
    if hasattr(config, "workerinput"):
        return
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in (Path(__file__).resolve().parent.parent / "plc" / "translations").glob(
            "*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source, mo.open("wb") as target:
                write_mo(target, read_po(source))


# Not trylast: "-m database" deselects in pytest's own hook, which runs after the conftests'.
def pytest_collection_modifyitems(items):
    """Mark the tests that use the database, so that the PostgreSQL leg of CI can run only
    those (``-m database``): the others would prove nothing new there. Then put the long
    tests (servers, browsers) first: `make test` hands tests out in this order
    (``--dist load``), so the workers finish together on short tests instead of one worker
    running a 20-second test while the other waits."""
    for item in items:
        if "database" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.database)
        if not PG_URL and item.get_closest_marker("postgresql"):
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL: runs when the suite "
                                             "does (PLC_TEST_DATABASE_URL, CI's second leg)"))
    items.sort(key=_length_rank)  # a stable sort: otherwise as collected


BROWSER_TESTS = Path(__file__).resolve().parent / "browser"


def _length_rank(item) -> int:
    """0 for tests that start servers or seed large data, 1 for browser journeys and
    whole-site walks, 2 for the rest."""
    if item.get_closest_marker("slow"):
        return 0
    if item.get_closest_marker("long") or BROWSER_TESTS in Path(str(item.path)).parents:
        return 1
    return 2


# --- the worker's database and app -----------------------------------------------------------


@pytest.fixture(scope="session")
def worker_db(tmp_path_factory):
    """This worker's database, migrated once and saved as the "empty" template."""
    database = worker_database(tmp_path_factory.mktemp("database"), PG_URL)
    database.create_empty()
    app = create_app(base_config(tmp_path_factory.mktemp("migrate"), database.uri))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    database.save_as("empty")
    yield database
    database.drop_all()


@pytest.fixture(scope="session")
def worker_app(worker_db, tmp_path_factory):
    """One app for all of this worker's tests (making one compiles ~110 URL rules: 200 ms)."""
    app = create_app(base_config(tmp_path_factory.mktemp("app"), worker_db.uri))
    app.test_client_class = IsolatedClient
    return app, dict(app.config), set(app.extensions)


@pytest.fixture(scope="session")
def worlds(worker_db):
    return Worlds(worker_db)


@pytest.fixture
def database(worker_db, request):
    """The test database's URI, reset to the empty template, or left to the world fixture the
    test asks for (which resets it to its own template)."""
    resets = worker_db.resets
    wants_world = bool(WORLD_FIXTURES & set(request.fixturenames))
    if not wants_world:
        worker_db.reset("empty")
    yield worker_db.uri
    assert worker_db.resets > resets, (
        "this test ran on the database the previous test left: a fixture named like a world "
        f"fixture ({sorted(WORLD_FIXTURES & set(request.fixturenames))}) did not clone one")


def seed_bench_cohort() -> dict:
    from bench import seed

    return seed.seed(0.02, echo=lambda _line: None)


# One cohort of the benchmark's programme (40 members and a facilitator, their year of
# activity), for the benchmark's and the load suite's short runs.
bench_cohort = world_fixture("bench_cohort", Spec("bench-cohort", seed_bench_cohort))


@pytest.fixture
def app_config(database, tmp_path):
    return base_config(tmp_path, database)


@pytest.fixture
def app(worker_app, app_config, request):
    """The worker's app with this test's settings, in an app context; an app of its own for a
    test marked ``own_app`` (it adds routes, say) or one that changes ``CREATION_SETTINGS``."""
    shared, pristine, extensions = worker_app
    own = request.node.get_closest_marker("own_app") is not None or any(
        k in app_config and app_config[k] != pristine.get(k) for k in CREATION_SETTINGS)
    app = _own_app(app_config) if own else shared
    app.config.update(app_config)
    try:
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()
    finally:
        if not own:
            _restore(shared, pristine, extensions)


def _own_app(config: dict):
    app = create_app(config)
    app.test_client_class = IsolatedClient
    return app


def _restore(app, config: dict, extensions: set) -> None:
    """Undo what a test did to the shared app: its settings, and state kept in extensions."""
    app.config.clear()
    app.config.update(config)
    for name in set(app.extensions) - extensions:
        del app.extensions[name]


class IsolatedClient(FlaskClient):
    """Each request runs as in production: its own app context, g and database session.

    Flask reuses an app context the test has pushed, which would share ``g`` and the session
    between requests and hide bugs. The test's own work is committed first, which also ends
    its transaction so it holds no SQLite lock and sees the request's writes afterwards.
    """

    def open(self, *args, **kwargs):
        if has_app_context():  # not when following a redirect: that runs in the bare context
            db.session.commit()
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def second_factor_required(app):
    """Second factors required as in production (site admins and program leads)."""
    app.config["REQUIRE_TOTP_FOR"] = REQUIRE_TOTP_DEFAULT


@pytest.fixture
def client(app):
    return app.test_client()


def login(client, user_or_email, password: str = factories.PASSWORD, remember: bool = False):
    """Sign in through the form; a person with a second factor also gets past the code step
    (with the code their app would show: tests/accounts/test_two_factor.py proves that step)."""
    email = getattr(user_or_email, "email", user_or_email)
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data)
    if response.status_code == 302 and response.location.endswith("/login/code"):
        response = client.post("/login/code", data={"code": current_code(email)})
    return response


def current_code(email: str) -> str:
    """The code the person's app shows now. The harness signs in as often as a test needs, so
    it forgets the step last used (replay refusal: tests/accounts/test_two_factor.py)."""
    import pyotp
    from sqlalchemy import select

    from plc.accounts.models import TotpFactor, User

    factor = db.session.execute(
        select(TotpFactor).join(User, User.id == TotpFactor.user_id)
        .where(User.email == email.strip().lower())).scalar_one()
    factor.last_used_step = None
    db.session.commit()
    return pyotp.TOTP(factor.secret).now()


def sign_in_with_session(client, session_key: str) -> None:
    """Sign ``client`` in with a server-side session made beforehand (a world's), as the
    sign-in form would have: Flask-Login keeps the session's key in the session cookie."""
    with client.session_transaction() as session:
        session["_user_id"] = session_key
        session["_fresh"] = True


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
