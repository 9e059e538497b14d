"""One notification for one person about one event. It points at what it is about so that
the list can link there, and is checked against visibility when made and when shown."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plc.accounts.models import User
from plc.db import utcnow
from plc.extensions import db
from plc.feedback.models import Comment

COMMENT_ON_MY_PLAN = "comment"  # on my plan or one of its updates
REPLY_TO_MY_COMMENT = "reply"
MENTION = "mention"
PEER_SHARED_PLAN = "plan_shared"
PEER_UPDATED_PLAN = "plan_updated"
MEETING_REMINDER = "meeting_reminder"
MEETING_CHANGED = "meeting_changed"
FOLLOW_UP_ASSIGNED = "follow_up"
NUDGE = "nudge"


class Notification(db.Model):
    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    plan_id: Mapped[int | None] = mapped_column(
        ForeignKey("action_plans.id", ondelete="CASCADE"), index=True
    )
    update_id: Mapped[int | None] = mapped_column(
        ForeignKey("progress_updates.id", ondelete="CASCADE")
    )
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text, default="")  # a short line, e.g. a nudge message
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    read_at: Mapped[datetime | None]
    # Set once the event went out by e-mail, alone or in a digest: never mailed twice.
    emailed_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="raise_on_sql")
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id], lazy="raise_on_sql")
    comment: Mapped[Comment | None] = relationship(lazy="raise_on_sql")


class DigestRun(db.Model):
    """The day a person's digest went out: at most one per person per day."""

    __tablename__ = "digest_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    day: Mapped[date]
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    count: Mapped[int] = mapped_column(default=0)

    __table_args__ = (db.UniqueConstraint("user_id", "day"),)
