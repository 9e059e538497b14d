"""Reads for meetings and calendar feeds."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam, case, func, or_, select
from sqlalchemy.orm import joinedload

from plc.accounts.models import User
from plc.db import utcnow
from plc.extensions import db
from plc.meetings.models import (
    LATE,
    PRESENT,
    SCHEDULED,
    AgendaItem,
    AgendaPresenter,
    Attendance,
    CalendarToken,
    FollowUp,
    Meeting,
    MeetingReminder,
)
from plc.plans.models import ActionPlan, FocusArea, ProgressUpdate
from plc.programs.models import MEMBER, Cohort, Membership, Program


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


# --- agenda --------------------------------------------------------------------------------


def agenda(meeting_id: int) -> list[AgendaItem]:
    return list(
        db.session.execute(
            select(AgendaItem).where(AgendaItem.meeting_id == meeting_id)
            .order_by(AgendaItem.position, AgendaItem.id)
        ).scalars()
    )


def agenda_item(meeting_id: int, item_id: int) -> AgendaItem | None:
    return db.session.execute(
        select(AgendaItem).where(AgendaItem.id == item_id, AgendaItem.meeting_id == meeting_id)
    ).scalar_one_or_none()


def presenters(meeting_id: int) -> dict[int, list[User]]:
    """Each agenda item's presenters (by item id), in name order."""
    rows = db.session.execute(
        select(AgendaPresenter.agenda_item_id, User)
        .join(User, User.id == AgendaPresenter.user_id)
        .join(AgendaItem, AgendaItem.id == AgendaPresenter.agenda_item_id)
        .where(AgendaItem.meeting_id == meeting_id)
        .order_by(User.name, User.id)
    ).all()
    found: dict[int, list[User]] = {}
    for item_id, user in rows:
        found.setdefault(item_id, []).append(user)
    return found


def presenter_ids(item_id: int) -> list[int]:
    return list(
        db.session.execute(
            select(AgendaPresenter.user_id).where(AgendaPresenter.agenda_item_id == item_id)
        ).scalars()
    )


def presenter_plans(user_ids: set[int], program_id: int) -> dict[int, tuple[ActionPlan, frozenset]]:
    """The presenters' plans in the programme, each with its author's member cohorts there
    (what permissions.can_view_plan needs), in one statement whatever their number."""
    if not user_ids:
        return {}
    rows = db.session.execute(
        select(ActionPlan, Cohort.id)
        .outerjoin(Membership, (Membership.user_id == ActionPlan.user_id)
                   & (Membership.role == MEMBER))
        .outerjoin(Cohort, (Cohort.id == Membership.cohort_id)
                   & (Cohort.program_id == program_id))
        .where(ActionPlan.user_id.in_(user_ids), ActionPlan.program_id == program_id)
    ).all()
    plans: dict[int, ActionPlan] = {}
    cohorts: dict[int, set[int]] = {}
    for plan, cohort_id in rows:
        plans[plan.user_id] = plan
        cohorts.setdefault(plan.user_id, set())
        if cohort_id is not None:
            cohorts[plan.user_id].add(cohort_id)
    return {user_id: (plan, frozenset(cohorts[user_id])) for user_id, plan in plans.items()}


# --- roster, attendance --------------------------------------------------------------------


def roster(cohort_id: int) -> list[User]:
    """Who attendance is taken for: the cohort's members (not its facilitators) whose account
    is active, by name."""
    return list(
        db.session.execute(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.cohort_id == cohort_id, Membership.role == MEMBER,
                   User.active.is_(True))
            .order_by(User.name, User.id)
        ).scalars()
    )


def attendance(meeting_id: int) -> dict[int, Attendance]:
    """The meeting's attendance rows, by person."""
    return {
        row.user_id: row
        for row in db.session.execute(
            select(Attendance).where(Attendance.meeting_id == meeting_id)
        ).scalars()
    }


def attendance_counts(cohort_id: int) -> dict[int, tuple[int, int]]:
    """Per meeting of the cohort: (present or late, recorded), in one grouped statement."""
    came = func.sum(case((Attendance.status.in_((PRESENT, LATE)), 1), else_=0))
    rows = db.session.execute(
        select(Attendance.meeting_id, came, func.count(Attendance.id))
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .where(Meeting.cohort_id == cohort_id)
        .group_by(Attendance.meeting_id)
    ).all()
    return {meeting_id: (int(present or 0), total) for meeting_id, present, total in rows}


def roster_size(cohort_id: int) -> int:
    return db.session.execute(
        select(func.count(Membership.id))
        .join(User, User.id == Membership.user_id)
        .where(Membership.cohort_id == cohort_id, Membership.role == MEMBER,
               User.active.is_(True))
    ).scalar_one()


def own_attendance(user_id: int, cohort_id: int) -> list[tuple[Meeting, Attendance | None]]:
    """The cohort's meetings that have begun or that have the person's own attendance row
    (taken early), each with that row or None."""
    return list(
        db.session.execute(
            select(Meeting, Attendance)
            .outerjoin(Attendance, (Attendance.meeting_id == Meeting.id)
                       & (Attendance.user_id == user_id))
            .where(Meeting.cohort_id == cohort_id,
                   or_(Meeting.starts_at <= utcnow(), Attendance.id.is_not(None)))
            .order_by(Meeting.starts_at.desc())
        ).tuples()
    )


def own_attendance_at(user_id: int, meeting_id: int) -> Attendance | None:
    return db.session.execute(
        select(Attendance).where(Attendance.meeting_id == meeting_id,
                                 Attendance.user_id == user_id)
    ).scalar_one_or_none()


# --- preparation ---------------------------------------------------------------------------

PREPARATION_WINDOW_DAYS = 30  # when a cohort has had no meeting yet


def preparation(meeting: Meeting, program_id: int) -> list[tuple[User, int, datetime]]:
    """Each member of the roster with how many progress updates they posted since the
    cohort's previous (not cancelled) meeting began, or in the 30 days before this one when
    there was none; that moment comes along in each row. One statement."""
    previous = (
        select(func.max(Meeting.starts_at))
        .where(Meeting.cohort_id == meeting.cohort_id, Meeting.starts_at < meeting.starts_at,
               Meeting.status == SCHEDULED)
        .scalar_subquery()
    )
    fallback = bindparam("fallback", meeting.starts_at - timedelta(days=PREPARATION_WINDOW_DAYS),
                         type_=Meeting.__table__.c.starts_at.type)
    since = func.coalesce(previous, fallback, type_=Meeting.__table__.c.starts_at.type)
    updates = func.count(ProgressUpdate.id)
    return list(
        db.session.execute(
            select(User, updates, since)
            .join(Membership, Membership.user_id == User.id)
            .outerjoin(ActionPlan, (ActionPlan.user_id == User.id)
                       & (ActionPlan.program_id == program_id))
            .outerjoin(ProgressUpdate, (ProgressUpdate.plan_id == ActionPlan.id)
                       & (ProgressUpdate.created_at >= since))
            .where(Membership.cohort_id == meeting.cohort_id, Membership.role == MEMBER,
                   User.active.is_(True))
            .group_by(User.id)
            .order_by(User.name, User.id)
        ).tuples()
    )


# --- notes, follow-ups ---------------------------------------------------------------------


def follow_ups(meeting_id: int) -> list[tuple[FollowUp, User]]:
    return list(
        db.session.execute(
            select(FollowUp, User).join(User, User.id == FollowUp.assignee_id)
            .where(FollowUp.meeting_id == meeting_id)
            .order_by(FollowUp.due_on.is_(None), FollowUp.due_on, FollowUp.id)
        ).tuples()
    )


def own_follow_ups(user_id: int, cohort_id: int) -> list[tuple[FollowUp, Meeting]]:
    return list(
        db.session.execute(
            select(FollowUp, Meeting).join(Meeting, Meeting.id == FollowUp.meeting_id)
            .where(FollowUp.assignee_id == user_id, Meeting.cohort_id == cohort_id)
            .order_by(FollowUp.done_at.is_not(None), FollowUp.due_on.is_(None),
                      FollowUp.due_on, FollowUp.id)
        ).tuples()
    )


def follow_up(follow_up_id: int) -> FollowUp | None:
    return db.session.get(FollowUp, follow_up_id)


def user(user_id: int | None) -> User | None:
    return db.session.get(User, user_id) if user_id else None


# --- reminders -----------------------------------------------------------------------------


def meetings_to_remind(now: datetime) -> list[Meeting]:
    """Scheduled meetings still ahead whose programme's reminder period has begun."""
    longest = db.session.execute(select(func.max(Program.reminder_days))).scalar_one() or 0
    rows = db.session.execute(
        select(Meeting, Program.reminder_days)
        .join(Cohort, Cohort.id == Meeting.cohort_id)
        .join(Program, Program.id == Cohort.program_id)
        .where(Meeting.status == SCHEDULED, Meeting.starts_at > now,
               Meeting.starts_at <= now + timedelta(days=longest))
        .order_by(Meeting.starts_at)
    ).all()
    return [m for m, days in rows if m.starts_at <= now + timedelta(days=days)]


def people_to_remind(meeting_ids: list[int]) -> list[tuple[int, User]]:
    """(meeting id, person) for each current member of those meetings' cohorts (role member,
    active account) who has not been reminded of that meeting yet."""
    if not meeting_ids:
        return []
    reminded = (
        select(MeetingReminder.id)
        .where(MeetingReminder.meeting_id == Meeting.id, MeetingReminder.user_id == User.id)
        .exists()
    )
    return list(
        db.session.execute(
            select(Meeting.id, User)
            .join(Membership, Membership.cohort_id == Meeting.cohort_id)
            .join(User, User.id == Membership.user_id)
            .where(Meeting.id.in_(meeting_ids), Membership.role == MEMBER,
                   User.active.is_(True), ~reminded)
            .order_by(Meeting.id, User.id)
        ).tuples()
    )


def focus_areas(plan_id: int) -> list[FocusArea]:
    return list(
        db.session.execute(
            select(FocusArea).where(FocusArea.plan_id == plan_id).order_by(FocusArea.position)
        ).scalars()
    )
