"""No secrets in logs: passwords, tokens and the links that carry them never reach a log,
neither the application's own nor the request logs of werkzeug (``make run``) and gunicorn
(with the README's ``--logger-class plc.logredact.GunicornLogger``)."""

from __future__ import annotations

import http.client
import logging
import os
import re
import subprocess
import sys
import threading
import urllib.parse

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from plc.extensions import db
from plc.logredact import REDACTED, redact
from plc.mail.models import OutboxMessage
from tests import factories
from tests.accounts.test_throttle_workers import ROOT, wait_until_up
from tests.conftest import free_port

NEW_PASSWORD = "a fresh secret passphrase"
WRONG_PASSWORD = "not the right passphrase"


def call(port: int, method: str, path: str, form: dict | None = None) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    body = urllib.parse.urlencode(form) if form else None
    headers = {"Host": "plc.test"}  # the tests' SERVER_NAME
    if form:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body, headers)
    status = conn.getresponse().status
    conn.close()
    return status


@pytest.fixture
def served(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()


def reset_token_mailed_to(email: str) -> str:
    db.session.expire_all()
    body = db.session.execute(
        select(OutboxMessage.body).where(OutboxMessage.to_addr == email,
                                         OutboxMessage.body.contains("/password-reset/"))
    ).scalar_one()
    return re.search(r"/password-reset/([A-Za-z0-9_\-]+)", body).group(1)


def test_secret_bearing_paths_are_redacted():
    assert redact("GET /password-reset/abcdefgh1234 HTTP/1.1") == \
        f"GET /password-reset/{REDACTED} HTTP/1.1"
    assert redact("/invitation/Zx_9-abcdefgh") == f"/invitation/{REDACTED}"
    assert redact("/calendar/abcdefghijkl.ics") == f"/calendar/{REDACTED}.ics"
    assert redact("/programs/12/plan") == "/programs/12/plan"
    callback = "/login/district/callback"
    assert redact(f'"GET {callback}?code=AbC-123_x&state=s7&iss=http%3A HTTP/1.1"') == \
        f'"GET {callback}?code={REDACTED}&state={REDACTED}&iss={REDACTED} HTTP/1.1"'



def test_no_password_token_or_link_in_the_logs_of_a_running_site(app, world, served, caplog):
    caplog.set_level(logging.DEBUG)
    email = world.users["member_a"].email
    invitation_token, calendar_token = world.invitation_token, world.calendar_token
    db.session.commit()  # end the test's transaction: the server's requests need the lock
    port = served
    call(port, "POST", "/login", {"email": email, "password": WRONG_PASSWORD})
    call(port, "POST", "/login", {"email": email, "password": factories.PASSWORD})
    assert call(port, "POST", "/password-reset", {"email": email}) == 302
    reset_token = reset_token_mailed_to(email)
    db.session.commit()
    assert call(port, "GET", f"/password-reset/{reset_token}") == 200
    assert call(port, "POST", f"/password-reset/{reset_token}",
                {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}) == 302
    assert call(port, "GET", f"/invitation/{invitation_token}") == 200
    assert call(port, "GET", f"/calendar/{calendar_token}.ics") == 200

    logged = caplog.text
    assert f"/calendar/{REDACTED}.ics" in logged, "the request log must be captured"
    for secret in (factories.PASSWORD, WRONG_PASSWORD, NEW_PASSWORD, reset_token,
                   invitation_token, calendar_token):
        assert secret not in logged


def test_gunicorn_access_log_redacts_tokens(app, app_config, tmp_path):
    port, log = free_port(), tmp_path / "access.log"
    env = {**os.environ, "PLC_DATABASE_URL": app_config["SQLALCHEMY_DATABASE_URI"],
           "PLC_SECRET_KEY": "x" * 40}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}",
         "--logger-class", "plc.logredact.GunicornLogger", "--access-logfile", str(log),
         "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(port, proc)
        secret = "S3cretTokenValue_abcdefghijkl"
        for path in (f"/password-reset/{secret}", f"/invitation/{secret}",
                     f"/calendar/{secret}.ics"):
            call(port, "GET", path)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    text = log.read_text()
    assert text.count(REDACTED) == 3
    assert secret not in text
