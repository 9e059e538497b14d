"""The login throttle, and the second factor's, hold across several gunicorn workers (they are
not per-process memory)."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from plc.extensions import db
from tests import factories
from tests.conftest import free_port

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


WORKERS = 3


def send(conn: http.client.HTTPConnection, path: str, fields: dict, cookie: str | None):
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if cookie:
        headers["Cookie"] = cookie
    conn.request("POST", path, urllib.parse.urlencode(fields), headers)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


def post(port: int, path: str, fields: dict, cookie: str | None = None):
    return send(http.client.HTTPConnection("127.0.0.1", port, timeout=10), path, fields, cookie)


def post_across_workers(port: int, path: str, fields: dict, count: int,
                        cookie: str | None = None) -> list[int]:
    """POST `count` times, in rounds spread over the workers: a sync worker (the fixture asks
    for them) that has accepted a connection waits for its request and accepts no other, so
    WORKERS connections opened before any request is sent are held by different workers
    (unless one is too slow to wake, hence the test asks for two workers at least, not all)."""
    statuses = []
    while len(statuses) < count:
        conns = [http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                 for _ in range(min(WORKERS, count - len(statuses)))]
        for conn in conns:
            conn.connect()
        time.sleep(0.5)  # each worker accepts one (on a busy machine, waking takes a while)
        with ThreadPoolExecutor(max_workers=len(conns)) as pool:
            statuses += pool.map(lambda conn: send(conn, path, fields, cookie).status, conns)
    return statuses


def post_login(port: int, email: str, password: str) -> int:
    return post(port, "/login", {"email": email, "password": password}).status


def wait_until_up(port: int, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60  # a busy machine starts workers slowly
    while time.monotonic() < deadline:
        assert proc.poll() is None, "gunicorn exited"
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("gunicorn did not start")


@pytest.fixture
def gunicorn(app, app_config, tmp_path):
    port = free_port()
    log = tmp_path / "access.log"
    env = {
        **os.environ,
        "PLC_DATABASE_URL": app_config["SQLALCHEMY_DATABASE_URI"],
        "PLC_SECRET_KEY": "x" * 40,
        "PLC_WTF_CSRF_ENABLED": "false",
        "PLC_ARGON2_TIME_COST": "1",
        "PLC_ARGON2_MEMORY_COST": "1024",
        "PLC_REQUIRE_TOTP_FOR": "admins,leads",
    }
    # Sync workers, not gunicorn.conf.py's gthread: a gthread worker goes on accepting while it
    # holds a connection, so one worker could take every round and the test prove nothing.
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--worker-class", "sync",
         "--bind", f"127.0.0.1:{port}",
         "--access-logfile", str(log), "--access-logformat", "%(p)s %(s)s %(U)s", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(port, proc)
        yield port, log
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_eleventh_failure_answers_429_whichever_worker_serves_it(app, gunicorn):
    factories.make_user("worker@example.org")
    db.session.commit()
    port, log = gunicorn
    statuses = post_across_workers(
        port, "/login", {"email": "worker@example.org", "password": "wrong password"}, 10)
    assert statuses == [200] * 10
    assert post_login(port, "worker@example.org", "wrong password") == 429
    assert post_login(port, "worker@example.org", factories.PASSWORD) == 429
    time.sleep(0.5)  # let the access log flush
    pids = {line.split()[0] for line in log.read_text().splitlines() if "/login" in line}
    assert len(pids) >= 2, f"all logins hit one worker ({pids}); the test proves nothing"


def test_the_sixth_wrong_code_answers_429_whichever_worker_serves_it(app, gunicorn):
    import pyotp

    factories.enrol(factories.make_user("coder@example.org"))
    db.session.commit()
    port, log = gunicorn
    # Half signed in: the note is in the signed cookie, so any worker takes the code step.
    first = post(port, "/login", {"email": "coder@example.org", "password": factories.PASSWORD})
    assert first.status == 302 and first.getheader("Location").endswith("/login/code")
    cookie = first.getheader("Set-Cookie").split(";")[0]
    statuses = post_across_workers(port, "/login/code", {"code": "000000"}, 5, cookie)
    assert statuses == [200] * 5
    assert post(port, "/login/code", {"code": "000000"}, cookie).status == 429
    right = pyotp.TOTP(factories.TOTP_SECRET).now()
    assert post(port, "/login/code", {"code": right}, cookie).status == 429
    time.sleep(0.5)  # let the access log flush
    pids = {line.split()[0] for line in log.read_text().splitlines() if "/login/code" in line}
    assert len(pids) >= 2, f"all codes hit one worker ({pids}); the test proves nothing"
