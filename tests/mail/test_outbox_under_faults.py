"""The outbox when SMTP misbehaves (found by the load suite, loadtest/ --smtp-down silent): a
mail server that hangs must not hold the database's write lock or make every request wait,
concurrent deliverers must not send a message twice, and a backlog goes out in one run."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from loadtest.smtp import SilentServer
from plc.db import utcnow
from plc.extensions import db
from plc.mail import outbox
from plc.mail.models import OutboxMessage
from tests import factories
from tests.conftest import free_port


def queue_committed(count: int) -> list[int]:
    messages = [outbox.queue(f"person{i}@example.org", f"Subject {i}", "Body") for i in
                range(count)]
    db.session.commit()
    return [m.id for m in messages]


def unsent() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.sent_at.is_(None)))


@pytest.fixture
def hung_smtp(app):
    server = SilentServer(free_port()).start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server._socket.getsockname()[1],
                      MAIL_TIMEOUT=1)
    yield server
    server.stop()


def test_no_transaction_is_open_while_smtp_is_spoken_to(app, smtp_sink, monkeypatch):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_sink.port)
    queue_committed(2)
    seen, send = [], outbox._send

    def watching(message):
        seen.append(db.session().in_transaction())  # on SQLite that would be the write lock
        send(message)

    monkeypatch.setattr(outbox, "_send", watching)
    with app.test_request_context(method="POST"):  # writes take the lock up front here
        assert outbox.deliver() == (2, 0)
    assert seen == [False, False]
    assert len(smtp_sink.messages) == 2 and unsent() == 0


def test_a_hung_smtp_server_costs_one_attempt_then_requests_leave_mail_to_send_mail(
        app, client, hung_smtp):
    for i in range(3):
        factories.make_user(f"reset{i}@example.org")
    db.session.commit()

    began = time.monotonic()
    client.post("/password-reset", data={"email": "reset0@example.org"})
    first = time.monotonic() - began
    began = time.monotonic()
    client.post("/password-reset", data={"email": "reset1@example.org"})
    client.post("/password-reset", data={"email": "reset2@example.org"})
    later = time.monotonic() - began

    assert 1 <= first < 5  # one attempt, cut off by MAIL_TIMEOUT
    assert later < 1  # the worker does not try again for a while
    messages = db.session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars()
    assert [m.attempts for m in messages] == [1, 0, 0]  # the rest stays queued and due
    assert unsent() == 3


def test_a_claimed_message_is_not_sent_by_another_deliverer(app):
    [message_id] = queue_committed(1)

    assert outbox._claim(message_id) is not None
    assert outbox._claim(message_id) is None  # the second deliverer finds it taken


def test_send_mail_all_delivers_a_backlog_larger_than_a_batch_in_one_run(
        app, smtp_sink, monkeypatch):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_sink.port)
    monkeypatch.setattr(outbox, "BATCH", 2)
    queue_committed(5)
    batches, deliver = [], outbox.deliver
    monkeypatch.setattr(outbox, "deliver", lambda: batches.append(deliver()) or batches[-1])

    result = app.test_cli_runner().invoke(args=["plc", "send-mail", "--all"])

    assert "5 sent, 0 failed" in result.output
    assert batches == [(2, 0), (2, 0), (1, 0)]
    assert len(smtp_sink.messages) == 5 and unsent() == 0


def test_send_mail_all_leaves_alone_a_message_another_host_is_sending(app, smtp_sink):
    """``send-mail --all`` (run after an outage) makes the messages waiting for a retry due at
    once, but not one another deliverer claimed: that host may be speaking to SMTP this very
    moment, and both would send it (found with two hosts, loadtest/twohosts.py)."""
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_sink.port)
    being_sent, waiting = queue_committed(2)
    assert outbox._claim(being_sent) is not None  # the other host is sending it now
    failed = db.session.get(OutboxMessage, waiting)
    failed.attempts, failed.last_error = 1, "SMTPServerDisconnected: down"
    failed.next_attempt_at = utcnow() + timedelta(minutes=1)  # its retry, a minute away
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["plc", "send-mail", "--all"])

    assert "1 sent, 0 failed" in result.output
    assert [m["Subject"] for m in smtp_sink.messages] == ["Subject 1"]
    assert db.session.get(OutboxMessage, being_sent, populate_existing=True).sent_at is None
