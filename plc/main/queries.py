"""Reads for the home page ("what do I do next?"): each a single statement, whatever the
number of cohorts, meetings, plans or updates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, nulls_last, select

from plc.accounts.models import User
from plc.db import utcnow
from plc.extensions import db
from plc.meetings.models import SCHEDULED, Meeting
from plc.notifications.models import (
    COMMENT_ON_MY_PLAN,
    MENTION,
    REPLY_TO_MY_COMMENT,
    Notification,
)
from plc.plans.models import (
    IN_PROGRESS,
    NOT_STARTED,
    ActionPlan,
    ActionStep,
    FocusArea,
    ProgressUpdate,
)
from plc.programs.models import MEMBER, Cohort, Membership

FEEDBACK_KINDS = (COMMENT_ON_MY_PLAN, REPLY_TO_MY_COMMENT, MENTION)


def next_meetings(cohort_ids: list[int]) -> dict[int, Meeting]:
    """Each cohort's next scheduled meeting (one still going on counts as next)."""
    if not cohort_ids:
        return {}
    now = utcnow()
    first = (
        select(Meeting.cohort_id, func.min(Meeting.starts_at).label("starts_at"))
        .where(Meeting.cohort_id.in_(cohort_ids), Meeting.status == SCHEDULED,
               Meeting.ends_at >= now)
        .group_by(Meeting.cohort_id)
        .subquery()
    )
    meetings = db.session.execute(
        select(Meeting).join(first, and_(Meeting.cohort_id == first.c.cohort_id,
                                         Meeting.starts_at == first.c.starts_at))
        .where(Meeting.status == SCHEDULED)
    ).scalars()
    return {meeting.cohort_id: meeting for meeting in meetings}


def last_meeting_starts(cohort_ids: list[int]) -> dict[int, datetime]:
    """When each cohort's most recent held meeting began."""
    if not cohort_ids:
        return {}
    rows = db.session.execute(
        select(Meeting.cohort_id, func.max(Meeting.starts_at))
        .where(Meeting.cohort_id.in_(cohort_ids), Meeting.status == SCHEDULED,
               Meeting.starts_at <= utcnow())
        .group_by(Meeting.cohort_id)
    ).all()
    return {cohort_id: started for cohort_id, started in rows}


@dataclass(frozen=True)
class PlanSummary:
    plan_id: int
    program_id: int
    visibility: str
    updated_at: datetime
    last_update_at: datetime | None


def my_plans(user_id: int) -> dict[int, PlanSummary]:
    """The person's plans by programme, each with when its last progress update was posted."""
    rows = db.session.execute(
        select(ActionPlan.id, ActionPlan.program_id, ActionPlan.visibility,
               ActionPlan.updated_at, func.max(ProgressUpdate.created_at))
        .outerjoin(ProgressUpdate, ProgressUpdate.plan_id == ActionPlan.id)
        .where(ActionPlan.user_id == user_id)
        .group_by(ActionPlan.id)
    ).all()
    return {
        program_id: PlanSummary(plan_id, program_id, visibility, updated, last_update)
        for plan_id, program_id, visibility, updated, last_update in rows
    }


def next_steps(user_id: int) -> dict[int, ActionStep]:
    """In each of the person's plans, the open action step that is due first (undated last)."""
    steps = db.session.execute(
        select(ActionPlan.program_id, ActionStep)
        .join(FocusArea, FocusArea.id == ActionStep.focus_area_id)
        .join(ActionPlan, ActionPlan.id == FocusArea.plan_id)
        .where(ActionPlan.user_id == user_id,
               ActionStep.status.in_((NOT_STARTED, IN_PROGRESS)))
        .order_by(nulls_last(ActionStep.due_on), FocusArea.position, ActionStep.position)
    ).all()
    first: dict[int, ActionStep] = {}
    for program_id, step in steps:
        first.setdefault(program_id, step)
    return first


def unread_feedback_count(user_id: int) -> int:
    return db.session.execute(
        select(func.count(Notification.id))
        .where(Notification.user_id == user_id, Notification.read_at.is_(None),
               Notification.kind.in_(FEEDBACK_KINDS))
    ).scalar_one()


@dataclass(frozen=True)
class MemberUpdate:
    cohort_id: int
    user_id: int
    name: str
    last_update_at: datetime | None


def members_last_updates(cohort_ids: list[int]) -> list[MemberUpdate]:
    """Every active member of these cohorts with their plan's last progress update."""
    if not cohort_ids:
        return []
    rows = db.session.execute(
        select(Membership.cohort_id, User.id, User.name, func.max(ProgressUpdate.created_at))
        .join(User, User.id == Membership.user_id)
        .join(Cohort, Cohort.id == Membership.cohort_id)
        .outerjoin(ActionPlan, and_(ActionPlan.user_id == User.id,
                                    ActionPlan.program_id == Cohort.program_id))
        .outerjoin(ProgressUpdate, ProgressUpdate.plan_id == ActionPlan.id)
        .where(Membership.cohort_id.in_(cohort_ids), Membership.role == MEMBER,
               User.active.is_(True))
        .group_by(Membership.cohort_id, User.id, User.name)
        .order_by(User.name)
    ).all()
    return [MemberUpdate(cohort_id, user_id, name, last)
            for cohort_id, user_id, name, last in rows]

