"""Reads for meetings and calendar feeds."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from plc.accounts.models import User
from plc.extensions import db
from plc.meetings.models import CalendarToken, Meeting
from plc.programs.models import Cohort, Membership


def meeting(meeting_id: int) -> Meeting | None:
    """One meeting with its cohort and programme (the programme gives the time zone)."""
    return db.session.execute(
        select(Meeting)
        .where(Meeting.id == meeting_id)
        .options(joinedload(Meeting.cohort).joinedload(Cohort.program))
    ).scalar_one_or_none()


def cohort_meetings(cohort_id: int) -> list[Meeting]:
    return list(
        db.session.execute(
            select(Meeting).where(Meeting.cohort_id == cohort_id).order_by(Meeting.starts_at)
        ).scalars()
    )


def feed_meetings(user_id: int) -> list[Meeting]:
    """Every meeting of every cohort the person belongs to (cancelled ones too: a calendar
    must learn of a cancellation), with the cohort for the event's summary."""
    return list(
        db.session.execute(
            select(Meeting)
            .join(Membership, Membership.cohort_id == Meeting.cohort_id)
            .where(Membership.user_id == user_id)
            .options(joinedload(Meeting.cohort))
            .order_by(Meeting.starts_at)
        ).scalars()
    )


def calendar_token(user_id: int) -> CalendarToken | None:
    return db.session.execute(
        select(CalendarToken).where(CalendarToken.user_id == user_id)
    ).scalar_one_or_none()


def feed_owner(token_hash: str) -> User | None:
    """The active person whose feed this token opens, or None."""
    return db.session.execute(
        select(User)
        .join(CalendarToken, CalendarToken.user_id == User.id)
        .where(CalendarToken.token_hash == token_hash, User.active.is_(True))
    ).scalar_one_or_none()


def people_to_notify(cohort_id: int) -> list[User]:
    """The cohort's active people (members and facilitators)."""
    return list(
        db.session.execute(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.cohort_id == cohort_id, User.active.is_(True))
            .order_by(User.id)
        ).scalars()
    )
