"""The outbox: queued with the change, delivered over real SMTP after the commit, retried."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from plc.db import utcnow
from plc.extensions import db
from plc.mail import outbox
from plc.mail.models import OutboxMessage
from tests import factories
from tests.conftest import free_port


@pytest.fixture
def smtp_app(app, smtp_sink):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_sink.port)
    return app


def pending_count() -> int:
    return db.session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
    )


def test_reset_request_is_delivered_over_smtp_after_the_commit(smtp_app, smtp_sink, client):
    factories.make_user("smtp@example.org", "Sam Smtp")
    db.session.commit()
    client.post("/password-reset", data={"email": "smtp@example.org"})
    assert len(smtp_sink.messages) == 1
    message = smtp_sink.messages[0]
    assert message["To"] == "smtp@example.org"
    assert "/password-reset/" in message.get_content()
    assert pending_count() == 0


def test_nothing_is_sent_when_the_transaction_rolls_back(smtp_app, smtp_sink):
    with smtp_app.test_request_context():
        outbox.queue("rolled@example.org", "never", "never sent")
        db.session.rollback()
        assert outbox.deliver() == (0, 0)
    assert smtp_sink.messages == []
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_smtp_down_keeps_the_mail_and_a_later_run_delivers_it_once(app, client, smtp_sink):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nothing listens there
    factories.make_user("later@example.org")
    db.session.commit()
    assert client.post("/password-reset", data={"email": "later@example.org"}).status_code == 302
    message = db.session.execute(select(OutboxMessage)).scalar_one()
    assert message.sent_at is None and message.attempts == 1 and message.last_error
    assert message.next_attempt_at > utcnow()

    app.config["MAIL_PORT"] = smtp_sink.port
    runner = app.test_cli_runner()
    result = runner.invoke(args=["plc", "send-mail"])
    assert "0 sent" in result.output  # not due yet: back-off is respected
    result = runner.invoke(args=["plc", "send-mail", "--all"])
    assert "1 sent, 0 failed" in result.output
    assert len(smtp_sink.messages) == 1
    result = runner.invoke(args=["plc", "send-mail", "--all"])
    assert "0 sent, 0 failed" in result.output
    assert len(smtp_sink.messages) == 1


def test_backoff_grows_and_is_capped(app):
    message = OutboxMessage(to_addr="x@example.org", subject="s", body="b", attempts=0)
    for attempts, minutes in [(1, 1), (2, 2), (3, 4), (8, 60), (20, 60)]:
        message.attempts = attempts - 1
        outbox._record_failure(message, OSError("down"))
        delay = message.next_attempt_at - utcnow()
        expected = timedelta(minutes=minutes)
        assert expected - timedelta(seconds=5) < delay <= expected


def test_default_backend_writes_eml_files_and_logs_no_body(app, client, caplog):
    factories.make_user("file@example.org")
    db.session.commit()
    with caplog.at_level("INFO"):
        client.post("/password-reset", data={"email": "file@example.org"})
    from pathlib import Path

    files = list(Path(app.config["MAIL_DIR"]).glob("*.eml"))
    assert len(files) == 1
    assert "/password-reset/" in files[0].read_text()
    assert "/password-reset/" not in caplog.text
    assert str(files[0]) in caplog.text
