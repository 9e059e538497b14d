"""The daily digest: one e-mail per person per day with everything not yet e-mailed.

The day is the UTC day. A person who had a digest today gets nothing more until tomorrow (the
unique DigestRun row makes a concurrent second run fail for them rather than mail twice).
Notifications about a plan the person can no longer see are left out (and stay unsent: they
go out later only if the plan becomes visible again)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from plc import links, permissions
from plc.accounts.models import NOTIFY_DIGEST, User
from plc.db import utcnow
from plc.extensions import db
from plc.mail import outbox
from plc.notifications import queries
from plc.notifications.models import DigestRun, Notification
from plc.notifications.services import describe, preference_footer
from plc.unit_of_work import job_transaction


def send_digests() -> int:
    """Queue and deliver today's digests (commits, one person at a time); returns how many
    people got one."""
    today = utcnow().date()
    mailed = 0
    queued: list[int] = []
    for user in _due(today):
        permissions.forget_roles()
        try:
            with job_transaction():
                message_id = _digest_for(user, today)
        except IntegrityError:  # another run sent this person's digest meanwhile
            continue
        if message_id is not None:
            queued.append(message_id)
            mailed += 1
    if queued:
        outbox.deliver(queued)
    return mailed


def _due(today) -> list[User]:
    """Digest readers with something unsent and no digest yet today."""
    return list(db.session.execute(
        select(User).where(
            User.notify == NOTIFY_DIGEST, User.active.is_(True),
            exists().where(Notification.user_id == User.id, Notification.emailed_at.is_(None)),
            ~exists().where(DigestRun.user_id == User.id, DigestRun.day == today),
        ).order_by(User.id)
    ).scalars())


def _digest_for(user: User, today) -> int | None:
    pending = queries.pending_digest(user.id)
    seen = queries.visible_plan_ids(user, {n.plan_id for n in pending if n.plan_id})
    included = [n for n in pending if queries.is_available(n, seen)]
    if not included:
        return None
    now = utcnow()
    lines = [_("Hello %(name)s,", name=user.name), "",
             _("Here is what happened on PLC since your last digest:"), ""]
    for n in included:
        sentence = describe(n.kind, n.actor.name if n.actor else None)
        lines.append(f"- {sentence}: {links.notification_link(n)}")
        if n.text:
            lines.append(f"  {n.text}")
        n.emailed_at = now
    lines += ["", preference_footer()]
    count = len(included)
    message = outbox.queue(
        user.email, ngettext("PLC: your daily digest (%(num)d new item)",
                             "PLC: your daily digest (%(num)d new items)", count),
        "\n".join(lines),
    )
    db.session.add(DigestRun(user_id=user.id, day=today, sent_at=now, count=count))
    db.session.flush()
    return message.id
