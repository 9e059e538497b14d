"""Cohort meetings: single meetings, monthly series, and the private calendar feed token."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plc.db import utcnow
from plc.extensions import db
from plc.programs.models import Cohort

SCHEDULED = "scheduled"
CANCELLED = "cancelled"
MEETING_STATUSES = (SCHEDULED, CANCELLED)
LAST_WEEK = -1  # week_of_month for "the last <weekday> of the month"


class MeetingSeries(db.Model):
    """How a series was made ("second Tuesday, 4:00 pm, 90 minutes, Sept to June"), kept so
    that people can read the rule; its meetings are real rows that change one at a time."""

    __tablename__ = "meeting_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("cohorts.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    weekday: Mapped[int]  # 0 Monday .. 6 Sunday (date.weekday())
    week_of_month: Mapped[int]  # 1-4, or LAST_WEEK
    local_start: Mapped[time]  # in the programme's time zone
    duration_minutes: Mapped[int]
    first_date: Mapped[date]
    last_date: Mapped[date]
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Meeting(db.Model):
    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("cohorts.id", ondelete="CASCADE"), index=True
    )
    series_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_series.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    location: Mapped[str] = mapped_column(Text, default="")
    online_url: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=SCHEDULED)
    # Optimistic locking: a move or cancel based on an older page is refused, not applied.
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    notes: Mapped[str] = mapped_column(Text, default="")  # Markdown, by the note-taker
    # A member the facilitator asked to take notes (facilitators always may).
    note_taker_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    # Separate from ``version``: writing notes and moving the meeting do not collide.
    notes_version: Mapped[int] = mapped_column(default=0)

    __mapper_args__ = {"version_id_col": version}

    cohort: Mapped[Cohort] = relationship(lazy="raise_on_sql")

    @property
    def is_cancelled(self) -> bool:
        return self.status == CANCELLED


class CalendarToken(db.Model):
    """The secret in a person's private calendar feed URL; only its hash is kept."""

    __tablename__ = "calendar_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- agenda, attendance, follow-ups ---------------------------------------------------------

PROTOCOLS = (
    ("check_in", "Check-in"),
    ("consultancy", "Consultancy"),
    ("tuning", "Tuning protocol"),
    ("text_based", "Text-based discussion"),
    ("other", "Other"),
)

PRESENT = "present"
LATE = "late"
EXCUSED = "excused"
ABSENT = "absent"
ATTENDANCE_STATUSES = (PRESENT, LATE, EXCUSED, ABSENT)
ATTENDED = (PRESENT, LATE)  # what the participation figures count as having come


class AgendaItem(db.Model):
    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[int | None]
    protocol: Mapped[str] = mapped_column(String(30), default="other")
    description: Mapped[str] = mapped_column(Text, default="")
    materials: Mapped[str] = mapped_column(Text, default="")  # links, one per line


class AgendaPresenter(db.Model):
    """A cohort member whose plan is in focus during an agenda item."""

    __tablename__ = "agenda_presenters"
    __table_args__ = (UniqueConstraint("agenda_item_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)


class Attendance(db.Model):
    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class FollowUp(db.Model):
    """Something a member agreed to do after a meeting; it can become a step on their plan."""

    __tablename__ = "follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    assignee_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date | None]
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None]
    action_step_id: Mapped[int | None] = mapped_column(
        ForeignKey("action_steps.id", ondelete="SET NULL")
    )


class MeetingReminder(db.Model):
    """A preparation reminder sent to one person for one meeting: never sent twice."""

    __tablename__ = "meeting_reminders"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
