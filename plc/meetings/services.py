"""Writes for meetings: they flush, never commit; refusals are DomainErrors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from flask import url_for

from plc.accounts.models import User
from plc.db import utcnow
from plc.errors import DomainError
from plc.extensions import db
from plc.mail import outbox
from plc.meetings import queries
from plc.meetings.models import CANCELLED, LAST_WEEK, CalendarToken, Meeting, MeetingSeries
from plc.meetings.schedule import local_to_utc, monthly_dates, to_local
from plc.programs.models import Cohort, Program
from plc.tokens import new_token

MAX_SERIES_MEETINGS = 24  # two years of monthly meetings: a typo in a year stays harmless
MAX_DURATION_MINUTES = 12 * 60


@dataclass(frozen=True)
class Place:
    location: str = ""
    online_url: str = ""


def schedule_meeting(actor: User, cohort: Cohort, *, title: str, day: date, start: time,
                     duration_minutes: int, place: Place) -> Meeting:
    starts_at = _starts_at(day, start, _zone_of(cohort))
    return _add_meeting(cohort, title, starts_at, duration_minutes, place)


def schedule_series(actor: User, cohort: Cohort, *, title: str, weekday: int,
                    week_of_month: int, start: time, duration_minutes: int, first_date: date,
                    last_date: date, place: Place) -> MeetingSeries:
    """One meeting per month on the rule's day, each at the same local time: the UTC instant
    is computed per date, so 4:00 pm stays 4:00 pm across daylight-saving changes."""
    _check_rule(weekday, week_of_month, first_date, last_date)
    days = monthly_dates(first_date, last_date, weekday, week_of_month)
    if not days:
        raise DomainError("No date between those two matches the rule.", field="last_date")
    if len(days) > MAX_SERIES_MEETINGS:
        raise DomainError(f"A series holds at most {MAX_SERIES_MEETINGS} meetings.",
                          field="last_date")
    zone = _zone_of(cohort)
    instants = [_starts_at(day, start, zone) for day in days]
    series = MeetingSeries(
        cohort_id=cohort.id, title=title, weekday=weekday, week_of_month=week_of_month,
        local_start=start, duration_minutes=duration_minutes, first_date=first_date,
        last_date=last_date, created_by_id=actor.id,
    )
    db.session.add(series)
    db.session.flush()
    for starts_at in instants:
        _add_meeting(cohort, title, starts_at, duration_minutes, place, series.id)
    return series


def move_meeting(actor: User, meeting: Meeting, *, day: date, start: time,
                 duration_minutes: int, loaded_version: int) -> None:
    """Move this one meeting (its series keeps its other dates) and tell the cohort."""
    _check_current(meeting, loaded_version)
    if meeting.is_cancelled:
        raise DomainError("A cancelled meeting cannot be moved.")
    zone = _zone_of(meeting.cohort)
    was = _when(meeting, zone)
    meeting.starts_at = _starts_at(day, start, zone)
    meeting.ends_at = meeting.starts_at + _duration(duration_minutes)
    meeting.updated_at = utcnow()
    db.session.flush()
    _notify(actor, meeting, f"Moved: {meeting.title}",
            f"{meeting.title} ({meeting.cohort.name}) has moved.\n\n"
            f"Was: {was}\nNow: {_when(meeting, zone)}\n")


def cancel_meeting(actor: User, meeting: Meeting, *, loaded_version: int) -> None:
    _check_current(meeting, loaded_version)
    if meeting.is_cancelled:
        raise DomainError("This meeting is already cancelled.")
    meeting.status = CANCELLED
    meeting.updated_at = utcnow()
    db.session.flush()
    _notify(actor, meeting, f"Cancelled: {meeting.title}",
            f"{meeting.title} ({meeting.cohort.name}) on "
            f"{_when(meeting, _zone_of(meeting.cohort))} is cancelled.\n")


def renew_calendar_token(actor: User) -> str:
    """A new secret for the person's feed; the old URL stops working. Returns the token
    (shown once: only its hash is kept)."""
    revoke_calendar_token(actor)
    token, token_hash = new_token()
    db.session.add(CalendarToken(user_id=actor.id, token_hash=token_hash))
    db.session.flush()
    return token


def revoke_calendar_token(actor: User) -> None:
    existing = queries.calendar_token(actor.id)
    if existing is not None:
        db.session.delete(existing)
        db.session.flush()  # the unique user_id must be free before a new token is added


# --- helpers -------------------------------------------------------------------------------


def _add_meeting(cohort: Cohort, title: str, starts_at, duration_minutes: int, place: Place,
                 series_id: int | None = None) -> Meeting:
    meeting = Meeting(
        cohort_id=cohort.id, series_id=series_id, title=title, starts_at=starts_at,
        ends_at=starts_at + _duration(duration_minutes), location=place.location,
        online_url=place.online_url,
    )
    db.session.add(meeting)
    db.session.flush()
    return meeting


def _zone_of(cohort: Cohort) -> str:
    # get() reads the identity map first: no query when the programme is already loaded.
    return db.session.get(Program, cohort.program_id).time_zone


def _starts_at(day: date, start: time, zone: str):
    instant = local_to_utc(day, start, zone)
    if instant is None:
        raise DomainError(f"{start:%-I:%M %p} does not exist on {day:%b %-d} in {zone}: the "
                          "clocks change then. Choose another time.", field="start")
    return instant


def _duration(minutes: int) -> timedelta:
    if not 1 <= minutes <= MAX_DURATION_MINUTES:
        raise DomainError("A meeting lasts between 1 minute and 12 hours.",
                          field="duration_minutes")
    return timedelta(minutes=minutes)


def _check_rule(weekday: int, week_of_month: int, first_date: date, last_date: date) -> None:
    if weekday not in range(7):
        raise DomainError("Choose a day of the week.", field="weekday")
    if week_of_month not in (1, 2, 3, 4, LAST_WEEK):
        raise DomainError("Choose which week of the month.", field="week_of_month")
    if last_date < first_date:
        raise DomainError("The last date must not be before the first.", field="last_date")


def _check_current(meeting: Meeting, loaded_version: int) -> None:
    if meeting.version != loaded_version:
        raise DomainError("Someone changed this meeting while you were looking at it. "
                          "Here it is as it is now.")


def _when(meeting: Meeting, zone: str) -> str:
    local = to_local(meeting.starts_at, zone)
    return f"{local:%A, %B %-d, %Y, %-I:%M %p} ({zone})"


def _notify(actor: User, meeting: Meeting, subject: str, text: str) -> None:
    """Mail the cohort's people, but not the person who made the change."""
    link = url_for("meetings.meeting", meeting_id=meeting.id, _external=True)
    for person in queries.people_to_notify(meeting.cohort_id):
        if person.id != actor.id:
            outbox.queue(person.email, subject,
                         f"Hello {person.name},\n\n{text}\nThe meeting: {link}\n")
