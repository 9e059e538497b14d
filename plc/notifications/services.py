"""Making notifications. Every event goes through ``notify``: it records the in-app entry and
e-mails it by the recipient's preference (each event now; digest later; none).
The caller has checked access: that each recipient may see what the notification is about
(plc/notifications/events.py asks plc/permissions.py)."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from plc import links
from plc.accounts.models import NOTIFY_DIGEST, NOTIFY_EACH, NOTIFY_NONE, User
from plc.db import utcnow
from plc.extensions import db
from plc.mail import outbox
from plc.notifications.models import (
    COMMENT_ON_MY_PLAN,
    FOLLOW_UP_ASSIGNED,
    MEETING_CHANGED,
    MEETING_REMINDER,
    MENTION,
    NUDGE,
    PEER_SHARED_PLAN,
    PEER_UPDATED_PLAN,
    REPLY_TO_MY_COMMENT,
    Notification,
)

# What happened, said from the recipient's side; %(actor)s is the person who did it.
SENTENCES = {
    COMMENT_ON_MY_PLAN: _l("%(actor)s commented on your action plan"),
    REPLY_TO_MY_COMMENT: _l("%(actor)s replied to your comment"),
    MENTION: _l("%(actor)s mentioned you in a comment"),
    PEER_SHARED_PLAN: _l("%(actor)s shared their action plan"),
    PEER_UPDATED_PLAN: _l("%(actor)s posted a progress update on their action plan"),
    MEETING_REMINDER: _l("A meeting is coming up"),
    MEETING_CHANGED: _l("A meeting changed"),
    FOLLOW_UP_ASSIGNED: _l("%(actor)s gave you a follow-up"),
    NUDGE: _l("%(actor)s sent you a nudge"),
}


def describe(kind: str, actor_name: str | None) -> str:
    sentence = str(SENTENCES.get(kind) or _("Something happened"))
    return sentence % {"actor": actor_name or _("Someone")}


def notify(recipient: User, kind: str, *, actor: User | None = None,
           **about) -> Notification | None:
    """Record one notification (flush, no commit); ``about`` as for notify_all. Nobody is told
    about their own doing: returns None for the actor themself."""
    made = notify_all([(recipient, kind)], actor=actor, **about)
    return made[0] if made else None


def notify_all(told: Iterable[tuple[User, str]], *, actor: User | None = None,
               plan_id: int | None = None, update_id: int | None = None,
               comment_id: int | None = None, meeting_id: int | None = None, text: str = "",
               urgent: bool = False) -> list[Notification]:
    """Record a notification of its kind for each (recipient, kind), and flush once: an
    event told to every reader of a plan costs the same statements for 3 readers or 300.
    The caller has checked that each recipient may see what it is about. ``urgent``
    (reminders, nudges): e-mailed at once even to someone who chose the daily digest; never to
    someone who chose no e-mail. Nobody is told about their own doing (the actor is skipped)."""
    actor_name = actor.name if actor else None
    made = []
    for recipient, kind in told:
        if actor is not None and actor.id == recipient.id:
            continue
        notification = Notification(
            user_id=recipient.id, kind=kind, actor_id=actor.id if actor else None,
            plan_id=plan_id, update_id=update_id, comment_id=comment_id,
            meeting_id=meeting_id, text=text,
        )
        if _mail_now(recipient, urgent):
            _mail_one(recipient, notification, actor_name)
        made.append(notification)
    db.session.add_all(made)
    db.session.flush()
    return made


def _mail_now(recipient: User, urgent: bool) -> bool:
    if recipient.notify == NOTIFY_NONE or not recipient.active:
        return False
    return recipient.notify == NOTIFY_EACH or (urgent and recipient.notify == NOTIFY_DIGEST)


def _mail_one(recipient: User, notification: Notification, actor_name: str | None) -> None:
    sentence = describe(notification.kind, actor_name)
    outbox.queue(recipient.email, _("PLC: %(sentence)s", sentence=sentence), "\n".join([
        _("Hello %(name)s,", name=recipient.name), "", f"{sentence}.",
        *([notification.text, ""] if notification.text else [""]),
        _("See it: %(link)s", link=links.notification_link(notification)), "",
        preference_footer(),
    ]))
    notification.emailed_at = utcnow()


def preference_footer() -> str:
    return _("You get these e-mails by the choice in your profile (each event, a daily digest, "
             "or none): %(link)s", link=links.profile_link())


# --- reading them --------------------------------------------------------------------------


def mark_read(actor: User, notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.flush()


def mark_all_read(actor: User) -> int:
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == actor.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount
