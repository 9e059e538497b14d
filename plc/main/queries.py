"""Reads for the home page ("what do I do next?"): each a single statement, whatever the
number of cohorts, meetings, plans or updates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, bindparam, case, exists, func, nulls_last, or_, select
from sqlalchemy.orm import aliased

from plc.accounts.models import User
from plc.db import built_once, utcnow
from plc.extensions import db
from plc.feedback.models import QUESTION, Comment
from plc.meetings.models import SCHEDULED, AgendaItem, Attendance, FollowUp, Meeting
from plc.notifications.models import (
    COMMENT_ON_MY_PLAN,
    MENTION,
    REPLY_TO_MY_COMMENT,
    Notification,
)
from plc.plans.models import (
    DRAFT,
    IN_PROGRESS,
    NOT_STARTED,
    ActionPlan,
    ActionStep,
    FocusArea,
    ProgressUpdate,
)
from plc.programs.models import MEMBER, Cohort, Membership, Program

FEEDBACK_KINDS = (COMMENT_ON_MY_PLAN, REPLY_TO_MY_COMMENT, MENTION)


def next_meetings(cohort_ids: list[int]) -> dict[int, Meeting]:
    """Each cohort's next scheduled meeting (one still going on counts as next)."""
    if not cohort_ids:
        return {}
    meetings = db.session.execute(
        _next_meetings_statement(), {"cohort_ids": list(cohort_ids), "now": utcnow()}).scalars()
    return {meeting.cohort_id: meeting for meeting in meetings}


@built_once
def _next_meetings_statement():
    first = (
        select(Meeting.cohort_id, func.min(Meeting.starts_at).label("starts_at"))
        .where(Meeting.cohort_id.in_(bindparam("cohort_ids", expanding=True)),
               Meeting.status == SCHEDULED, Meeting.ends_at >= bindparam("now"))
        .group_by(Meeting.cohort_id)
        .subquery()
    )
    return (
        select(Meeting).join(first, and_(Meeting.cohort_id == first.c.cohort_id,
                                         Meeting.starts_at == first.c.starts_at))
        .where(Meeting.status == SCHEDULED)
    )


def last_meeting_starts(cohort_ids: list[int]) -> dict[int, datetime]:
    """When each cohort's most recent held meeting began."""
    if not cohort_ids:
        return {}
    rows = db.session.execute(
        _last_starts_statement(), {"cohort_ids": list(cohort_ids), "now": utcnow()}).all()
    return {cohort_id: started for cohort_id, started in rows}


@built_once
def _last_starts_statement():
    return (
        select(Meeting.cohort_id, func.max(Meeting.starts_at))
        .where(Meeting.cohort_id.in_(bindparam("cohort_ids", expanding=True)),
               Meeting.status == SCHEDULED, Meeting.starts_at <= bindparam("now"))
        .group_by(Meeting.cohort_id)
    )


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


@dataclass(frozen=True)
class OpenStep:
    """An action step of the person's own plan that is not done (nor dropped)."""

    step_id: int
    text: str
    due_on: date | None
    plan_id: int
    program_id: int
    focus_position: int
    change: str  # the focus area's "change I want to make"


def open_steps(user_id: int) -> list[OpenStep]:
    """Every open step of the person's plans, due first first (undated last): one statement.
    The home page lists the overdue ones and names the next one."""
    rows = db.session.execute(_open_steps_statement(), {"user_id": user_id}).tuples()
    return [OpenStep(*row) for row in rows]


@built_once
def _open_steps_statement():
    return (
        select(ActionStep.id, ActionStep.text, ActionStep.due_on, ActionPlan.id,
               ActionPlan.program_id, FocusArea.position, FocusArea.change)
        .join(FocusArea, FocusArea.id == ActionStep.focus_area_id)
        .join(ActionPlan, ActionPlan.id == FocusArea.plan_id)
        .where(ActionPlan.user_id == bindparam("user_id"),
               ActionStep.status.in_((NOT_STARTED, IN_PROGRESS)))
        .order_by(nulls_last(ActionStep.due_on), FocusArea.position, ActionStep.position,
                  ActionStep.id)
    )


@dataclass(frozen=True)
class WaitingComment:
    """A question on the person's plan, or a comment that @mentions them, that they have not
    answered yet (no comment of theirs in the same conversation since)."""

    comment_id: int
    plan_id: int
    plan_owner_id: int
    plan_owner: str
    author: str | None
    body: str
    created_at: datetime
    is_question: bool
    mentions_me: bool


def waiting_for_answer(user_id: int) -> list[WaitingComment]:
    """Questions on my plans and comments mentioning me, by others, not removed and not
    answered by me in their conversation since, oldest first: one statement (whoever may still
    read the plan is the caller's second statement, plc.notifications.queries)."""
    rows = db.session.execute(_waiting_statement(), {"user_id": user_id}).tuples()
    return [WaitingComment(*row) for row in rows]


@built_once
def _waiting_statement():
    user_id = bindparam("user_id")
    mine = aliased(Comment)
    owner = aliased(User)
    author = aliased(User)
    # The candidates first, each found through an index (my plans; my notifications), so that
    # the page never walks every comment of the site.
    questions = (
        select(Comment.id).join(ActionPlan, ActionPlan.id == Comment.plan_id)
        .where(ActionPlan.user_id == user_id, Comment.kind == QUESTION)
    )
    mentions = select(Notification.comment_id).where(
        Notification.user_id == user_id, Notification.kind == MENTION,
        Notification.comment_id.is_not(None))
    mentioned = Comment.id.in_(mentions)
    answered = exists().where(
        mine.author_id == user_id, mine.deleted_at.is_(None), mine.plan_id == Comment.plan_id,
        func.coalesce(mine.parent_id, mine.id) == func.coalesce(Comment.parent_id, Comment.id),
        or_(mine.created_at > Comment.created_at,
            and_(mine.created_at == Comment.created_at, mine.id > Comment.id)),
    )
    is_question = and_(Comment.kind == QUESTION, ActionPlan.user_id == user_id)
    return (
        select(Comment.id, Comment.plan_id, ActionPlan.user_id, owner.name, author.name,
               Comment.body, Comment.created_at, case((is_question, True), else_=False),
               case((mentioned, True), else_=False))
        .join(ActionPlan, ActionPlan.id == Comment.plan_id)
        .join(owner, owner.id == ActionPlan.user_id)
        .outerjoin(author, author.id == Comment.author_id)
        .where(Comment.id.in_(questions.union(mentions)), Comment.deleted_at.is_(None),
               or_(Comment.author_id.is_(None), Comment.author_id != user_id), ~answered)
        .order_by(Comment.created_at, Comment.id)
    )


@dataclass(frozen=True)
class OpenFollowUp:
    follow_up_id: int
    text: str
    due_on: date | None
    meeting_id: int
    meeting_title: str
    meeting_starts_at: datetime
    cohort_id: int
    time_zone: str


def open_follow_ups(user_id: int, cohort_ids: list[int]) -> list[OpenFollowUp]:
    """Follow-ups assigned to the person from meetings of their cohorts, not done yet, due
    first first (undated last): one statement."""
    if not cohort_ids:
        return []
    rows = db.session.execute(_follow_ups_statement(), {
        "user_id": user_id, "cohort_ids": list(cohort_ids)}).tuples()
    return [OpenFollowUp(*row) for row in rows]


@built_once
def _follow_ups_statement():
    return (
        select(FollowUp.id, FollowUp.text, FollowUp.due_on, Meeting.id, Meeting.title,
               Meeting.starts_at, Meeting.cohort_id, Program.time_zone)
        .join(Meeting, Meeting.id == FollowUp.meeting_id)
        .join(Cohort, Cohort.id == Meeting.cohort_id)
        .join(Program, Program.id == Cohort.program_id)
        .where(FollowUp.assignee_id == bindparam("user_id"), FollowUp.done_at.is_(None),
               Meeting.cohort_id.in_(bindparam("cohort_ids", expanding=True)))
        .order_by(nulls_last(FollowUp.due_on), Meeting.starts_at, FollowUp.id)
    )


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



# --- the facilitator's to-do: who needs a nudge, the next meeting's preparation -----------


@dataclass(frozen=True)
class NudgeFacts:
    """What the cohort dashboard's flags (plc.dashboards.figures.flags) read about one member,
    with their programme's thresholds: read for every cohort a facilitator runs at once."""

    cohort_id: int
    user_id: int
    name: str
    joined_at: datetime
    visibility: str | None
    last_update_at: datetime | None
    comments_received: int
    update_days: int
    missed_meetings: int
    no_feedback: bool

    @property
    def plan_shared(self) -> bool:
        return self.visibility is not None and self.visibility != DRAFT


def nudge_facts(cohort_ids: list[int]) -> list[NudgeFacts]:
    """Every member of these cohorts (of any programmes) with their plan's status, last update
    and feedback received in the cohort's programme: one statement."""
    if not cohort_ids:
        return []
    people = select(Membership.user_id).where(Membership.cohort_id.in_(cohort_ids),
                                              Membership.role == MEMBER)
    updates = (
        select(ProgressUpdate.plan_id, func.max(ProgressUpdate.created_at).label("last"))
        .join(ActionPlan, ActionPlan.id == ProgressUpdate.plan_id)
        .where(ActionPlan.user_id.in_(people))
        .group_by(ProgressUpdate.plan_id).subquery()
    )
    received = (
        select(Comment.plan_id, func.count(Comment.id).label("n"))
        .join(ActionPlan, ActionPlan.id == Comment.plan_id)
        .where(ActionPlan.user_id.in_(people), Comment.deleted_at.is_(None),
               or_(Comment.author_id.is_(None), Comment.author_id != ActionPlan.user_id))
        .group_by(Comment.plan_id).subquery()
    )
    rows = db.session.execute(
        select(Membership.cohort_id, User.id, User.name, Membership.created_at,
               ActionPlan.visibility, updates.c.last, func.coalesce(received.c.n, 0),
               Program.nudge_update_days, Program.nudge_missed_meetings,
               Program.nudge_no_feedback)
        .select_from(Membership)
        .join(User, User.id == Membership.user_id)
        .join(Cohort, Cohort.id == Membership.cohort_id)
        .join(Program, Program.id == Cohort.program_id)
        .outerjoin(ActionPlan, (ActionPlan.user_id == Membership.user_id)
                   & (ActionPlan.program_id == Cohort.program_id))
        .outerjoin(updates, updates.c.plan_id == ActionPlan.id)
        .outerjoin(received, received.c.plan_id == ActionPlan.id)
        .where(Membership.cohort_id.in_(cohort_ids), Membership.role == MEMBER)
        .order_by(User.name, User.id, Membership.cohort_id)
    ).tuples()
    return [NudgeFacts(*row) for row in rows]


def recent_statuses(cohort_ids: list[int], last: int) -> dict[tuple[int, int], list[str | None]]:
    """(cohort id, user id) -> attendance at the cohort's last ``last`` held meetings that
    count for the member, newest first (None: no record); as the dashboard counts them. One
    statement, with a window function."""
    if not cohort_ids or last < 1:
        return {}
    now = utcnow()
    rank = func.row_number().over(
        partition_by=(Membership.cohort_id, Membership.user_id),
        order_by=(Meeting.starts_at.desc(), Meeting.id.desc()),
    ).label("rank")
    ranked = (
        select(Membership.cohort_id, Membership.user_id, Attendance.status, rank)
        .select_from(Membership)
        .join(Meeting, Meeting.cohort_id == Membership.cohort_id)
        .outerjoin(Attendance, (Attendance.meeting_id == Meeting.id)
                   & (Attendance.user_id == Membership.user_id))
        .where(Membership.cohort_id.in_(cohort_ids), Membership.role == MEMBER,
               Meeting.status == SCHEDULED, Meeting.starts_at < now,
               or_(Meeting.starts_at >= Membership.created_at, Attendance.id.is_not(None)))
        .subquery()
    )
    found: dict[tuple[int, int], list[str | None]] = {}
    for cohort_id, user_id, status, _rank in db.session.execute(
        select(ranked).where(ranked.c.rank <= last)
        .order_by(ranked.c.cohort_id, ranked.c.user_id, ranked.c.rank)
    ).tuples():
        found.setdefault((cohort_id, user_id), []).append(status)
    return found


def agenda_counts(meeting_ids: list[int]) -> dict[int, int]:
    """meeting id -> how many agenda items it has: one grouped statement."""
    if not meeting_ids:
        return {}
    return dict(db.session.execute(
        select(AgendaItem.meeting_id, func.count(AgendaItem.id))
        .where(AgendaItem.meeting_id.in_(meeting_ids))
        .group_by(AgendaItem.meeting_id)
    ).tuples().all())
