"""Writes for meetings: they flush, never commit; refusals are DomainErrors.
The caller has checked access (plc/permissions.py: can_schedule_meetings, can_write_notes,
can_plan_follow_up and the rest of the meetings section)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import delete, update

from plc import links
from plc.accounts.models import User
from plc.db import utcnow
from plc.errors import DomainError
from plc.extensions import db
from plc.i18n import N_
from plc.mail import outbox
from plc.meetings import queries
from plc.meetings.models import (
    ATTENDANCE_STATUSES,
    CANCELLED,
    LAST_WEEK,
    AgendaItem,
    AgendaPresenter,
    Attendance,
    CalendarToken,
    FollowUp,
    Meeting,
    MeetingSeries,
)
from plc.meetings.schedule import local_to_utc, monthly_dates, to_local
from plc.notifications.models import FOLLOW_UP_ASSIGNED
from plc.notifications.services import notify
from plc.plans import services as plans_services
from plc.plans.models import ActionPlan
from plc.programs.models import Cohort, Program
from plc.tokens import new_token

MAX_SERIES_MEETINGS = 24  # two years of monthly meetings: a typo in a year stays harmless
MAX_DURATION_MINUTES = 12 * 60


@dataclass(frozen=True)
class Place:
    location: str = ""
    online_url: str = ""


def schedule_meeting(actor: User, cohort: Cohort, *, title: str, day: date, start: time,
                     duration_minutes: int, place: Place,
                     agenda: tuple[AgendaValues, ...] = ()) -> Meeting:
    """The meeting, with the first items of its agenda when they are given."""
    zone = _zone_of(cohort)
    meeting = _add_meeting(cohort, title, _starts_at(day, start, zone), duration_minutes, place)
    for position, values in enumerate(agenda, start=1):
        item = AgendaItem(meeting_id=meeting.id, position=position)
        _fill_item(item, values)
        db.session.add(item)
    db.session.flush()
    _notify(actor, meeting.cohort_id, _("New meeting: %(title)s", title=title),
            _("%(title)s (%(cohort)s) is scheduled.\n\nWhen: %(when)s\n%(place)s",
              title=title, cohort=cohort.name, when=_when(meeting, zone),
              place=_place_text(meeting)),
            links.meeting_link(meeting.id))
    return meeting


def schedule_series(actor: User, cohort: Cohort, *, title: str, weekday: int,
                    week_of_month: int, start: time, duration_minutes: int, first_date: date,
                    last_date: date, place: Place) -> MeetingSeries:
    """One meeting per month on the rule's day, each at the same local time: the UTC instant
    is computed per date, so 4:00 pm stays 4:00 pm across daylight-saving changes."""
    _check_rule(weekday, week_of_month, first_date, last_date)
    days = monthly_dates(first_date, last_date, weekday, week_of_month)
    if not days:
        raise DomainError(_("No date between those two matches the rule."), field="last_date")
    if len(days) > MAX_SERIES_MEETINGS:
        raise DomainError(_("A series holds at most %(MAX_SERIES_MEETINGS)s meetings.",
                            MAX_SERIES_MEETINGS=MAX_SERIES_MEETINGS),
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
    meetings = [_add_meeting(cohort, title, starts_at, duration_minutes, place, series.id)
                for starts_at in instants]
    dates = "\n".join(f"- {_when(m, zone)}" for m in meetings)
    _notify(actor, cohort.id, _("New meetings: %(title)s", title=title),
            ngettext("%(title)s (%(cohort)s) is scheduled, %(num)d meeting:\n\n%(dates)s\n"
                     "%(place)s",
                     "%(title)s (%(cohort)s) is scheduled, %(num)d meetings:\n\n%(dates)s\n"
                     "%(place)s", len(meetings), title=title, cohort=cohort.name, dates=dates,
                     place=_place_text(meetings[0])),
            links.cohort_meetings_link(cohort.id))
    return series


def move_meeting(actor: User, meeting: Meeting, *, day: date, start: time,
                 duration_minutes: int, loaded_version: int, place: Place | None = None) -> None:
    """Move this one meeting (its series keeps its other dates), and change its place or
    link when ``place`` is given; tell the cohort."""
    _check_current(meeting, loaded_version)
    if meeting.is_cancelled:
        raise DomainError(_("A cancelled meeting cannot be moved."))
    zone = _zone_of(meeting.cohort)
    was = f"{_when(meeting, zone)}\n{_place_text(meeting)}"
    meeting.starts_at = _starts_at(day, start, zone)
    meeting.ends_at = meeting.starts_at + _duration(duration_minutes)
    if place is not None:
        meeting.location, meeting.online_url = place.location, place.online_url
    meeting.updated_at = utcnow()
    db.session.flush()
    _notify_change(actor, meeting, _("Moved: %(title)s", title=meeting.title),
                   _("%(title)s (%(cohort)s) has moved.\n\nWas: %(was)s\nNow: %(when)s\n%(place)s",
                     title=meeting.title, cohort=meeting.cohort.name, was=was,
                     when=_when(meeting, zone), place=_place_text(meeting)))


def cancel_meeting(actor: User, meeting: Meeting, *, loaded_version: int) -> None:
    _check_current(meeting, loaded_version)
    if meeting.is_cancelled:
        raise DomainError(_("This meeting is already cancelled."))
    meeting.status = CANCELLED
    meeting.updated_at = utcnow()
    db.session.flush()
    _notify_change(actor, meeting, _("Cancelled: %(title)s", title=meeting.title),
                   _("%(title)s (%(cohort)s) on %(when)s is cancelled.\n", title=meeting.title,
                     cohort=meeting.cohort.name, when=_when(meeting, _zone_of(meeting.cohort))))


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
        raise DomainError(_("%(time)s does not exist on %(day)s in %(zone)s: the clocks "
                            "change then. Choose another time.", time=format(start, "%-I:%M %p"),
                            day=format(day, "%b %-d"), zone=zone), field="start")
    return instant


def _duration(minutes: int) -> timedelta:
    if not 1 <= minutes <= MAX_DURATION_MINUTES:
        raise DomainError(_("A meeting lasts between 1 minute and 12 hours."),
                          field="duration_minutes")
    return timedelta(minutes=minutes)


def _check_rule(weekday: int, week_of_month: int, first_date: date, last_date: date) -> None:
    if weekday not in range(7):
        raise DomainError(_("Choose a day of the week."), field="weekday")
    if week_of_month not in (1, 2, 3, 4, LAST_WEEK):
        raise DomainError(_("Choose which week of the month."), field="week_of_month")
    if last_date < first_date:
        raise DomainError(_("The last date must not be before the first."), field="last_date")


def _check_current(meeting: Meeting, loaded_version: int) -> None:
    if meeting.version != loaded_version:
        raise DomainError(_("Someone changed this meeting while you were looking at it. Here it "
                            "is as it is now."))


def _when(meeting: Meeting, zone: str) -> str:
    local = to_local(meeting.starts_at, zone)
    return f"{local:%A, %B %-d, %Y, %-I:%M %p} ({zone})"


def _place_text(meeting: Meeting) -> str:
    lines = []
    if meeting.location:
        lines.append(_("Place: %(location)s", location=meeting.location))
    if meeting.online_url:
        lines.append(_("Video link: %(url)s", url=meeting.online_url))
    return "".join(f"{line}\n" for line in lines) or _("Place: not set yet") + "\n"


def _notify_change(actor: User, meeting: Meeting, subject: str, text: str) -> None:
    _notify(actor, meeting.cohort_id, subject, text,
            links.meeting_link(meeting.id))


def _notify(actor: User, cohort_id: int, subject: str, text: str, link: str) -> None:
    """Mail the cohort's people, but not the person who made the change."""
    for person in queries.people_to_notify(cohort_id):
        if person.id != actor.id:
            outbox.queue(person.email, subject,
                         _("Hello %(name)s,\n\n%(text)s\nSee: %(link)s\n", name=person.name,
                           text=text, link=link))


# --- agenda --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgendaValues:
    title: str
    minutes: int | None = None
    protocol: str = "other"  # a PROTOCOLS key, or the name of another protocol
    description: str = ""
    materials: str = ""  # links, one per line
    presenter_ids: tuple[int, ...] = ()


def add_agenda_item(actor: User, meeting: Meeting, values: AgendaValues) -> AgendaItem:
    items = queries.agenda(meeting.id)
    item = AgendaItem(meeting_id=meeting.id, position=len(items) + 1)
    _fill_item(item, values)
    db.session.add(item)
    db.session.flush()
    _set_presenters(meeting, item, values.presenter_ids)
    return item


def edit_agenda_item(actor: User, meeting: Meeting, item: AgendaItem,
                     values: AgendaValues) -> None:
    _fill_item(item, values)
    _set_presenters(meeting, item, values.presenter_ids)
    db.session.flush()


def remove_agenda_item(actor: User, meeting: Meeting, item: AgendaItem) -> None:
    db.session.delete(item)
    db.session.flush()
    for position, other in enumerate(queries.agenda(meeting.id), start=1):
        other.position = position
    db.session.flush()


def move_agenda_item(actor: User, meeting: Meeting, item: AgendaItem, direction: str) -> None:
    """Swap the item with its neighbour above ("up") or below ("down")."""
    if direction not in ("up", "down"):
        raise DomainError(_("Choose up or down."))
    items = queries.agenda(meeting.id)
    index = next(i for i, other in enumerate(items) if other.id == item.id)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(items):
        raise DomainError(_("This item is already %(last)s.",
                            last="first" if direction == "up" else "last"))
    items[index], items[target] = items[target], items[index]
    for position, other in enumerate(items, start=1):
        other.position = position
    db.session.flush()


def _fill_item(item: AgendaItem, values: AgendaValues) -> None:
    item.title = values.title
    item.minutes = values.minutes
    item.protocol = values.protocol or "other"
    item.description = values.description
    item.materials = values.materials


def _set_presenters(meeting: Meeting, item: AgendaItem, user_ids: tuple[int, ...]) -> None:
    """Presenters are members of the meeting's cohort: their plans are what is discussed."""
    wanted = set(user_ids)
    allowed = {person.id for person in queries.roster(meeting.cohort_id)}
    if wanted - allowed:
        raise DomainError(_("Presenters must be members of this cohort."), field="presenters")
    current = set(queries.presenter_ids(item.id))
    if current - wanted:
        db.session.execute(
            delete(AgendaPresenter).where(AgendaPresenter.agenda_item_id == item.id,
                                          AgendaPresenter.user_id.in_(current - wanted))
        )
    db.session.add_all(AgendaPresenter(agenda_item_id=item.id, user_id=user_id)
                       for user_id in sorted(wanted - current))
    db.session.flush()


# --- attendance ----------------------------------------------------------------------------


NOT_STARTED_YET = (N_("This meeting has not started yet, so nothing is saved. If you mean to "
                      "record attendance ahead of it, tick “Record it anyway” and save again."))


def record_attendance(actor: User, meeting: Meeting, statuses: dict[int, str], *,
                      ahead_confirmed: bool = False) -> int:
    """Record (or correct) each listed person's attendance; people left without a choice keep
    what they had, and an unchanged status keeps who recorded it and when. Returns how many
    people have a status now. A meeting that has not started yet is recorded only when the
    person confirms it (``ahead_confirmed``): attendance taken days ahead is usually a slip."""
    if meeting.starts_at > utcnow() and not ahead_confirmed:
        raise DomainError(_(NOT_STARTED_YET), "confirm_early")
    if set(statuses.values()) - set(ATTENDANCE_STATUSES):
        raise DomainError(_("Choose present, late, excused or absent."))
    roster_ids = {person.id for person in queries.roster(meeting.cohort_id)}
    if set(statuses) - roster_ids:
        raise DomainError(_("Attendance is taken only for the cohort's members."))
    existing = queries.attendance(meeting.id)
    now = utcnow()
    for user_id, status in statuses.items():
        row = existing.get(user_id)
        if row is None:
            row = Attendance(meeting_id=meeting.id, user_id=user_id)
            db.session.add(row)
        elif row.status == status:
            continue
        row.status = status
        row.recorded_by_id = actor.id
        row.recorded_at = now
    db.session.flush()
    return len(statuses)


# --- notes and follow-ups ------------------------------------------------------------------


def save_notes(actor: User, meeting: Meeting, notes: str, *, loaded_version: int) -> None:
    """Save the notes unless someone else saved since ``loaded_version`` was read: the check
    and the write are one UPDATE, so two people saving at once cannot both win."""
    result = db.session.execute(
        update(Meeting)
        .where(Meeting.id == meeting.id, Meeting.notes_version == loaded_version)
        .values(notes=notes, notes_version=loaded_version + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(meeting, ["notes", "notes_version"])
    if result.rowcount != 1:
        raise DomainError(_("Someone else saved these notes while you were writing. Their version "
                            "is shown below; your text is kept in the box: merge and save again."),
                          field="notes")


def choose_note_taker(actor: User, meeting: Meeting, user_id: int | None) -> None:
    if user_id is not None and user_id not in {p.id for p in queries.roster(meeting.cohort_id)}:
        raise DomainError(_("The note-taker must be a member of this cohort."), field="user_id")
    meeting.note_taker_id = user_id
    db.session.flush()


def add_follow_up(actor: User, meeting: Meeting, *, assignee_id: int, text: str,
                  due_on: date | None) -> FollowUp:
    if assignee_id not in {p.id for p in queries.roster(meeting.cohort_id)}:
        raise DomainError(_("Follow-ups go to members of this cohort."), field="assignee_id")
    follow_up = FollowUp(meeting_id=meeting.id, assignee_id=assignee_id, text=text,
                         due_on=due_on, created_by_id=actor.id)
    db.session.add(follow_up)
    db.session.flush()
    notify(db.session.get(User, assignee_id), FOLLOW_UP_ASSIGNED, actor=actor,
           meeting_id=meeting.id, text=text)
    return follow_up


def complete_follow_up(actor: User, follow_up: FollowUp) -> None:
    if follow_up.done_at is None:
        follow_up.done_at = utcnow()
        db.session.flush()


def remove_follow_up(actor: User, follow_up: FollowUp) -> None:
    db.session.delete(follow_up)
    db.session.flush()


def follow_up_to_plan(actor: User, follow_up: FollowUp, plan: ActionPlan | None,
                      focus_area_id: int) -> None:
    """The assignee makes their follow-up a step on their own plan, in the focus area they
    choose; the follow-up remembers the step."""
    if follow_up.action_step_id is not None:
        raise DomainError(_("This follow-up is already on your plan."))
    if plan is None:
        raise DomainError(_("You have no action plan in this programme yet: start one first."))
    step = plans_services.add_action_step(actor, plan, focus_area_id, follow_up.text,
                                          follow_up.due_on)
    db.session.flush()  # the step's id
    follow_up.action_step_id = step.id
    db.session.flush()


REMINDER_DAYS = (1, 14)


def set_reminder_days(actor: User, program: Program, days: int) -> None:
    """How many days before each meeting members are reminded to post an update. The caller
    checked permissions.can_manage_program."""
    if not REMINDER_DAYS[0] <= days <= REMINDER_DAYS[1]:
        raise DomainError(_("Choose between 1 and 14 days."), field="reminder_days")
    program.reminder_days = days
    db.session.flush()
