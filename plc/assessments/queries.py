"""Reads for checkpoints, worksheets and growth. Functions return plain values or ORM rows
loaded on purpose; nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, distinct, exists, func, select
from sqlalchemy.orm import joinedload, selectinload

from plc import cache
from plc.assessments.models import SUBMITTED, Checkpoint, Rating, SelfAssessment
from plc.db import built_once
from plc.extensions import db
from plc.programs.models import MEMBER, Cohort, Membership, Program
from plc.rubrics.models import Competency, Framework, Level


def today_in(time_zone: str) -> date:
    """A checkpoint opens and closes by the programme's calendar, not the server's."""
    return datetime.now(ZoneInfo(time_zone)).date()


# --- checkpoints --------------------------------------------------------------------------


def checkpoints(program_id: int) -> list[Checkpoint]:
    return list(
        db.session.execute(
            select(Checkpoint)
            .where(Checkpoint.program_id == program_id)
            .order_by(Checkpoint.position, Checkpoint.opens_on)
        ).scalars()
    )


def checkpoint_has_worksheets(checkpoint_id: int) -> bool:
    return db.session.execute(
        select(exists().where(SelfAssessment.checkpoint_id == checkpoint_id))
    ).scalar()


def checkpoint_has_submissions(checkpoint_id: int) -> bool:
    return db.session.execute(
        select(exists().where(SelfAssessment.checkpoint_id == checkpoint_id,
                              SelfAssessment.status == SUBMITTED))
    ).scalar()


def checkpoint_with_program(checkpoint_id: int) -> tuple[Checkpoint, Program] | None:
    row = db.session.execute(
        select(Checkpoint, Program)
        .join(Program, Program.id == Checkpoint.program_id)
        .where(Checkpoint.id == checkpoint_id)
    ).first()
    return (row[0], row[1]) if row else None


@built_once
def _member_checkpoints_statement():
    return (
        select(Checkpoint, Program.time_zone)
        .join(Program, Program.id == Checkpoint.program_id)
        .where(
            Checkpoint.program_id.in_(
                select(Cohort.program_id)
                .join(Membership, Membership.cohort_id == Cohort.id)
                .where(Membership.user_id == bindparam("user_id"), Membership.role == MEMBER)
            )
        )
        .order_by(Checkpoint.position)
    )


def open_checkpoints_for_member(user_id: int) -> dict[int, list[Checkpoint]]:
    """program id -> its checkpoints open today (in the programme's time zone), for every
    programme where the user is a member of a cohort: one query."""
    rows = db.session.execute(_member_checkpoints_statement(), {"user_id": user_id}).all()
    found: dict[int, list[Checkpoint]] = {}
    for checkpoint, time_zone in rows:
        if checkpoint.is_open(today_in(time_zone)):
            found.setdefault(checkpoint.program_id, []).append(checkpoint)
    return found


def statuses(user_id: int, checkpoint_ids: list[int]) -> dict[int, str]:
    """checkpoint id -> the status of the user's worksheet there, in one query."""
    if not checkpoint_ids:
        return {}
    return dict(
        db.session.execute(
            select(SelfAssessment.checkpoint_id, SelfAssessment.status).where(
                SelfAssessment.user_id == user_id,
                SelfAssessment.checkpoint_id.in_(checkpoint_ids),
            )
        ).all()
    )


def cohort_worksheets(cohort_id: int) -> dict[tuple[int, int], tuple[int, str]]:
    """(user id, checkpoint id) -> (assessment id, status) for everyone in the cohort, on the
    cohort's programme's checkpoints: one grouped query whatever the roster's size."""
    rows = db.session.execute(
        select(SelfAssessment.user_id, SelfAssessment.checkpoint_id, SelfAssessment.id,
               SelfAssessment.status)
        .join(Checkpoint, Checkpoint.id == SelfAssessment.checkpoint_id)
        .join(Cohort, Cohort.program_id == Checkpoint.program_id)
        .join(Membership, (Membership.cohort_id == Cohort.id)
              & (Membership.user_id == SelfAssessment.user_id))
        .where(Cohort.id == cohort_id)
    ).all()
    return {(user_id, cp_id): (a_id, status) for user_id, cp_id, a_id, status in rows}


# --- the worksheet -------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetLevel:
    id: int
    value: int
    label: str


@dataclass(frozen=True)
class SheetCompetency:
    id: int
    number: int
    name: str
    category: str
    guiding_questions: tuple[str, ...]
    bullets: dict[int, tuple[str, ...]]  # level id -> descriptor bullets

    @property
    def title(self) -> str:
        return f"{self.number}. {self.name}"


@dataclass(frozen=True)
class Sheet:
    """A framework version as the worksheet needs it, in plain values: they survive a rolled
    back transaction (a refused save re-renders the page without loading it again)."""

    framework_id: int
    question_prompt: str
    levels: tuple[SheetLevel, ...]
    competencies: tuple[SheetCompetency, ...]
    categories: tuple[tuple[str, tuple[SheetCompetency, ...]], ...] = field(default=())

    def level(self, level_id: int | None) -> SheetLevel | None:
        return next((lv for lv in self.levels if lv.id == level_id), None)


def sheet(framework_id: int) -> Sheet:
    """The framework as plain values. A framework version never changes once made (a new
    upload is a new version), and the plan and worksheet pages show it on every visit: each
    worker keeps it for FIGURES_CACHE_SECONDS (plc/cache.py)."""
    found, _counted_at = cache.remembered(("sheet", framework_id), lambda: _sheet(framework_id))
    return found


def _sheet(framework_id: int) -> Sheet:
    """Levels with the framework's question prompt (one query), then competencies with their
    category (one) and descriptors (one)."""
    rows = db.session.execute(
        select(Level, Framework.question_prompt)
        .join(Framework, Framework.id == Level.framework_id)
        .where(Level.framework_id == framework_id)
        .order_by(Level.value)
    ).all()
    levels = tuple(SheetLevel(lv.id, lv.value, lv.label) for lv, _prompt in rows)
    question_prompt = rows[0][1] if rows else ""
    competencies = tuple(
        SheetCompetency(
            id=c.id, number=c.number, name=c.name, category=c.category.name,
            guiding_questions=tuple(c.guiding_questions or ()),
            bullets={d.level_id: tuple(d.bullets or ()) for d in c.descriptors},
        )
        for c in db.session.execute(
            select(Competency)
            .where(Competency.framework_id == framework_id)
            .options(joinedload(Competency.category), selectinload(Competency.descriptors))
            .order_by(Competency.position)
        ).scalars()
    )
    grouped: dict[str, list[SheetCompetency]] = {}
    for competency in competencies:
        grouped.setdefault(competency.category, []).append(competency)
    categories = tuple((name, tuple(items)) for name, items in grouped.items())
    return Sheet(framework_id, question_prompt, levels, competencies, categories)


def own_assessment(user_id: int, checkpoint_id: int) -> SelfAssessment | None:
    return db.session.execute(
        select(SelfAssessment)
        .where(SelfAssessment.user_id == user_id, SelfAssessment.checkpoint_id == checkpoint_id)
        .options(selectinload(SelfAssessment.ratings), selectinload(SelfAssessment.changes))
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def assessment(assessment_id: int) -> tuple[SelfAssessment, Program] | None:
    """One worksheet with its ratings, planned changes, author and checkpoint; its programme."""
    row = db.session.execute(
        select(SelfAssessment, Program)
        .join(Checkpoint, Checkpoint.id == SelfAssessment.checkpoint_id)
        .join(Program, Program.id == Checkpoint.program_id)
        .where(SelfAssessment.id == assessment_id)
        .options(
            selectinload(SelfAssessment.ratings),
            selectinload(SelfAssessment.changes),
            joinedload(SelfAssessment.user),
            joinedload(SelfAssessment.checkpoint),
        )
    ).first()
    return (row[0], row[1]) if row else None


def previous_ratings(user_id: int, checkpoint: Checkpoint) -> tuple[str, dict[int, SheetLevel]]:
    """The person's latest submitted worksheet before this checkpoint: its checkpoint's name and
    competency number -> level. Numbers, not ids, match competencies across framework versions."""
    rows = db.session.execute(
        select(Checkpoint.id, Checkpoint.name, Competency.number, Level.id, Level.value,
               Level.label)
        .join(SelfAssessment, SelfAssessment.checkpoint_id == Checkpoint.id)
        .join(Rating, Rating.assessment_id == SelfAssessment.id)
        .join(Competency, Competency.id == Rating.competency_id)
        .join(Level, Level.id == Rating.level_id)
        .where(
            SelfAssessment.user_id == user_id,
            SelfAssessment.status == SUBMITTED,
            Checkpoint.program_id == checkpoint.program_id,
            Checkpoint.position < checkpoint.position,
        )
        .order_by(Checkpoint.position.desc())
    ).all()
    if not rows:
        return "", {}
    latest = rows[0][0]
    return rows[0][1], {
        number: SheetLevel(level_id, value, label)
        for cp_id, _name, number, level_id, value, label in rows
        if cp_id == latest
    }


# --- growth --------------------------------------------------------------------------------


@dataclass(frozen=True)
class GrowthRating:
    assessment_id: int
    checkpoint_id: int
    number: int
    name: str
    value: int
    label: str


def submitted_assessments(user_id: int, program_id: int) -> list[SelfAssessment]:
    return list(
        db.session.execute(
            select(SelfAssessment)
            .join(Checkpoint, Checkpoint.id == SelfAssessment.checkpoint_id)
            .where(SelfAssessment.user_id == user_id, Checkpoint.program_id == program_id,
                   SelfAssessment.status == SUBMITTED)
        ).scalars()
    )


def same_framework_ids(framework_id: int | None) -> set[int]:
    """Every version of the framework ``framework_id`` is a version of (its key): one
    person's growth compares versions of one framework, never two frameworks. One statement."""
    if framework_id is None:
        return set()
    key = select(Framework.key).where(Framework.id == framework_id).scalar_subquery()
    return set(db.session.execute(select(Framework.id).where(Framework.key == key)).scalars())


def growth_ratings(assessment_ids: list[int]) -> list[GrowthRating]:
    if not assessment_ids:
        return []
    rows = db.session.execute(
        select(SelfAssessment.id, SelfAssessment.checkpoint_id, Competency.number,
               Competency.name, Level.value, Level.label)
        .join(Rating, Rating.assessment_id == SelfAssessment.id)
        .join(Competency, Competency.id == Rating.competency_id)
        .join(Level, Level.id == Rating.level_id)
        .where(SelfAssessment.id.in_(assessment_ids))
    ).all()
    return [GrowthRating(*row) for row in rows]


def user_name(user_id: int) -> str | None:
    from plc.accounts.models import User

    return db.session.execute(select(User.name).where(User.id == user_id)).scalar_one_or_none()


def level_scale(framework_id: int) -> list[tuple[int, str]]:
    return list(db.session.execute(
        select(Level.value, Level.label).where(Level.framework_id == framework_id)
        .order_by(Level.value)
    ).tuples())


# --- ratings overview: aggregates for program leads ----------------------------------------


@dataclass(frozen=True)
class RatingCount:
    """How many people gave one rating: at one checkpoint, on one competency (by number), at one
    level (by value); in one cohort, or the whole programme when cohort_id is None."""

    cohort_id: int | None
    checkpoint_id: int
    number: int
    value: int
    people: int


def rating_counts(program_id: int, framework_id: int, *, closed_before: date
                  ) -> list[RatingCount]:
    """Submitted worksheets on the programme's checkpoints that closed before
    ``closed_before`` (today: an open checkpoint's counts would change with each submission,
    so they never leave the database), made on any version of the programme's framework
    (same key), grouped by checkpoint, competency number and level value: once for the whole
    programme and once per cohort (where the author is a member; someone in two cohorts counts
    in each). Two statements whatever the amount of data. No individual rating leaves this
    function; suppressing small groups is aggregates.cell's job."""
    people = func.count(distinct(SelfAssessment.user_id))
    same_key = select(Framework.key).where(Framework.id == framework_id).scalar_subquery()

    def grouped(*columns):
        return (
            select(*columns, Checkpoint.id, Competency.number, Level.value, people)
            .select_from(SelfAssessment)
            .join(Checkpoint, Checkpoint.id == SelfAssessment.checkpoint_id)
            .join(Framework, Framework.id == SelfAssessment.framework_id)
            .join(Rating, Rating.assessment_id == SelfAssessment.id)
            .join(Competency, (Competency.id == Rating.competency_id)
                  & (Competency.framework_id == SelfAssessment.framework_id))
            .join(Level, (Level.id == Rating.level_id)
                  & (Level.framework_id == SelfAssessment.framework_id))
            .where(Checkpoint.program_id == program_id, Checkpoint.closes_on < closed_before,
                   SelfAssessment.status == SUBMITTED, Framework.key == same_key)
            .group_by(*columns, Checkpoint.id, Competency.number, Level.value)
        )

    whole = db.session.execute(grouped()).all()
    by_cohort = db.session.execute(
        grouped(Membership.cohort_id)
        .join(Membership, (Membership.user_id == SelfAssessment.user_id)
              & (Membership.role == MEMBER))
        .join(Cohort, (Cohort.id == Membership.cohort_id) & (Cohort.program_id == program_id))
    ).all()
    return [RatingCount(None, *row) for row in whole] + [RatingCount(*row) for row in by_cohort]


def competency_names(framework_id: int) -> list[tuple[int, str]]:
    """(number, name) of the framework's competencies, in the rubric's order."""
    return list(db.session.execute(
        select(Competency.number, Competency.name).where(Competency.framework_id == framework_id)
        .order_by(Competency.position)
    ).tuples())


def program_cohorts(program_id: int) -> list[tuple[int, str]]:
    return list(db.session.execute(
        select(Cohort.id, Cohort.name).where(Cohort.program_id == program_id)
        .order_by(Cohort.name, Cohort.id)
    ).tuples())
