"""Checkpoint and worksheet writes: f(actor, obj, values); they flush, never commit, and
refuse with DomainError. The caller has checked access (plc/permissions.py) first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from plc.accounts.models import User
from plc.assessments import queries
from plc.assessments.models import (
    DRAFT,
    SUBMITTED,
    Checkpoint,
    PlannedChange,
    Rating,
    SelfAssessment,
)
from plc.assessments.queries import Sheet
from plc.db import utcnow
from plc.errors import DomainError
from plc.extensions import db
from plc.programs.models import Program

# --- checkpoints --------------------------------------------------------------------------

# Each default checkpoint stays open for six weeks: long enough for a member who misses one
# monthly meeting, short enough that the ratings describe one moment of the year.
WINDOW = timedelta(weeks=6)
CHANGE_COUNT = 3  # the worksheet's "top 3 changes I want to make"


def default_checkpoint_dates(starts_on: date, ends_on: date) -> list[tuple[str, date, date]]:
    """Baseline: the programme's first six weeks. Mid-year: six weeks centred on the middle
    of the programme. End of year: its last six weeks. Clamped to the programme's dates, so
    on a programme shorter than 18 weeks the windows overlap rather than spill outside it."""
    middle = starts_on + (ends_on - starts_on) / 2
    windows = [
        ("Baseline", starts_on, starts_on + WINDOW - timedelta(days=1)),
        ("Mid-year", middle - WINDOW / 2, middle + WINDOW / 2 - timedelta(days=1)),
        ("End of year", ends_on - WINDOW + timedelta(days=1), ends_on),
    ]
    return [
        (name, max(opens, starts_on), min(closes, ends_on)) for name, opens, closes in windows
    ]


def create_default_checkpoints(program: Program) -> list[Checkpoint]:
    created = [
        Checkpoint(program_id=program.id, position=position, name=name, opens_on=opens,
                   closes_on=closes)
        for position, (name, opens, closes) in enumerate(
            default_checkpoint_dates(program.starts_on, program.ends_on), start=1
        )
    ]
    db.session.add_all(created)
    db.session.flush()
    return created


@dataclass(frozen=True)
class CheckpointValues:
    checkpoint_id: int
    name: str
    opens_on: date
    closes_on: date


def update_checkpoints(actor: User, program: Program, checkpoints: list[Checkpoint],
                       values: list[CheckpointValues], *, today: date) -> None:
    """Rename and re-date the programme's checkpoints, all at once (names swap safely).

    A checkpoint that has closed with submitted worksheets stays closed: the ratings overview
    shows its figures, and were it to open again, the figures after its second closing minus
    those after its first would be the late worksheets' ratings (plc/assessments/aggregates.py).
    ``today`` is the programme's date."""
    by_id = {cp.id: cp for cp in checkpoints}
    if {v.checkpoint_id for v in values} != set(by_id):
        raise DomainError(_("The checkpoints changed while you were editing; reload the page."))
    names = [v.name.strip().lower() for v in values]
    if len(set(names)) != len(names):
        raise DomainError(_("Two checkpoints cannot have the same name."))
    for v in values:
        if v.closes_on < v.opens_on:
            raise DomainError(_("%(v_name)s: the closing date must not be before the opening date.",
                                v_name=v.name))
        cp = by_id[v.checkpoint_id]
        if (cp.has_closed(today) and v.closes_on >= today
                and queries.checkpoint_has_submissions(cp.id)):
            raise DomainError(
                _("%(cp_name)s has closed and the ratings overview shows its figures, so it "
                  "cannot open again: a late worksheet's ratings could then be told from the "
                  "change. Add a further checkpoint instead.", cp_name=cp.name))
    # Temporary names first: the unique (program, name) constraint is checked row by row.
    for cp in checkpoints:
        cp.name = f"~{cp.id}"
    db.session.flush()
    for v in values:
        cp = by_id[v.checkpoint_id]
        cp.name, cp.opens_on, cp.closes_on = v.name.strip(), v.opens_on, v.closes_on
    db.session.flush()


def add_checkpoint(actor: User, program: Program, *, name: str, opens_on: date,
                   closes_on: date) -> Checkpoint:
    """A further checkpoint (say a second mid-year one), placed after the existing ones."""
    existing = queries.checkpoints(program.id)
    if name.strip().lower() in {cp.name.lower() for cp in existing}:
        raise DomainError(_("Another checkpoint already has this name."), field="name")
    checkpoint = Checkpoint(
        program_id=program.id, name=name.strip(), opens_on=opens_on, closes_on=closes_on,
        position=max((cp.position for cp in existing), default=0) + 1,
    )
    db.session.add(checkpoint)
    db.session.flush()
    return checkpoint


def remove_checkpoint(actor: User, checkpoint: Checkpoint) -> None:
    """Only while nobody has a worksheet on it: worksheets are never deleted behind their
    authors' backs."""
    if queries.checkpoint_has_worksheets(checkpoint.id):
        raise DomainError(_("%(checkpoint_name)s has worksheets: it cannot be removed. Close it "
                            "instead (set its closing date).", checkpoint_name=checkpoint.name))
    db.session.delete(checkpoint)
    db.session.flush()


# --- the worksheet ------------------------------------------------------------------------


class StaleWorksheet(DomainError):
    """The worksheet was saved elsewhere after this form was loaded."""

    def __init__(self):
        super().__init__(
            _("Not saved: this worksheet was saved somewhere else (another tab or device) after "
              "you opened it. Your text is still in the form below. Compare it with the saved "
              "worksheet if you need to; saving again will replace the saved version.")
        )


class IncompleteWorksheet(DomainError):
    def __init__(self, missing: list[int]):
        super().__init__(_("To submit, choose a rating for every competency. Your draft is not "
                           "lost: the form below still holds everything you wrote."))
        self.missing = missing


@dataclass(frozen=True)
class RatingValues:
    level_id: int | None
    strengths: str = ""
    changes: str = ""


@dataclass(frozen=True)
class ChangeValues:
    change: str = ""
    competency_id: int | None = None
    skill_factors: str = ""
    will_factors: str = ""
    structural_factors: str = ""
    action_steps: str = ""
    support_formal_learning: str = ""
    support_practice: str = ""
    support_reflection: str = ""


@dataclass(frozen=True)
class WorksheetValues:
    ratings: dict[int, RatingValues]  # competency id -> values
    changes: list[ChangeValues]  # the top 3, in order
    loaded_version: int  # 0: the form was loaded before any save


def save_worksheet(actor: User, checkpoint: Checkpoint, assessment: SelfAssessment | None,
                   sheet: Sheet, values: WorksheetValues, *, today: date,
                   submit: bool) -> SelfAssessment:
    """Save the actor's worksheet as a draft, or submit it (every competency rated)."""
    _check_can_write(checkpoint, assessment, today)
    _check_values(sheet, values)
    if (assessment.version if assessment else 0) != values.loaded_version:
        raise StaleWorksheet()
    if submit:
        missing = [c.id for c in sheet.competencies
                   if values.ratings.get(c.id, RatingValues(None)).level_id is None]
        if missing:
            raise IncompleteWorksheet(missing)
    if assessment is None:
        assessment = SelfAssessment(user_id=actor.id, checkpoint_id=checkpoint.id,
                                    framework_id=sheet.framework_id, status=DRAFT,
                                    ratings=[], changes=[])
        db.session.add(assessment)
    _write_ratings(assessment, sheet, values.ratings)
    _write_changes(assessment, values.changes)
    assessment.updated_at = utcnow()  # also bumps the version, even if only ratings changed
    if submit:
        assessment.status = SUBMITTED
        assessment.submitted_at = assessment.updated_at
    _flush_or_stale()
    return assessment


def _check_can_write(checkpoint: Checkpoint, assessment: SelfAssessment | None,
                     today: date) -> None:
    if not checkpoint.is_open(today):
        raise DomainError(_("%(checkpoint_name)s is not open today, so its worksheet cannot be "
                            "changed.", checkpoint_name=checkpoint.name))
    if assessment is not None and assessment.is_submitted:
        raise DomainError(_("This worksheet is submitted. Reopen it to change it."))


def _check_values(sheet: Sheet, values: WorksheetValues) -> None:
    level_ids = {lv.id for lv in sheet.levels}
    competency_ids = {c.id for c in sheet.competencies}
    for competency_id, rating in values.ratings.items():
        if competency_id not in competency_ids or (
            rating.level_id is not None and rating.level_id not in level_ids
        ):
            raise DomainError(_("A rating does not belong to this worksheet's rubric."))
    if len(values.changes) > CHANGE_COUNT or any(
        ch.competency_id is not None and ch.competency_id not in competency_ids
        for ch in values.changes
    ):
        raise DomainError(_("A planned change does not belong to this worksheet's rubric."))


def _write_ratings(assessment: SelfAssessment, sheet: Sheet,
                   ratings: dict[int, RatingValues]) -> None:
    existing = {r.competency_id: r for r in assessment.ratings}
    for competency in sheet.competencies:
        values = ratings.get(competency.id, RatingValues(None))
        row = existing.get(competency.id)
        if row is None:
            row = Rating(competency_id=competency.id)
            assessment.ratings.append(row)
        row.level_id = values.level_id
        row.strengths = values.strengths.strip()
        row.changes = values.changes.strip()


def _write_changes(assessment: SelfAssessment, changes: list[ChangeValues]) -> None:
    existing = {c.position: c for c in assessment.changes}
    for position, values in enumerate(changes, start=1):
        row = existing.get(position)
        if row is None:
            row = PlannedChange(position=position)
            assessment.changes.append(row)
        for name, value in vars(values).items():
            setattr(row, name, value.strip() if isinstance(value, str) else value)


def _flush_or_stale() -> None:
    # Two saves racing past the version check: the database's version test (or the unique
    # user+checkpoint row for two first saves) refuses the later one.
    try:
        db.session.flush()
    except (StaleDataError, IntegrityError) as exc:
        raise StaleWorksheet() from exc


def reopen(actor: User, assessment: SelfAssessment, checkpoint: Checkpoint, *,
           today: date) -> None:
    """A submitted worksheet goes back to draft while its checkpoint is open."""
    if not assessment.is_submitted:
        raise DomainError(_("This worksheet is already a draft."))
    if not checkpoint.is_open(today):
        raise DomainError(_("%(checkpoint_name)s has closed; its worksheet can no longer be "
                            "reopened.", checkpoint_name=checkpoint.name))
    assessment.status = DRAFT
    assessment.submitted_at = None
    assessment.updated_at = utcnow()
    _flush_or_stale()


def set_sharing(actor: User, assessment: SelfAssessment, shared: bool) -> None:
    assessment.shared_with_cohort = shared
    assessment.updated_at = utcnow()
    _flush_or_stale()
