"""The outbox: mail is queued in the same transaction as the change that caused it and
delivered only once that transaction has committed (after the request, or by
``flask plc send-mail``). A failed delivery stays queued and is retried with back-off."""

from __future__ import annotations

import smtplib
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app, g, has_request_context
from sqlalchemy import event, select, update

from plc.db import utcnow
from plc.extensions import db
from plc.mail.models import OutboxMessage

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


def init_app(app) -> None:
    # db.session outlives any one app (tests build many): listen once.
    if not event.contains(db.session, "after_commit", _after_commit):
        event.listen(db.session, "after_commit", _after_commit)
        event.listen(db.session, "after_soft_rollback", _after_rollback)

    @app.after_request
    def deliver_committed_mail(response):
        ids = g.pop("plc_outbox_committed", None)
        if ids and app.config["MAIL_SEND_AFTER_REQUEST"]:
            deliver(ids)
        return response


def deliver(ids: list[int] | None = None, limit: int = 500) -> tuple[int, int]:
    """Send due messages (or just ``ids``); returns (sent, failed). Commits its own work."""
    now = utcnow()
    stmt = select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
    if ids is None:
        stmt = stmt.where(OutboxMessage.next_attempt_at <= now).order_by(OutboxMessage.id)
    else:
        stmt = stmt.where(OutboxMessage.id.in_(ids))
    messages = db.session.execute(stmt.limit(limit)).scalars().all()
    sent = failed = 0
    for message in messages:
        try:
            _send(message)
        except (OSError, smtplib.SMTPException) as exc:
            _record_failure(message, exc)
            failed += 1
        else:
            message.sent_at = utcnow()
            message.attempts += 1
            sent += 1
        db.session.commit()  # one message at a time: a crash never re-sends what went out
    return sent, failed


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
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None))
        .values(next_attempt_at=utcnow())
    )
    db.session.commit()
