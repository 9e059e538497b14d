"""The outbox: mail is queued in the same transaction as the change that caused it and
delivered only once that transaction has committed (after the request, or by
``flask plc send-mail``). A failed delivery stays queued and is retried with back-off."""

from __future__ import annotations

import smtplib
import time
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app, g, has_request_context
from sqlalchemy import event, or_, select, update

from plc.db import utcnow
from plc.extensions import db
from plc.mail.models import OutboxMessage
from plc.unit_of_work import job_transaction

_PENDING = "plc_outbox_pending"


def queue(to_addr: str, subject: str, body: str) -> OutboxMessage:
    message = OutboxMessage(to_addr=to_addr, subject=subject, body=body)
    db.session.add(message)
    db.session.info.setdefault(_PENDING, []).append(message)
    return message


def _after_commit(session) -> None:
    pending = session.info.pop(_PENDING, [])
    if pending and has_request_context():
        g.setdefault("plc_outbox_committed", []).extend(m.id for m in pending)


def _after_rollback(session, _previous_transaction) -> None:
    session.info.pop(_PENDING, None)


BATCH = 500  # messages per deliver() call
# A message being sent is left alone by every other deliverer (other workers, send-mail) this
# long; were the sender to die mid-way, the message is retried after it.
CLAIM = timedelta(minutes=10)
# After a failed delivery right after a request, this worker leaves mail to ``send-mail`` for
# a while: when SMTP is down (or hangs), requests must not each wait for it.
AFTER_REQUEST_PAUSE_SECONDS = 60
_PAUSED_UNTIL = "plc_outbox_paused_until"


def init_app(app) -> None:
    # db.session outlives any one app (tests build many): listen once.
    if not event.contains(db.session, "after_commit", _after_commit):
        event.listen(db.session, "after_commit", _after_commit)
        event.listen(db.session, "after_soft_rollback", _after_rollback)

    @app.after_request
    def deliver_committed_mail(response):
        ids = g.pop("plc_outbox_committed", None)
        if ids and app.config["MAIL_SEND_AFTER_REQUEST"] and not _paused(app):
            _sent, failed = deliver(ids, stop_on_failure=True)
            if failed:  # the rest stays queued, due: send-mail delivers it
                app.extensions[_PAUSED_UNTIL] = time.monotonic() + AFTER_REQUEST_PAUSE_SECONDS
        return response


def _paused(app) -> bool:
    return time.monotonic() < app.extensions.get(_PAUSED_UNTIL, 0.0)


def deliver(ids: list[int] | None = None, limit: int | None = None,
            stop_on_failure: bool = False) -> tuple[int, int]:
    """Send due messages (or just ``ids``); returns (sent, failed). Commits its own work.

    No transaction is open while SMTP is spoken to (on SQLite one would hold the write lock,
    and every other writer would wait for the mail server); each message is claimed first,
    so that concurrent deliverers never send the same message twice."""
    stmt = select(OutboxMessage.id).where(OutboxMessage.sent_at.is_(None),
                                          OutboxMessage.next_attempt_at <= utcnow())
    if ids is not None:
        stmt = stmt.where(OutboxMessage.id.in_(ids))
    with job_transaction():
        candidates = db.session.execute(
            stmt.order_by(OutboxMessage.id).limit(limit or BATCH)).scalars().all()
    sent = failed = 0
    for message_id in candidates:
        message = _claim(message_id)
        if message is None:  # sent or claimed by another deliverer meanwhile
            continue
        try:
            _send(message)
        except (OSError, smtplib.SMTPException) as exc:
            _record_failure(message, exc)
            failed += 1
        else:
            message.sent_at = utcnow()
            message.attempts += 1
            sent += 1
        message.claimed_until = None
        with job_transaction():  # one message at a time: a crash never re-sends what went out
            db.session.merge(message)
        if failed and stop_on_failure:
            break
    return sent, failed


def _claim(message_id: int) -> OutboxMessage | None:
    """The message, detached from the session (readable with no transaction open), if this
    deliverer got it: the check and the claim are one UPDATE."""
    now = utcnow()
    with job_transaction():
        claimed = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.sent_at.is_(None),
                   OutboxMessage.next_attempt_at <= now)
            .values(next_attempt_at=now + CLAIM, claimed_until=now + CLAIM)
            .execution_options(synchronize_session=False)
        ).rowcount == 1
        message = db.session.get(OutboxMessage, message_id, populate_existing=True) \
            if claimed else None
        if message is not None:
            db.session.expunge(message)
    return message


def _record_failure(message: OutboxMessage, exc: Exception) -> None:
    message.attempts += 1
    message.last_error = f"{type(exc).__name__}: {exc}"[:1000]
    # 1, 2, 4 ... minutes, at most an hour between attempts.
    delay = min(2 ** (message.attempts - 1), 60)
    message.next_attempt_at = utcnow() + timedelta(minutes=delay)
    current_app.logger.warning(
        "Mail %s to %s not delivered (attempt %s): %s",
        message.id, _mask(message.to_addr), message.attempts, message.last_error,
    )


def _mask(addr: str) -> str:
    name, _, domain = addr.partition("@")
    return f"{name[:1]}***@{domain}"


def _build(message: OutboxMessage) -> EmailMessage:
    cfg = current_app.config
    email = EmailMessage()
    email["From"] = cfg["MAIL_DEFAULT_SENDER"]
    email["To"] = message.to_addr
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(idstring=f"plc-outbox-{message.id}")
    email.set_content(message.body)
    return email


def _send(message: OutboxMessage) -> None:
    cfg = current_app.config
    email = _build(message)
    if not cfg.get("MAIL_SERVER"):
        _write_to_folder(message, email)
        return
    smtp_class = smtplib.SMTP_SSL if cfg["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_class(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=cfg["MAIL_TIMEOUT"]) as smtp:
        if cfg["MAIL_USE_TLS"]:
            smtp.starttls()
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
        smtp.send_message(email)


def _write_to_folder(message: OutboxMessage, email: EmailMessage) -> None:
    folder = Path(current_app.config["MAIL_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{message.created_at:%Y%m%d-%H%M%S}-{message.id}.eml"
    path.write_bytes(email.as_bytes())
    # The body holds one-time links: say where it is, never what it says.
    current_app.logger.info("Mail %r to %s written to %s", message.subject, message.to_addr, path)


def make_all_due() -> None:
    """Every unsent message due now (after an outage), except those a deliverer is sending
    at this moment: made due, they would be sent a second time beside it."""
    now = utcnow()
    with job_transaction():
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.sent_at.is_(None),
                   or_(OutboxMessage.claimed_until.is_(None),
                       OutboxMessage.claimed_until <= now))
            .values(next_attempt_at=now)
        )
