"""Writes for action plans: they flush, never commit; refusals are DomainErrors. The caller
has checked access (plc/permissions.py: can_keep_plan, can_edit_plan, can_edit_update); these
functions keep the plan's own rules only.

Every change to a plan's content (an edit, sharing, a progress update that moves a step or a
rating, a step added from a meeting) bumps the plan's version and keeps a PlanRevision.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from plc.accounts.models import User
from plc.assessments import queries as assessment_queries
from plc.assessments.models import SelfAssessment
from plc.assessments.queries import Sheet
from plc.db import utcnow
from plc.errors import DomainError
from plc.extensions import db
from plc.notifications import events
from plc.plans import queries, revisions
from plc.plans.models import (
    BARRIER_KINDS,
    DONE,
    DRAFT,
    DROPPED,
    MAX_FOCUS_AREAS,
    NOT_STARTED,
    SKILL,
    STEP_STATUSES,
    STRUCTURAL,
    VISIBILITIES,
    WILL,
    ActionPlan,
    ActionStep,
    Barrier,
    FocusArea,
    PlanRevision,
    ProgressUpdate,
)
from plc.programs.models import Program


class StalePlan(DomainError):
    """The plan was saved elsewhere after this form was loaded."""

    def __init__(self):
        super().__init__(
            _("Not saved: this plan was changed somewhere else (another tab or device) after you "
              "opened this form. What is saved now is shown on this page; your own text is still "
              "in the form. Saving again will replace the saved version.")
        )


class StaleUpdate(DomainError):
    def __init__(self):
        super().__init__(
            _("Not saved: this update was changed somewhere else after you opened it. The saved "
              "text is shown above; yours is still in the form. Saving again will replace it.")
        )


def _flush_or_stale(error: type[DomainError] = StalePlan) -> None:
    # Two saves racing past the version check: the database's version test refuses the later.
    try:
        db.session.flush()
    except (StaleDataError, IntegrityError) as exc:
        raise error() from exc


def _program(plan: ActionPlan) -> Program:
    return db.session.get(Program, plan.program_id)


def _keep_revision(actor: User, plan: ActionPlan, sheet: Sheet, *,
                   bump: bool = True) -> PlanRevision:
    """Bump the plan (its version and "last updated") and keep what it now holds."""
    if bump:
        plan.updated_at = utcnow()
        _flush_or_stale()
    revision = PlanRevision(
        plan_id=plan.id, number=queries.next_revision_number(plan.id), author_id=actor.id,
        created_at=plan.updated_at,
        snapshot=revisions.dumps(revisions.snapshot(plan.visibility, plan.focus_areas, sheet)),
    )
    db.session.add(revision)
    _flush_or_stale()
    return revision


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


# --- starting a plan ----------------------------------------------------------------------


def start_plan(actor: User, program: Program, sheet: Sheet,
               assessment: SelfAssessment | None) -> ActionPlan:
    """The actor's plan for the programme: empty, or carrying a submitted self-assessment's
    top 3 changes over (barriers and steps one per line, support, current ratings)."""
    if queries.own_plan(actor.id, program.id) is not None:
        raise DomainError(_("You already have an action plan in this programme."))
    if assessment is not None and (assessment.user_id != actor.id
                                   or not assessment.is_submitted):
        raise DomainError(_("A plan can only start from your own submitted self-assessment."))
    plan = ActionPlan(user_id=actor.id, program_id=program.id, visibility=DRAFT,
                      source_assessment_id=assessment.id if assessment else None,
                      focus_areas=_focus_areas_from(assessment, sheet) if assessment else [])
    db.session.add(plan)
    try:
        db.session.flush()
    except IntegrityError as exc:  # a second tab started one at the same moment
        raise DomainError(_("You already have an action plan in this programme.")) from exc
    _keep_revision(actor, plan, sheet, bump=False)  # just inserted: version 1
    return plan


def _focus_areas_from(assessment: SelfAssessment, sheet: Sheet) -> list[FocusArea]:
    source = (sheet if assessment.framework_id == sheet.framework_id
              else assessment_queries.sheet(assessment.framework_id))
    competency_by_number = {c.number: c.id for c in sheet.competencies}
    level_by_value = {lv.value: lv.id for lv in sheet.levels}
    number_of = {c.id: c.number for c in source.competencies}
    rated = {r.competency_id: source.level(r.level_id) for r in assessment.ratings}

    def mapped_level(competency_id: int | None) -> int | None:
        level = rated.get(competency_id)
        return level_by_value.get(level.value) if level else None

    changes = [c for c in sorted(assessment.changes, key=lambda c: c.position)
               if _has_content(c)][:MAX_FOCUS_AREAS]
    return [
        FocusArea(
            position=position,
            competency_id=competency_by_number.get(number_of.get(change.competency_id)),
            change=change.change,
            current_level_id=mapped_level(change.competency_id),
            support_formal_learning=change.support_formal_learning,
            support_practice=change.support_practice,
            support_reflection=change.support_reflection,
            barriers=[
                Barrier(position=n, kind=kind, text=text)
                for n, (kind, text) in enumerate(
                    [(SKILL, t) for t in _lines(change.skill_factors)]
                    + [(WILL, t) for t in _lines(change.will_factors)]
                    + [(STRUCTURAL, t) for t in _lines(change.structural_factors)],
                    start=1,
                )
            ],
            steps=[ActionStep(position=n, text=text, status=NOT_STARTED)
                   for n, text in enumerate(_lines(change.action_steps), start=1)],
        )
        for position, change in enumerate(changes, start=1)
    ]


def _has_content(change) -> bool:
    return bool(change.competency_id or any(
        (getattr(change, name) or "").strip()
        for name in ("change", "skill_factors", "will_factors", "structural_factors",
                     "action_steps", "support_formal_learning", "support_practice",
                     "support_reflection")
    ))


# --- catching up with a newer self-assessment --------------------------------------------


@dataclass(frozen=True)
class RatingMove:
    focus_area: FocusArea
    old_level_id: int | None
    new_level_id: int


@dataclass(frozen=True)
class CatchUp:
    """What the author's latest self-assessment, newer than the plan, would change in it: the
    current ratings of its focus areas, and the worksheet's top changes the plan lacks (as
    focus areas not saved yet, in the worksheet's order)."""

    assessment: SelfAssessment
    ratings: tuple[RatingMove, ...]
    offers: tuple[FocusArea, ...]
    free_slots: int

    @property
    def changes_anything(self) -> bool:
        return bool(self.ratings or self.offers)


def catch_up(plan: ActionPlan, focus_areas: list[FocusArea], latest: SelfAssessment | None,
             sheet: Sheet, latest_levels: dict[int, int]) -> CatchUp | None:
    """None when the plan already follows the latest self-assessment (it was started from
    it, or brought up to date with it). Reads only: nothing is written."""
    if latest is None or plan.source_assessment_id == latest.id:
        return None
    ratings = tuple(RatingMove(fa, fa.current_level_id, latest_levels[fa.competency_id])
                    for fa in focus_areas
                    if fa.competency_id in latest_levels
                    and latest_levels[fa.competency_id] != fa.current_level_id)
    held_competencies = {fa.competency_id for fa in focus_areas if fa.competency_id}
    held_changes = {_same_text(fa.change) for fa in focus_areas if fa.change}
    offers = tuple(fa for fa in _focus_areas_from(latest, sheet)
                   if fa.competency_id not in held_competencies
                   and _same_text(fa.change) not in held_changes)
    return CatchUp(latest, ratings, offers, MAX_FOCUS_AREAS - len(focus_areas))


def _same_text(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def bring_up_to_date(actor: User, plan: ActionPlan, sheet: Sheet, catch: CatchUp, *,
                     loaded_version: int, move_ratings: bool, take: list[int]) -> ActionPlan:
    """Apply what the author chose of ``catch`` (the current ratings, some of the offered
    changes as new focus areas); either way the plan now follows that self-assessment."""
    plan = queries.plan_for_update(plan.id)
    if plan.version != loaded_version:
        raise StalePlan()
    if any(not 0 <= index < len(catch.offers) for index in take):
        raise DomainError(_("Choose among the changes offered."))
    if len(take) > catch.free_slots:
        raise DomainError(
            _("A plan has at most %(max)s focus areas: choose at most %(free_slots)s of the "
              "changes, or remove a focus area from the plan first.", max=MAX_FOCUS_AREAS,
              free_slots=catch.free_slots),
            field="take")
    if move_ratings:
        for move in catch.ratings:
            move.focus_area.current_level_id = move.new_level_id
    used = {fa.position for fa in plan.focus_areas}
    free = [p for p in range(1, MAX_FOCUS_AREAS + 1) if p not in used]
    for index, position in zip(sorted(take), free, strict=False):
        offer = catch.offers[index]
        offer.position = position
        plan.focus_areas.append(offer)
    plan.source_assessment_id = catch.assessment.id
    _keep_revision(actor, plan, sheet)
    return plan


# --- editing the plan ---------------------------------------------------------------------


@dataclass(frozen=True)
class BarrierValues:
    id: int | None
    kind: str
    text: str


@dataclass(frozen=True)
class StepValues:
    id: int | None
    text: str
    due_on: date | None = None
    status: str = NOT_STARTED


@dataclass(frozen=True)
class FocusValues:
    competency_id: int | None = None
    change: str = ""
    current_level_id: int | None = None
    target_level_id: int | None = None
    barriers: list[BarrierValues] = field(default_factory=list)
    steps: list[StepValues] = field(default_factory=list)
    support_formal_learning: str = ""
    support_practice: str = ""
    support_reflection: str = ""
    support_other: str = ""
    evidence: str = ""


SCALARS = ("competency_id", "change", "current_level_id", "target_level_id",
           "support_formal_learning", "support_practice", "support_reflection", "support_other",
           "evidence")


@dataclass(frozen=True)
class PlanValues:
    # One entry per focus-area slot (1..3); None empties the slot.
    focus_areas: list[FocusValues | None]
    loaded_version: int


def field_name(slot: int, name: str) -> str:
    """The form field a refusal belongs next to (``slot`` counts from 0)."""
    return f"focus_areas-{slot}-{name}"


def save_plan(actor: User, plan: ActionPlan, sheet: Sheet, values: PlanValues,
              latest_levels: dict[int, int]) -> ActionPlan:
    """Write the focus areas as the form has them. A focus area without a current rating
    takes the one from the author's latest submitted self-assessment (``latest_levels``)."""
    if len(values.focus_areas) > MAX_FOCUS_AREAS:
        raise DomainError(_("A plan has at most %(MAX_FOCUS_AREAS)s focus areas.",
                            MAX_FOCUS_AREAS=MAX_FOCUS_AREAS))
    plan = queries.plan_for_update(plan.id)
    if plan.version != values.loaded_version:
        raise StalePlan()
    existing = {fa.position: fa for fa in plan.focus_areas}
    filled = {
        slot: _with_current_level(fv, latest_levels)
        for slot, fv in enumerate(values.focus_areas) if fv is not None
    }
    for slot, fv in filled.items():
        _check_focus(sheet, slot, fv, existing.get(slot + 1))
    for slot in range(len(values.focus_areas)):
        old = existing.get(slot + 1)
        if slot not in filled:
            if old is not None:
                plan.focus_areas.remove(old)
            continue
        if old is None:
            old = FocusArea(position=slot + 1, barriers=[], steps=[])
            plan.focus_areas.append(old)
        _write_focus(old, filled[slot])
    _keep_revision(actor, plan, sheet)
    return plan


def _with_current_level(fv: FocusValues, latest_levels: dict[int, int]) -> FocusValues:
    if fv.current_level_id is None and fv.competency_id in latest_levels:
        return FocusValues(**{**vars(fv), "current_level_id": latest_levels[fv.competency_id]})
    return fv


def _check_focus(sheet: Sheet, slot: int, fv: FocusValues, saved: FocusArea | None) -> None:
    if fv.competency_id is not None and fv.competency_id not in {
        c.id for c in sheet.competencies
    }:
        raise DomainError(_("Choose a competency of this programme's rubric."),
                          field_name(slot, "competency_id"))
    for name in ("current_level_id", "target_level_id"):
        if getattr(fv, name) is not None and sheet.level(getattr(fv, name)) is None:
            raise DomainError(_("Choose one of the rubric's levels."), field_name(slot, name))
    if any(b.kind not in BARRIER_KINDS for b in fv.barriers):
        raise DomainError(_("A barrier is skill, will or structural."))
    if any(s.status not in STEP_STATUSES for s in fv.steps):
        raise DomainError(_("Unknown step status."))
    current, target = sheet.level(fv.current_level_id), sheet.level(fv.target_level_id)
    # Checked when either rating is set or changed here: a progress update may have raised
    # the current rating to the target (the goal reached), which must not block other edits.
    unchanged = saved is not None and (saved.current_level_id, saved.target_level_id) == (
        fv.current_level_id, fv.target_level_id)
    if current and target and target.value <= current.value and not unchanged:
        raise DomainError(
            _("The target must be above the current rating (%(value)s %(label)s).",
              value=current.value, label=current.label),
            field_name(slot, "target_level_id"),
        )


def _write_focus(fa: FocusArea, fv: FocusValues) -> None:
    for name in SCALARS:
        setattr(fa, name, getattr(fv, name))
    barriers = {b.id: b for b in fa.barriers}
    fa.barriers = [
        _placed(barriers.get(bv.id) or Barrier(), position, kind=bv.kind, text=bv.text)
        for position, bv in enumerate(fv.barriers, start=1)
    ]
    steps = {s.id: s for s in fa.steps}
    fa.steps = [
        _placed(steps.get(sv.id) or ActionStep(), position, text=sv.text, due_on=sv.due_on,
                status=sv.status)
        for position, sv in enumerate(fv.steps, start=1)
    ]


def _placed(row, position: int, **values):
    row.position = position
    for name, value in values.items():
        setattr(row, name, value)
    return row


# --- sharing ------------------------------------------------------------------------------


def set_visibility(actor: User, plan: ActionPlan, visibility: str, sheet: Sheet,
                   loaded_version: int | None = None) -> bool:
    """Who can see the plan. True when it changed. The first time it leaves draft is kept;
    whenever it reaches a new audience, that audience is told."""
    if visibility not in VISIBILITIES:
        raise DomainError(_("Choose who can see the plan."), "visibility")
    plan = queries.plan_for_update(plan.id)
    if loaded_version is not None and plan.version != loaded_version:
        raise StalePlan()
    if plan.visibility == visibility:
        return False
    plan.visibility = visibility
    if visibility != DRAFT and plan.shared_at is None:
        plan.shared_at = utcnow()
    _keep_revision(actor, plan, sheet)
    if visibility != DRAFT:
        events.plan_shared(plan, actor)
    return True


# --- progress updates ---------------------------------------------------------------------


@dataclass(frozen=True)
class UpdateValues:
    did: str = ""
    learned: str = ""
    next: str = ""
    meeting_id: int | None = None
    step_statuses: dict[int, str] = field(default_factory=dict)  # step id -> status
    ratings: dict[int, int | None] = field(default_factory=dict)  # focus area id -> level id
    loaded_version: int = 0  # the plan's version when the form was loaded


def post_update(actor: User, plan: ActionPlan, sheet: Sheet, values: UpdateValues,
                meeting_ids: set[int]) -> ProgressUpdate:
    """A dated entry on the plan. Step statuses and current ratings it changes are applied to
    the plan (a revision) and recorded on the update, so the timeline can say what moved."""
    _check_update_text(values.did, values.learned, values.next, values.meeting_id, meeting_ids)
    plan = queries.plan_for_update(plan.id)
    planned = _update_changes(plan, sheet, values)
    if planned and plan.version != values.loaded_version:
        raise StalePlan()
    for row, name, value, _change in planned:
        setattr(row, name, value)
    changes = [change for _row, _name, _value, change in planned]
    update = ProgressUpdate(plan_id=plan.id, author_id=actor.id, did=values.did,
                            learned=values.learned, next=values.next,
                            meeting_id=values.meeting_id, changes=json.dumps(changes))
    db.session.add(update)
    if changes:
        _keep_revision(actor, plan, sheet)
    else:
        _flush_or_stale()
    events.plan_updated(plan, update, actor)
    return update


def _check_update_text(did: str, learned: str, next_: str, meeting_id: int | None,
                       meeting_ids: set[int]) -> None:
    if not (did.strip() or learned.strip() or next_.strip()):
        raise DomainError(_("Write at least one of: what I did, what I learned, what is next."),
                          "did")
    if meeting_id is not None and meeting_id not in meeting_ids:
        raise DomainError(_("Choose one of your cohort's meetings."), "meeting_id")


def _update_changes(plan: ActionPlan, sheet: Sheet, values: UpdateValues) -> list[tuple]:
    """(row, attribute, new value, the change in words) for every step status and current
    rating the update moves; nothing is applied yet."""
    planned = []
    for fa in sorted(plan.focus_areas, key=lambda fa: fa.position):
        for step in fa.steps:
            status = values.step_statuses.get(step.id, step.status)
            if status not in STEP_STATUSES:
                raise DomainError(_("Unknown step status."))
            if status != step.status:
                planned.append((step, "status", status, revisions.step_change(
                    fa.position, step.text, step.status, status)))
        level_id = values.ratings.get(fa.id, fa.current_level_id)
        if level_id != fa.current_level_id:
            if level_id is not None and sheet.level(level_id) is None:
                raise DomainError(_("Choose one of the rubric's levels."))
            planned.append((fa, "current_level_id", level_id, revisions.rating_change(
                fa.position, revisions.competency_title(sheet, fa.competency_id),
                revisions.level_label(sheet, fa.current_level_id),
                revisions.level_label(sheet, level_id))))
    return planned


@dataclass(frozen=True)
class UpdateTextValues:
    did: str = ""
    learned: str = ""
    next: str = ""
    meeting_id: int | None = None
    loaded_version: int = 0  # the update's version


def edit_update(actor: User, update: ProgressUpdate, values: UpdateTextValues,
                meeting_ids: set[int]) -> ProgressUpdate:
    """The author rewords an update; what it changed on the plan stays as recorded."""
    _check_update_text(values.did, values.learned, values.next, values.meeting_id, meeting_ids)
    if update.version != values.loaded_version:
        raise StaleUpdate()
    update.did, update.learned, update.next = values.did, values.learned, values.next
    update.meeting_id = values.meeting_id
    update.updated_at = utcnow()
    _flush_or_stale(StaleUpdate)
    return update


# --- one step done -------------------------------------------------------------------------


def mark_step_done(actor: User, plan: ActionPlan, step_id: int, sheet: Sheet) -> tuple[
        ActionStep, bool]:
    """Mark one of the plan's steps done (the home page's "Mark done"), keeping a revision
    like every other change. Returns the step and whether it changed (a second click on the
    same button changes nothing). A dropped step is changed on the plan's edit page."""
    plan = queries.plan_for_update(plan.id)
    step = next((s for fa in plan.focus_areas for s in fa.steps if s.id == step_id), None)
    if step is None:
        raise DomainError(_("That step is not on this plan."))
    if step.status == DONE:
        return step, False
    if step.status == DROPPED:
        raise DomainError(_("“%(text)s” was dropped from the plan: change it on the plan's edit "
                            "page if you did it after all.", text=step.text))
    step.status = DONE
    _keep_revision(actor, plan, sheet)
    return step, True


# --- from other areas ---------------------------------------------------------------------


def add_action_step(actor: User, plan: ActionPlan, focus_area_id: int, text: str,
                    due_on: date | None) -> ActionStep:
    """Append a step to one of the plan's focus areas (a meeting's follow-up becoming part of
    the plan), keeping a revision like every other save."""
    if not text.strip():
        raise DomainError(_("An action step needs some text."), "text")
    plan = queries.plan_for_update(plan.id)
    focus_area = next((fa for fa in plan.focus_areas if fa.id == focus_area_id), None)
    if focus_area is None:
        raise DomainError(_("Choose one of the plan's focus areas."), "focus_area_id")
    step = ActionStep(position=max((s.position for s in focus_area.steps), default=0) + 1,
                      text=text.strip(), due_on=due_on, status=NOT_STARTED)
    focus_area.steps.append(step)
    _keep_revision(actor, plan, queries.rubric(_program(plan), plan.user_id))
    return step
