"""Reads for the dashboards. Every figure is counted by the database in grouped statements:
a page costs the same number of statements for 3 members or 2,000, for a week or a year.

The core is ``member_facts``: one row per membership (member role) of a programme's cohorts,
with that person's plan status and dates and their participation counts. The facilitator
dashboard, the cohort participation page, the programme dashboard (grouped) and the exports
all read it. No plan text, comment text or rating is in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import (
    and_,
    case,
    cast,
    distinct,
    func,
    literal,
    null,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import aliased

from plc.accounts.models import User
from plc.assessments.models import SUBMITTED, Checkpoint, Rating, SelfAssessment
from plc.dashboards import attendance_rollups, rollups
from plc.dashboards.models import ActivityRollup, AttendanceRollup, Nudge
from plc.db import UTCDateTime, utcnow
from plc.extensions import db
from plc.feedback.models import Comment
from plc.meetings.models import ABSENT, ATTENDED, CANCELLED, Attendance, Meeting
from plc.orgs.models import Organization
from plc.plans.models import DRAFT, ActionPlan, Barrier, FocusArea, ProgressUpdate
from plc.programs.models import MEMBER, Cohort, Membership
from plc.rubrics.models import Competency, Framework, Level


@dataclass(frozen=True)
class Window:
    """The period counted: [start, end). Open ends count everything."""

    start: datetime | None = None
    end: datetime | None = None

    @classmethod
    def of_days(cls, first: date | None, last: date | None) -> Window:
        """From the first day's midnight to the day after the last (UTC)."""
        return cls(
            datetime.combine(first, time(), UTC) if first else None,
            datetime.combine(last + timedelta(days=1), time(), UTC) if last else None,
        )

    def clause(self, column):
        parts = []
        if self.start is not None:
            parts.append(column >= self.start)
        if self.end is not None:
            parts.append(column < self.end)
        return and_(*parts) if parts else true()


@dataclass(frozen=True)
class MemberFacts:
    """One member of one cohort: who, where, their plan's status and dates, and counts."""

    cohort_id: int
    user_id: int
    name: str
    email: str
    organization: str | None
    district_id: int | None
    district: str | None
    joined_at: datetime
    plan_id: int | None
    visibility: str | None  # None: no plan
    shared_at: datetime | None
    updates: int
    last_update_at: datetime | None
    comments_given: int
    comments_received: int
    worksheets_submitted: int
    last_submitted_at: datetime | None
    last_comment_at: datetime | None
    meetings_held: int
    meetings_attended: int
    last_nudged_at: datetime | None

    @property
    def plan_shared(self) -> bool:
        return self.visibility is not None and self.visibility != DRAFT

    @property
    def attendance_rate(self) -> float | None:
        return self.meetings_attended / self.meetings_held if self.meetings_held else None

    @property
    def last_active_at(self) -> datetime | None:
        moments = [m for m in (self.last_update_at, self.last_comment_at,
                               self.last_submitted_at) if m is not None]
        return max(moments) if moments else None


def _held_meetings(now: datetime):
    """Meetings that took place: started before now and not cancelled."""
    return and_(Meeting.status != CANCELLED, Meeting.starts_at < now)


def _in_district(district_id: int):
    """The user's organization is the district or one of its schools."""
    return User.organization_id.in_(
        select(Organization.id).where(or_(Organization.id == district_id,
                                          Organization.parent_id == district_id))
    )


def _scoped(statement, cohort_ids: list[int] | None, district_id: int | None):
    """Narrow a statement over memberships (joined to their users) to some cohorts and/or to
    one district's members."""
    if cohort_ids is not None:
        statement = statement.where(Membership.cohort_id.in_(cohort_ids))
    if district_id is not None:
        statement = statement.where(_in_district(district_id))
    return statement


def _people_in_view(program_id: int, cohort_ids: list[int] | None, district_id: int | None):
    """The user ids a facts statement reports on: the programme's members, narrowed."""
    members = (
        select(Membership.user_id)
        .join(Cohort, Cohort.id == Membership.cohort_id)
        .join(User, User.id == Membership.user_id)
        .where(Cohort.program_id == program_id, Membership.role == MEMBER)
    )
    return _scoped(members, cohort_ids, district_id)


def whole_months(window: Window, time_zone: str | None
                 ) -> tuple[tuple[int, int] | None, list[Window]]:
    """Split ``window`` into the programme's whole local months it covers, as (first month
    key, key after the last) with None for an open end, read from the roll-ups, and the edge
    windows left over, counted from the events. Without a time zone a bounded window is all
    edge; an open window is all roll-ups."""
    if window.start is None and window.end is None:
        return (None, None), []
    if time_zone is None:
        return None, [window]

    def month_start(moment: datetime, later: bool) -> datetime:
        """The first moment of ``moment``'s month, or of the next one when ``later`` and
        that month began before ``moment``."""
        start, end = rollups.month_bounds(rollups.month_of(moment, time_zone), time_zone)
        return end if later and start < moment else start

    first = month_start(window.start, later=True) if window.start is not None else None
    after = month_start(window.end, later=False) if window.end is not None else None
    if first is not None and after is not None and first >= after:
        return None, [window]
    edges = []
    if first is not None and window.start < first:
        edges.append(Window(window.start, first))
    if after is not None and after < window.end:
        edges.append(Window(after, window.end))
    return ((rollups.month_of(first, time_zone) if first else None,
             rollups.month_of(after, time_zone) if after else None), edges)


NAMES = ("user_id", "updates", "last_update_at", "given", "last_comment_at", "received",
         "worksheets", "last_worksheet_at")


def _named(*columns):
    """A select of the activity's columns, each labelled (a union of unlabelled zeros and
    NULLs would collapse same-named columns)."""
    return select(*(c.label(name) for c, name in zip(columns, NAMES, strict=True)))


def _zero():
    return literal(0)


def _no_time():
    return cast(null(), UTCDateTime())  # a typed NULL: PostgreSQL matches UNION types pairwise


def _by_time(column):
    """``column`` + 0: the same value, but no index of it is used (SQLite's documented way to
    steer its planner; PostgreSQL plans by its statistics anyway). An edge of an export's
    range holds days of events, so its statements must start from the events' time index,
    not from the people in view (which walks each person's whole year)."""
    return column + 0


def _events_in(program_id: int, people, window: Window) -> list:
    """Per person, the activity of ``window`` counted from the events themselves (the edge
    days of an export's range, found by the events' time index), in the roll-ups' columns."""
    updates = (
        _named(ActionPlan.user_id, func.count(ProgressUpdate.id),
               func.max(ProgressUpdate.created_at), _zero(), _no_time(), _zero(), _zero(),
               _no_time())
        .select_from(ProgressUpdate)
        .join(ActionPlan, ActionPlan.id == ProgressUpdate.plan_id)
        .where(window.clause(ProgressUpdate.created_at),
               _by_time(ActionPlan.program_id) == program_id,
               _by_time(ActionPlan.user_id).in_(people))
        .group_by(ActionPlan.user_id)
    )
    live_comment = and_(Comment.deleted_at.is_(None), window.clause(Comment.created_at))
    given = (
        _named(Comment.author_id, _zero(), _no_time(), func.count(Comment.id),
               func.max(Comment.created_at), _zero(), _zero(), _no_time())
        .where(live_comment, _by_time(Comment.author_id).in_(people),
               _by_time(Comment.plan_id).in_(
                   select(ActionPlan.id).where(ActionPlan.program_id == program_id)))
        .group_by(Comment.author_id)
    )
    received = (
        _named(ActionPlan.user_id, _zero(), _no_time(), _zero(), _no_time(),
               func.count(Comment.id), _zero(), _no_time())
        .select_from(Comment)
        .join(ActionPlan, ActionPlan.id == Comment.plan_id)
        .where(live_comment, _by_time(ActionPlan.program_id) == program_id,
               _by_time(ActionPlan.user_id).in_(people),
               or_(Comment.author_id.is_(None), Comment.author_id != ActionPlan.user_id))
        .group_by(ActionPlan.user_id)
    )
    submitted = (
        _named(SelfAssessment.user_id, _zero(), _no_time(), _zero(), _no_time(), _zero(),
               func.count(SelfAssessment.id), func.max(SelfAssessment.submitted_at))
        .join(Checkpoint, Checkpoint.id == SelfAssessment.checkpoint_id)
        .where(Checkpoint.program_id == program_id, SelfAssessment.status == SUBMITTED,
               SelfAssessment.submitted_at.is_not(None),
               window.clause(SelfAssessment.submitted_at), SelfAssessment.user_id.in_(people))
        .group_by(SelfAssessment.user_id)
    )
    return [updates, given, received, submitted]


def _in_months(column, months: tuple[int | None, int | None]):
    """A roll-up's month key within (first, key after the last), None for an open end."""
    first, after = months
    return and_(column >= first if first is not None else true(),
                column < after if after is not None else true())


def _union(parts: list):
    """One subquery of the parts' rows (a UNION ALL of one part is just that part)."""
    return union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()


def _activity(program_id: int, people, window: Window, time_zone: str | None):
    """Per person in view: updates, comments given and received, submitted worksheets and the
    latest of each in ``window``. Whole months come from the roll-ups (O(people x months)
    rows, never the year's events); only the edge days of a window that cuts a month are
    counted from the events (``whole_months``)."""
    months, edges = whole_months(window, time_zone)
    parts = []
    if months is not None:
        r = ActivityRollup
        parts.append(
            _named(r.user_id, r.updates, r.last_update_at, r.comments_given, r.last_comment_at,
                   r.comments_received, r.worksheets, r.last_worksheet_at)
            .where(r.program_id == program_id, r.user_id.in_(people),
                   _in_months(r.month, months)))
    for edge in edges:
        parts.extend(_events_in(program_id, people, edge))
    c = _union(parts).c
    return (
        select(c.user_id, *(func.sum(c[name]).label(name) for name in (
            "updates", "given", "received", "worksheets")),
            *(func.max(c[name]).label(name) for name in (
                "last_update_at", "last_comment_at", "last_worksheet_at")))
        .group_by(c.user_id).subquery()
    )


def _facts_statement(program_id: int, cohort_ids: list[int] | None, window: Window,
                     now: datetime, district_id: int | None = None,
                     time_zone: str | None = None):
    """One SELECT: the memberships, left-joined to one grouped subquery of their activity
    (read from the roll-ups, see ``_activity``) and one of their attendance. Each subquery
    is narrowed to the people in view first, so that a cohort's page costs what the cohort
    holds, not what the whole programme holds."""
    people = _people_in_view(program_id, cohort_ids, district_id)
    activity = _activity(program_id, people, window, time_zone)
    attendance = _attendance_counts(program_id, window, now, cohort_ids, district_id,
                                    time_zone)
    nudged = (
        select(Nudge.cohort_id, Nudge.user_id, func.max(Nudge.created_at).label("last"))
        .where(Nudge.user_id.in_(people))
        .group_by(Nudge.cohort_id, Nudge.user_id).subquery()
    )
    district = aliased(Organization)
    statement = (
        select(
            Membership.cohort_id, Membership.user_id, User.name, User.email, Organization.name,
            district.id, district.name, Membership.created_at, ActionPlan.id,
            ActionPlan.visibility, ActionPlan.shared_at,
            func.coalesce(activity.c.updates, 0), activity.c.last_update_at,
            func.coalesce(activity.c.given, 0), func.coalesce(activity.c.received, 0),
            func.coalesce(activity.c.worksheets, 0), activity.c.last_worksheet_at,
            activity.c.last_comment_at,
            func.coalesce(attendance.c.held, 0), func.coalesce(attendance.c.attended, 0),
            nudged.c.last,
        )
        .select_from(Membership)
        .join(Cohort, Cohort.id == Membership.cohort_id)
        .join(User, User.id == Membership.user_id)
        .outerjoin(Organization, Organization.id == User.organization_id)
        .outerjoin(district, district.id == func.coalesce(Organization.parent_id,
                                                          Organization.id))
        .outerjoin(ActionPlan, (ActionPlan.user_id == Membership.user_id)
                   & (ActionPlan.program_id == program_id))
        .outerjoin(activity, activity.c.user_id == Membership.user_id)
        .outerjoin(attendance, (attendance.c.cohort_id == Membership.cohort_id)
                   & (attendance.c.user_id == Membership.user_id))
        .outerjoin(nudged, (nudged.c.cohort_id == Membership.cohort_id)
                   & (nudged.c.user_id == Membership.user_id))
        .where(Cohort.program_id == program_id, Membership.role == MEMBER)
        .order_by(User.name, User.id, Membership.cohort_id)
    )
    return _scoped(statement, cohort_ids, district_id)


def _until_now(window: Window, now: datetime) -> Window:
    """``window`` without what is still to come: only meetings started before now are held."""
    return Window(window.start, now if window.end is None or window.end > now else window.end)


def _seat_parts(program_id: int, window: Window, now: datetime, time_zone: str | None,
                rolled, seat, scope=lambda _cohort_id, _user_id: true()) -> list:
    """Selects of (..., held, came) rows that add up to the attendance at the programme's held
    meetings in ``window``: the whole local months before the current one from the roll-ups
    (``rolled(r)`` picks a roll-up row's columns), the rest (the current month, a range's
    edge days, everything without a time zone) seat by seat (``seat`` picks a seat's columns
    besides held and came). ``scope(cohort id, user id)`` narrows each part. The roll-ups hold
    every cohort's rows, members' or not: callers keep the members they count."""
    months, edges = whole_months(_until_now(window, now), time_zone)
    parts = []
    if months is not None:
        r = AttendanceRollup
        parts.append(rolled(r).where(
            r.cohort_id.in_(select(Cohort.id).where(Cohort.program_id == program_id)),
            _in_months(r.month, months), scope(r.cohort_id, r.user_id)))
    came = case((Attendance.status.in_(ATTENDED), 1), else_=0)
    for edge in edges:
        parts.append(_at_held_meetings(
            select(*seat, literal(1).label("held"), came.label("came")), program_id, edge, now)
            .where(scope(Membership.cohort_id, Membership.user_id)))
    return parts


def _attendance_counts(program_id: int, window: Window, now: datetime,
                       cohort_ids: list[int] | None, district_id: int | None,
                       time_zone: str | None):
    """Per (cohort, member): the meetings held in ``window`` that count for them and those
    they came to. O(members x months) roll-up rows and the current month's seats."""
    def scope(cohort_id, user_id):
        return and_(cohort_id.in_(cohort_ids) if cohort_ids is not None else true(),
                    user_id.in_(select(User.id).where(_in_district(district_id)))
                    if district_id is not None else true())

    parts = _seat_parts(
        program_id, window, now, time_zone,
        lambda r: select(r.cohort_id.label("cohort_id"), r.user_id.label("user_id"),
                         r.meetings.label("held"), r.attended.label("came")),
        (Membership.cohort_id.label("cohort_id"), Membership.user_id.label("user_id")), scope)
    seats = _union(parts)
    return (select(seats.c.cohort_id, seats.c.user_id, func.sum(seats.c.held).label("held"),
                   func.sum(seats.c.came).label("attended"))
            .group_by(seats.c.cohort_id, seats.c.user_id).subquery())


def member_facts(program_id: int, cohort_ids: list[int] | None = None,
                 window: Window = Window(), now: datetime | None = None,
                 district_id: int | None = None,
                 time_zone: str | None = None) -> list[MemberFacts]:
    """One statement. ``cohort_ids`` None: every cohort of the programme. ``district_id``:
    only the members whose organization is that district or one of its schools.
    ``time_zone``: the programme's, so that a bounded ``window`` reads its whole months from
    the roll-ups (without it, a bounded window counts the events)."""
    rows = db.session.execute(
        _facts_statement(program_id, cohort_ids, window, now or utcnow(), district_id,
                         time_zone)
    ).tuples()
    return [MemberFacts(*row) for row in rows]


def district_has_members(program_id: int, district_id: int) -> bool:
    """Whether anyone of the district (or its schools) is a member of the programme's cohorts.
    One statement."""
    return db.session.execute(select(
        _scoped(select(Membership.id).join(User, User.id == Membership.user_id)
                .join(Cohort, Cohort.id == Membership.cohort_id)
                .where(Cohort.program_id == program_id, Membership.role == MEMBER),
                None, district_id).exists()
    )).scalar()


def _at_held_meetings(statement, program_id: int, window: Window, now: datetime | None):
    """``statement`` over every programme member at every held meeting of their cohort that
    counts for them, with their attendance row if any."""
    held = and_(_held_meetings(now or utcnow()), window.clause(Meeting.starts_at))
    # The attendance rows of the programme's held meetings only, named in the join: without
    # them PostgreSQL hashes every programme's attendance to find this one's.
    meetings = select(Meeting.id).join(Cohort, Cohort.id == Meeting.cohort_id).where(
        Cohort.program_id == program_id, held)
    return (
        statement.select_from(Membership)
        .join(Cohort, Cohort.id == Membership.cohort_id)
        .join(Meeting, Meeting.cohort_id == Membership.cohort_id)
        .outerjoin(Attendance, (Attendance.meeting_id == Meeting.id)
                   & (Attendance.user_id == Membership.user_id)
                   & Attendance.meeting_id.in_(meetings))
        .where(Cohort.program_id == program_id, Membership.role == MEMBER, held,
               attendance_rollups.applies_to_member())
    )


@dataclass(frozen=True)
class AttendanceRecord:
    cohort_id: int
    meeting: str
    starts_at: datetime
    name: str
    email: str
    status: str | None  # None: no record


def attendance_records(program_id: int, cohort_ids: list[int] | None = None,
                       window: Window = Window(), now: datetime | None = None,
                       district_id: int | None = None) -> list[AttendanceRecord]:
    """Every member at every held meeting that counts for them (as in member_facts), with
    their status; scoped like member_facts. One statement."""
    statement = _at_held_meetings(
        select(Membership.cohort_id, Meeting.title, Meeting.starts_at, User.name, User.email,
               Attendance.status), program_id, window, now,
    ).join(User, User.id == Membership.user_id).order_by(
        Meeting.starts_at, Meeting.id, User.name, User.id)
    statement = _scoped(statement, cohort_ids, district_id)
    return [AttendanceRecord(*row) for row in db.session.execute(statement).tuples()]


# --- the facilitator dashboard's extras -------------------------------------------------------


@dataclass(frozen=True)
class CheckpointInfo:
    id: int
    name: str
    position: int
    opens_on: date


def checkpoints(program_id: int) -> list[CheckpointInfo]:
    return [CheckpointInfo(*row) for row in db.session.execute(
        select(Checkpoint.id, Checkpoint.name, Checkpoint.position, Checkpoint.opens_on)
        .where(Checkpoint.program_id == program_id)
        .order_by(Checkpoint.position, Checkpoint.opens_on, Checkpoint.id)
    ).tuples()]


@dataclass(frozen=True)
class FocusRating:
    """A member's rating, at one checkpoint, of a competency their (non-draft) plan is on."""

    user_id: int
    number: int
    name: str
    checkpoint_position: int
    checkpoint_id: int
    value: int | None  # None: the plan's competency, not rated at any checkpoint yet
    checkpoint_name: str | None = None


def focus_ratings(cohort_id: int, program_id: int) -> list[FocusRating]:
    """The focus competencies of the cohort's members' plans that left draft (a draft is the
    author's alone, so even its competencies stay private), each with the submitted ratings
    of that competency on the programme's checkpoints. One statement."""
    rated = (
        select(SelfAssessment.user_id, Rating.competency_id, Checkpoint.position,
               Checkpoint.id.label("checkpoint_id"), Level.value,
               Checkpoint.name.label("checkpoint_name"))
        .join(Checkpoint, Checkpoint.id == SelfAssessment.checkpoint_id)
        .join(Rating, Rating.assessment_id == SelfAssessment.id)
        .join(Level, Level.id == Rating.level_id)
        .where(Checkpoint.program_id == program_id, SelfAssessment.status == SUBMITTED,
               SelfAssessment.user_id.in_(
                   select(Membership.user_id).where(Membership.cohort_id == cohort_id)))
        .subquery()
    )
    rows = db.session.execute(
        select(ActionPlan.user_id, Competency.number, Competency.name,
               func.coalesce(rated.c.position, 0), func.coalesce(rated.c.checkpoint_id, 0),
               rated.c.value, rated.c.checkpoint_name)
        .select_from(Membership)
        .join(ActionPlan, (ActionPlan.user_id == Membership.user_id)
              & (ActionPlan.program_id == program_id))
        .join(FocusArea, FocusArea.plan_id == ActionPlan.id)
        .join(Competency, Competency.id == FocusArea.competency_id)
        .outerjoin(rated, (rated.c.user_id == ActionPlan.user_id)
                   & (rated.c.competency_id == FocusArea.competency_id))
        .where(Membership.cohort_id == cohort_id, Membership.role == MEMBER,
               ActionPlan.visibility != DRAFT)
        .order_by(ActionPlan.user_id, FocusArea.position, rated.c.position)
    ).tuples()
    return [FocusRating(*row) for row in rows]


def recent_attendance(cohort_id: int, last: int, now: datetime | None = None
                      ) -> dict[int, list[str | None]]:
    """user id -> statuses at the last ``last`` held meetings that count for them, newest
    first (None: no record). One statement, with a window function."""
    rank = func.row_number().over(
        partition_by=Membership.user_id,
        order_by=(Meeting.starts_at.desc(), Meeting.id.desc()),
    ).label("rank")
    ranked = (
        select(Membership.user_id, Attendance.status, rank)
        .select_from(Membership)
        .join(Meeting, Meeting.cohort_id == Membership.cohort_id)
        .outerjoin(Attendance, (Attendance.meeting_id == Meeting.id)
                   & (Attendance.user_id == Membership.user_id))
        .where(Membership.cohort_id == cohort_id, Membership.role == MEMBER,
               _held_meetings(now or utcnow()), attendance_rollups.applies_to_member())
        .subquery()
    )
    found: dict[int, list[str | None]] = {}
    for user_id, status, _rank in db.session.execute(
        select(ranked).where(ranked.c.rank <= last).order_by(ranked.c.user_id, ranked.c.rank)
    ).tuples():
        found.setdefault(user_id, []).append(status)
    return found


MISSED = (ABSENT, None)


# --- cohort growth ------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonRating:
    user_id: int
    checkpoint_id: int
    position: int
    number: int
    value: int


def cohort_ratings(cohort_id: int, program_id: int, framework_id: int) -> list[PersonRating]:
    """Every submitted rating of the cohort's members on the programme's checkpoints made on
    the cohort's framework (any version of it: same key; a worksheet on another framework
    never joins its figures), by competency number (stable across versions). One statement."""
    same_key = select(Framework.key).where(Framework.id == framework_id).scalar_subquery()
    return [PersonRating(*row) for row in db.session.execute(
        select(SelfAssessment.user_id, Checkpoint.id, Checkpoint.position, Competency.number,
               Level.value)
        .select_from(Membership)
        .join(SelfAssessment, SelfAssessment.user_id == Membership.user_id)
        .join(Checkpoint, Checkpoint.id == SelfAssessment.checkpoint_id)
        .join(Framework, Framework.id == SelfAssessment.framework_id)
        .join(Rating, Rating.assessment_id == SelfAssessment.id)
        .join(Competency, Competency.id == Rating.competency_id)
        .join(Level, Level.id == Rating.level_id)
        .where(Membership.cohort_id == cohort_id, Membership.role == MEMBER,
               Checkpoint.program_id == program_id, SelfAssessment.status == SUBMITTED,
               Framework.key == same_key)
    ).tuples()]


def competencies(framework_id: int) -> list[tuple[int, str]]:
    return list(db.session.execute(
        select(Competency.number, Competency.name).where(Competency.framework_id == framework_id)
        .order_by(Competency.position)
    ).tuples())


def levels(framework_id: int) -> list[tuple[int, str]]:
    return list(db.session.execute(
        select(Level.value, Level.label).where(Level.framework_id == framework_id)
        .order_by(Level.value)
    ).tuples())


def barrier_mix(cohort_id: int, program_id: int) -> dict[str, int]:
    """kind -> barriers on the cohort's members' plans that left draft. One grouped statement."""
    return dict(list(db.session.execute(
        select(Barrier.kind, func.count(Barrier.id))
        .join(FocusArea, FocusArea.id == Barrier.focus_area_id)
        .join(ActionPlan, ActionPlan.id == FocusArea.plan_id)
        .join(Membership, (Membership.user_id == ActionPlan.user_id)
              & (Membership.cohort_id == cohort_id) & (Membership.role == MEMBER))
        .where(ActionPlan.program_id == program_id, ActionPlan.visibility != DRAFT)
        .group_by(Barrier.kind)
    ).tuples()))


# --- the programme dashboard ------------------------------------------------------------------


def cohorts(program_id: int) -> list[tuple[int, str]]:
    return list(db.session.execute(
        select(Cohort.id, Cohort.name).where(Cohort.program_id == program_id)
        .order_by(Cohort.name, Cohort.id)
    ).tuples())


@dataclass(frozen=True)
class GroupFacts:
    """Counts for the members of one cohort from one district."""

    cohort_id: int
    district_id: int | None
    district: str | None
    members: int
    active: int  # any progress update, comment or submitted worksheet since ``active_since``
    plans_shared: int
    updates: int
    meetings_held: int
    meetings_attended: int
    comments: int


def group_facts(program_id: int, active_since: datetime, time_zone: str | None,
                now: datetime | None = None) -> list[GroupFacts]:
    """member_facts summed in the database by (cohort, district): one statement, whatever
    the number of cohorts and members. The page adds the cells up by cohort or by district.
    ``time_zone``: the programme's (attendance is read from its roll-ups by local month)."""
    facts = _facts_statement(program_id, None, Window(), now or utcnow(),
                             time_zone=time_zone).subquery()
    c = list(facts.c)
    (cohort_id, _user_id, _name, _email, _org, district_id, district_name, _joined, _plan_id,
     visibility, _shared_at, updates, last_update, given, _received, _submitted,
     last_submitted, last_comment, held, attended, _nudged) = c
    active = or_(last_update >= active_since, last_comment >= active_since,
                 last_submitted >= active_since)
    rows = db.session.execute(
        select(cohort_id, district_id, district_name, func.count(),
               func.sum(case((active, 1), else_=0)),
               func.sum(case((and_(visibility.is_not(None), visibility != DRAFT), 1), else_=0)),
               func.sum(updates), func.sum(held), func.sum(attended), func.sum(given))
        .group_by(cohort_id, district_id, district_name)
    ).tuples()
    return [GroupFacts(*(row[:3]), *(int(v or 0) for v in row[3:])) for row in rows]


@dataclass(frozen=True)
class MonthFacts:
    year: int
    month: int
    active: int = 0
    updates: int = 0
    comments: int = 0
    worksheets: int = 0
    meetings_held: int = 0
    meetings_attended: int = 0


def calendar_months(first: date, last: date) -> list[tuple[int, int]]:
    """Every (year, month) from ``first``'s month to ``last``'s."""
    found, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        found.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return found


@dataclass(frozen=True)
class LocalMonths:
    """The calendar months from ``first``'s to ``last``'s in the programme's time zone. An
    event counts in the month the programme lives in: a New York programme's November ends
    at 05:00 UTC on 1 December, and "this month" there is still November."""

    time_zone: str
    first: date
    last: date

    def keys(self) -> list[tuple[int, int]]:
        return calendar_months(self.first, self.last)

    def starts(self) -> list[datetime]:
        """Each month's first moment (UTC), then the first moment after the last month."""
        zone = ZoneInfo(self.time_zone)
        y, m = self.keys()[-1]
        after = (y + 1, 1) if m == 12 else (y, m + 1)
        return [datetime(year, month, 1, tzinfo=zone).astimezone(UTC)
                for year, month in [*self.keys(), after]]

    def window(self) -> Window:
        starts = self.starts()
        return Window(starts[0], starts[-1])

    def bucket(self, column):
        """year * 100 + month of the month ``column`` falls in (within ``window()``)."""
        ends = self.starts()[1:]
        return case(*[(column < end, rollups.month_key(y, m))
                      for (y, m), end in zip(self.keys(), ends, strict=True)])


def monthly(program_id: int, months: LocalMonths, now: datetime | None = None
            ) -> dict[tuple[int, int], MonthFacts]:
    """(year, month) -> the programme's activity that month (``months``, in the programme's
    time zone), counted over its cohorts' members. Two grouped statements: the activity
    roll-ups, and attendance (its roll-ups and the current month's seats)."""
    window = months.window()
    members = (
        select(distinct(Membership.user_id).label("user_id"))
        .join(Cohort, Cohort.id == Membership.cohort_id)
        .where(Cohort.program_id == program_id, Membership.role == MEMBER)
    ).scalar_subquery()
    # The roll-ups hold each month in the programme's time zone, the zone ``months`` is in.
    r = ActivityRollup
    first, last = months.keys()[0], months.keys()[-1]
    active = func.count(distinct(case(
        (r.updates + r.comments_given + r.worksheets > 0, r.user_id))))
    found: dict[tuple[int, int], MonthFacts] = {}
    for key, active_people, updates, comments, worksheets in db.session.execute(
        select(r.month, active, func.sum(r.updates), func.sum(r.comments_given),
               func.sum(r.worksheets))
        .where(r.program_id == program_id, r.user_id.in_(members),
               r.month >= rollups.month_key(*first), r.month <= rollups.month_key(*last))
        .group_by(r.month)
    ).tuples():
        y, m = divmod(int(key), 100)
        found[(y, m)] = MonthFacts(y, m, active_people, int(updates or 0),
                                   int(comments or 0), int(worksheets or 0))
    parts = _seat_parts(
        program_id, window, now or utcnow(), months.time_zone,
        lambda r: select(r.month.label("month"), r.meetings.label("held"),
                         r.attended.label("came"))
        .join(Membership, (Membership.cohort_id == r.cohort_id)
              & (Membership.user_id == r.user_id) & (Membership.role == MEMBER)),
        (months.bucket(Meeting.starts_at).label("month"),))
    seats = _union(parts)
    for month_key, held, came in db.session.execute(
        select(seats.c.month, func.sum(seats.c.held), func.sum(seats.c.came))
        .group_by(seats.c.month)
    ).tuples():
        key = divmod(int(month_key), 100)
        before = found.get(key, MonthFacts(*key))
        found[key] = MonthFacts(before.year, before.month, before.active, before.updates,
                                before.comments, before.worksheets, int(held), int(came or 0))
    return found


# --- nudges -------------------------------------------------------------------------------


def last_nudges(cohort_id: int) -> dict[int, datetime]:
    """user id -> when they were last nudged in the cohort. One grouped statement."""
    return dict(list(db.session.execute(
        select(Nudge.user_id, func.max(Nudge.created_at)).where(Nudge.cohort_id == cohort_id)
        .group_by(Nudge.user_id)
    ).tuples()))


def cohort_members(cohort_id: int, user_ids: list[int]) -> list[User]:
    """Those of ``user_ids`` who are members (not facilitators) of the cohort."""
    if not user_ids:
        return []
    return list(db.session.execute(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.cohort_id == cohort_id, Membership.role == MEMBER,
               User.id.in_(user_ids))
        .order_by(User.name, User.id)
    ).scalars())


def member_choices(cohort_id: int) -> list[tuple[int, str]]:
    return list(db.session.execute(
        select(User.id, User.name).join(Membership, Membership.user_id == User.id)
        .where(Membership.cohort_id == cohort_id, Membership.role == MEMBER)
        .order_by(User.name, User.id)
    ).tuples())

