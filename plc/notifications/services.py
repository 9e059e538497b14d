"""Making notifications. Every event goes through ``notify``: it records the in-app entry and
e-mails it by the recipient's preference (each event now; digest later; none)."""

from __future__ import annotations

from plc.accounts.models import User
from plc.extensions import db
from plc.notifications.models import Notification


def notify(recipient: User, kind: str, *, actor: User | None = None, plan_id: int | None = None,
           update_id: int | None = None, comment_id: int | None = None,
           meeting_id: int | None = None, text: str = "",
           urgent: bool = False) -> Notification | None:
    """Record one notification (flush, no commit). The caller has checked that the recipient
    may see what it is about. ``urgent`` (reminders, nudges): e-mailed at once even to someone
    who chose the daily digest; never to someone who chose no e-mail."""
    notification = Notification(
        user_id=recipient.id, kind=kind, actor_id=actor.id if actor else None,
        plan_id=plan_id, update_id=update_id, comment_id=comment_id, meeting_id=meeting_id,
        text=text,
    )
    db.session.add(notification)
    db.session.flush()
    return notification
