"""A nudge: a facilitator's reminder to one member of their cohort. Kept so that the
dashboard can say when each person was last nudged."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from plc.db import utcnow
from plc.extensions import db


class Nudge(db.Model):
    __tablename__ = "nudges"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("cohorts.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class ActivityRollup(db.Model):
    """One person's activity in one programme in one calendar month (the programme's time
    zone): what the dashboards, exports and API count instead of the year's events.

    The grain is (programme, person, month) because every figure read from it is per person
    within a programme (a membership is joined at read time: joining or leaving a cohort moves
    no count), and a month is the coarsest period any page asks for (the trend; the exports'
    date ranges read whole months here and only their edge days from the events). Kept in the
    same transaction as the writes by ``plc/dashboards/rollups.py``; ``flask plc
    rebuild-rollups`` makes it again from the events."""

    __tablename__ = "activity_rollups"

    program_id: Mapped[int] = mapped_column(
        ForeignKey("programs.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    month: Mapped[int] = mapped_column(primary_key=True)  # year * 100 + month, local
    updates: Mapped[int] = mapped_column(default=0)  # progress updates on their plan
    last_update_at: Mapped[datetime | None]
    comments_given: Mapped[int] = mapped_column(default=0)  # live comments they wrote
    last_comment_at: Mapped[datetime | None]
    comments_received: Mapped[int] = mapped_column(default=0)  # others' live comments on it
    worksheets: Mapped[int] = mapped_column(default=0)  # worksheets submitted
    last_worksheet_at: Mapped[datetime | None]


class AttendanceRollup(db.Model):
    """One person's meetings in one cohort in one calendar month (the programme's time zone):
    the cohort's meetings that month that count for them (not cancelled, and on or after the
    day they joined, or with their attendance taken) and how many of those they came to
    (present or late). What the dashboards and exports count instead of every seat of the
    year.

    Meetings still to come are in it: "held" depends on the moment of reading, so readers take
    the months before the current one from here and the current month from the meetings
    themselves (``dashboards/queries.py``). Kept by recounting a cohort whenever one of its
    meetings, attendance rows or memberships is written (``dashboards/attendance_rollups.py``):
    a cohort holds O(members x meetings) seats, a few hundred."""

    __tablename__ = "attendance_rollups"

    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    month: Mapped[int] = mapped_column(primary_key=True)  # year * 100 + month, local
    meetings: Mapped[int] = mapped_column(default=0)
    attended: Mapped[int] = mapped_column(default=0)
