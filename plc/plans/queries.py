"""Reads for action plans. Pages load what they show in a fixed number of statements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Integer, String, bindparam, cast, func, select
from sqlalchemy.orm import joinedload, selectinload

from plc import paging, permissions
from plc.accounts.models import User
from plc.assessments.models import SUBMITTED, Checkpoint, Rating, SelfAssessment
from plc.assessments.queries import Sheet, sheet
from plc.db import built_once
from plc.extensions import db
from plc.feedback import queries as feedback_queries
from plc.meetings.models import Meeting
from plc.plans.models import ActionPlan, ActionStep, FocusArea, PlanRevision, ProgressUpdate
from plc.programs import queries as program_queries
from plc.programs.models import MEMBER, Cohort, Membership, Program
from plc.programs.queries import member_cohort_ids
from plc.rubrics.models import Competency, Level


def plan(plan_id: int) -> ActionPlan | None:
    """The plan with its author and programme (one statement)."""
    return db.session.get(
        ActionPlan, plan_id, options=[joinedload(ActionPlan.user), joinedload(ActionPlan.program)],
        populate_existing=True,  # after a rollback, the page is shown from fresh rows
    )


def plan_seen(plan_id: int) -> tuple[ActionPlan | None, frozenset[int]]:
    """The plan with its author and programme, and ``author_cohort_ids``, in one statement:
    what every page about a plan reads first, to know whether the reader may see it."""
    plan, cohort_ids, _stamp = _seen(plan_id, stamped=False)
    return plan, cohort_ids


def plan_seen_stamped(plan_id: int) -> tuple[ActionPlan | None, frozenset[int], tuple]:
    """``plan_seen`` and, in the same statement, what moves with every comment and progress
    update on the plan (``feedback.queries.content_stamp_of``): what the plan page keys its
    kept body by."""
    return _seen(plan_id, stamped=True)


def _seen(plan_id: int, stamped: bool) -> tuple[ActionPlan | None, frozenset[int], tuple]:
    row = db.session.execute(_plan_seen_statement(stamped), {"plan_id": plan_id}).first()
    if row is None:
        return None, frozenset(), ()
    plan, cohort_ids, *stamp = row
    return (plan, frozenset(int(i) for i in cohort_ids.split(",")) if cohort_ids else frozenset(),
            tuple(stamp))


@built_once
def _plan_seen_statement(stamped: bool):
    cohort_ids = (
        program_queries.member_cohorts(ActionPlan.user_id, ActionPlan.program_id)
        .with_only_columns(func.aggregate_strings(cast(Membership.cohort_id, String), ","))
        .scalar_subquery()
    )
    stamp = feedback_queries.content_stamp_of(ActionPlan.id) if stamped else []
    return (
        select(ActionPlan, cohort_ids, *stamp).where(ActionPlan.id == bindparam("plan_id"))
        .options(joinedload(ActionPlan.user), joinedload(ActionPlan.program))
        .execution_options(populate_existing=True)  # after a rollback, fresh rows
    )


def author_cohort_ids(plan: ActionPlan) -> frozenset[int]:
    """The cohorts of the plan's programme where its author is a member: whose peers and
    facilitators the plan's visibility speaks of."""
    return member_cohort_ids(plan.user_id, plan.program_id)


def own_plan(user_id: int, program_id: int) -> ActionPlan | None:
    return db.session.execute(
        select(ActionPlan).where(ActionPlan.user_id == user_id,
                                 ActionPlan.program_id == program_id)
    ).scalar_one_or_none()


def focus_areas(plan_id: int) -> list[FocusArea]:
    """The plan's focus areas with their barriers and steps (three statements)."""
    return list(db.session.execute(_focus_areas_statement(), {"plan_id": plan_id}).scalars())


@built_once
def _focus_areas_statement():
    return (
        select(FocusArea).where(FocusArea.plan_id == bindparam("plan_id"))
        .options(selectinload(FocusArea.barriers), selectinload(FocusArea.steps))
        .order_by(FocusArea.position)
        .execution_options(populate_existing=True)
    )


def step_plan_id(step_id: int) -> int | None:
    """The plan an action step belongs to (one statement); None for an unknown step."""
    return db.session.execute(
        select(FocusArea.plan_id).join(ActionStep, ActionStep.focus_area_id == FocusArea.id)
        .where(ActionStep.id == step_id)
    ).scalar_one_or_none()


def plan_for_update(plan_id: int) -> ActionPlan:
    """The plan with its whole content loaded on the plan itself, fresh from the database:
    what the services change (four statements)."""
    return db.session.execute(
        select(ActionPlan).where(ActionPlan.id == plan_id)
        .options(selectinload(ActionPlan.focus_areas).options(
            selectinload(FocusArea.barriers), selectinload(FocusArea.steps)))
        .execution_options(populate_existing=True)
    ).scalar_one()


def rubric(program: Program, user_id: int) -> Sheet:
    """The framework the person rates on in the programme (their cohort's) as plain values
    (labels and descriptors); empty without one."""
    framework_id = program_queries.member_framework_id(user_id, program)
    if framework_id is None:
        return Sheet(0, "", (), ())
    return sheet(framework_id)


def next_revision_number(plan_id: int) -> int:
    return (db.session.execute(
        select(func.max(PlanRevision.number)).where(PlanRevision.plan_id == plan_id)
    ).scalar() or 0) + 1


def revision_at(plan_id: int, moment: datetime) -> PlanRevision | None:
    """The newest revision made before ``moment``: how the plan stood then."""
    return db.session.execute(
        select(PlanRevision)
        .where(PlanRevision.plan_id == plan_id, PlanRevision.created_at < moment)
        .order_by(PlanRevision.number.desc()).limit(1)
    ).scalar_one_or_none()


def first_revision_date(plan_id: int) -> datetime | None:
    return db.session.execute(
        select(func.min(PlanRevision.created_at)).where(PlanRevision.plan_id == plan_id)
    ).scalar()


UPDATES_PER_PAGE = 5


@dataclass(frozen=True)
class Page:
    """One page of a list that is shown a page at a time (page 1 holds the newest)."""

    items: list
    number: int
    total: int
    per_page: int

    @property
    def pages(self) -> int:
        return paging.page_count(self.total, self.per_page)

    @property
    def first_shown(self) -> int:
        return (self.number - 1) * self.per_page + 1

    @property
    def last_shown(self) -> int:
        return self.first_shown + len(self.items) - 1


@built_once
def _updates_page_statement():
    return (
        select(ProgressUpdate, func.count().over())
        .where(ProgressUpdate.plan_id == bindparam("plan_id"))
        .options(joinedload(ProgressUpdate.author), joinedload(ProgressUpdate.meeting))
        .order_by(ProgressUpdate.created_at.desc(), ProgressUpdate.id.desc())
        .limit(UPDATES_PER_PAGE).offset(bindparam("skip", type_=Integer))
    )


def updates_page(plan_id: int, number: int = 1) -> Page:
    """A page of the plan's progress updates, newest first, with their authors and meetings,
    and how many there are in all (a window count): one statement whatever the page. A year of
    weekly updates and their comment threads is too much to render on every visit."""
    number = max(number, 1)
    rows = db.session.execute(_updates_page_statement(), {
        "plan_id": plan_id, "skip": (number - 1) * UPDATES_PER_PAGE}).all()
    total = rows[0][1] if rows else updates_count(plan_id) if number > 1 else 0
    return Page([update for update, _total in rows], number, total, UPDATES_PER_PAGE)


def updates_count(plan_id: int) -> int:
    return db.session.execute(
        select(func.count(ProgressUpdate.id)).where(ProgressUpdate.plan_id == plan_id)
    ).scalar_one()


def update_page_number(plan_id: int, update_id: int) -> int:
    """The page of updates_page that shows the update (1 if it is not the plan's)."""
    return paging.page_holding(ProgressUpdate, (ProgressUpdate.plan_id == plan_id,), update_id,
                               UPDATES_PER_PAGE)


def update(plan_id: int, update_id: int) -> ProgressUpdate | None:
    return db.session.execute(
        select(ProgressUpdate)
        .where(ProgressUpdate.id == update_id, ProgressUpdate.plan_id == plan_id)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def cohort_meetings(cohort_ids: frozenset[int]) -> list[Meeting]:
    """Meetings of the author's cohorts, newest first: what an update may be linked to."""
    if not cohort_ids:
        return []
    return list(db.session.execute(
        select(Meeting).where(Meeting.cohort_id.in_(cohort_ids))
        .order_by(Meeting.starts_at.desc())
    ).scalars())


# --- starting a plan --------------------------------------------------------------------


def _latest_submitted(user_id: int, program_id: int, *columns):
    """``columns`` of the person's latest submitted worksheet in the programme: the latest
    checkpoint's, the latest submitted there if there were two."""
    return (
        select(*columns)
        .join(Checkpoint, Checkpoint.id == SelfAssessment.checkpoint_id)
        .where(SelfAssessment.user_id == user_id, Checkpoint.program_id == program_id,
               SelfAssessment.status == SUBMITTED)
        .order_by(Checkpoint.position.desc(), SelfAssessment.submitted_at.desc())
        .limit(1)
    )


def latest_submitted_assessment(user_id: int, program_id: int) -> SelfAssessment | None:
    """The person's latest submitted worksheet in the programme, with its ratings and changes
    (three statements)."""
    return db.session.execute(
        _latest_submitted(user_id, program_id, SelfAssessment)
        .options(joinedload(SelfAssessment.checkpoint), selectinload(SelfAssessment.ratings),
                 selectinload(SelfAssessment.changes))
    ).scalar_one_or_none()


def latest_submitted_id(user_id: int, program_id: int) -> int | None:
    return db.session.scalar(_latest_submitted(user_id, program_id, SelfAssessment.id))


def newer_assessment(plan: ActionPlan) -> str | None:
    """The checkpoint name of the author's latest submitted self-assessment in the plan's
    programme when the plan does not follow it yet (one statement)."""
    latest = db.session.execute(_latest_submitted(plan.user_id, plan.program_id,
                                                  SelfAssessment.id, Checkpoint.name)).first()
    return latest.name if latest and latest.id != plan.source_assessment_id else None


def latest_levels(user_id: int, program: Program,
                  framework_id: int | None = None) -> dict[int, int]:
    """competency id -> level id of the framework the person rates on (``framework_id``, the
    sheet's, else their cohort's), from their latest submitted self-assessment there.
    Competencies and levels are matched by number and value, so a worksheet made on an
    earlier version of the framework still counts."""
    framework_id = framework_id or program_queries.member_framework_id(user_id, program)
    if not framework_id:
        return {}
    latest = _latest_submitted(user_id, program.id, SelfAssessment.id).scalar_subquery()
    rated_competency = select(Competency.id, Competency.number).subquery()
    rated_level = select(Level.id, Level.value).subquery()
    target_competency = Competency.__table__.alias("target_competency")
    target_level = Level.__table__.alias("target_level")
    rows = db.session.execute(
        select(target_competency.c.id, target_level.c.id)
        .select_from(Rating)
        .join(rated_competency, rated_competency.c.id == Rating.competency_id)
        .join(rated_level, rated_level.c.id == Rating.level_id)
        .join(target_competency, (target_competency.c.number == rated_competency.c.number)
              & (target_competency.c.framework_id == framework_id))
        .join(target_level, (target_level.c.value == rated_level.c.value)
              & (target_level.c.framework_id == framework_id))
        .where(Rating.assessment_id == latest)
    ).all()
    return dict(rows)


# --- a cohort's plans --------------------------------------------------------------------


@dataclass(frozen=True)
class PlanRow:
    plan_id: int
    owner_name: str
    visibility: str
    updated_at: datetime
    shared_at: datetime | None
    steps_done: int
    steps_total: int


def cohort_plans(user, cohort: Cohort, *, readable: bool) -> list[PlanRow]:
    """The plans of the cohort's members that ``user`` may see (``readable``: as plans with
    their text; otherwise only the status and dates a program lead gets), in one statement."""
    from plc.plans.models import DONE, ActionStep

    if readable:
        rule = permissions.visible_plans(user, Membership.cohort_id, ActionPlan.visibility,
                                         ActionPlan.user_id)
    else:
        rule = permissions.plan_statuses_visible(user, cohort, ActionPlan.visibility)
    step_counts = (
        select(FocusArea.plan_id.label("plan_id"),
               func.count(ActionStep.id).label("total"),
               func.count(ActionStep.id).filter(ActionStep.status == DONE).label("done"))
        .join(ActionStep, ActionStep.focus_area_id == FocusArea.id)
        .group_by(FocusArea.plan_id).subquery()
    )
    rows = db.session.execute(
        select(ActionPlan.id, User.name, ActionPlan.visibility, ActionPlan.updated_at,
               ActionPlan.shared_at, func.coalesce(step_counts.c.done, 0),
               func.coalesce(step_counts.c.total, 0))
        .join(User, User.id == ActionPlan.user_id)
        .join(Membership, (Membership.user_id == ActionPlan.user_id)
              & (Membership.role == MEMBER) & (Membership.cohort_id == cohort.id))
        .outerjoin(step_counts, step_counts.c.plan_id == ActionPlan.id)
        .where(ActionPlan.program_id == cohort.program_id, rule)
        .order_by(User.name, ActionPlan.id)
    ).all()
    return [PlanRow(*row) for row in rows]
