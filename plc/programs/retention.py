"""Retention: a closed programme year's personal content is deleted PLC_RETENTION_YEARS after
it closed (``flask plc purge-expired``, dry run unless ``--apply``; safe to run daily).

What goes, per programme year: worksheets with their ratings and planned changes, action plans
with their focus areas, barriers, steps and revisions, progress updates, comments, meeting notes
(the text is emptied) and follow-ups, attendance rows, meeting reminders, nudges, and the
notifications about its plans and meetings. What stays, so that the year can still be counted
(how many cohorts, people, meetings, checkpoints): the programme, its leads, cohorts,
memberships, checkpoints, meetings (date, place, agenda), meeting series, invitations, and the
audit log (which never is purged).

Writes flush, never commit: the command runs each programme year in a transaction of its own.
The command line is the caller; no web request reaches this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, or_, select, update

from plc.audit import services as audit
from plc.dashboards import attendance_rollups, rollups
from plc.db import utcnow
from plc.extensions import db
from plc.programs import closing
from plc.programs.models import Cohort, Program

MEETING_NOTES = "meeting notes"


@dataclass(frozen=True)
class Expired:
    """A closed year past its retention period, and how many rows of each kind it still holds
    (kinds in deletion order; only kinds with rows)."""

    program: Program
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def cutoff(now: datetime, years: int) -> datetime:
    """``now`` less ``years`` calendar years (29 February becomes the 28th)."""
    try:
        return now.replace(year=now.year - years)
    except ValueError:
        return now.replace(year=now.year - years, day=28)


def _kinds(program_id: int) -> list[tuple[str, object, object]]:
    """(kind, model, where) for every kind of personal content, children before parents."""
    from plc.assessments.models import Checkpoint, PlannedChange, Rating, SelfAssessment
    from plc.dashboards.models import Nudge
    from plc.feedback.models import Comment
    from plc.meetings.models import Attendance, FollowUp, Meeting, MeetingReminder
    from plc.notifications.models import Notification
    from plc.plans.models import (
        ActionPlan,
        ActionStep,
        Barrier,
        FocusArea,
        PlanRevision,
        ProgressUpdate,
    )

    cohorts = select(Cohort.id).where(Cohort.program_id == program_id)
    meetings = select(Meeting.id).where(Meeting.cohort_id.in_(cohorts))
    plans = select(ActionPlan.id).where(ActionPlan.program_id == program_id)
    focus_areas = select(FocusArea.id).where(FocusArea.plan_id.in_(plans))
    worksheets = select(SelfAssessment.id).where(SelfAssessment.checkpoint_id.in_(
        select(Checkpoint.id).where(Checkpoint.program_id == program_id)))
    return [
        ("notifications", Notification,
         or_(Notification.plan_id.in_(plans), Notification.meeting_id.in_(meetings))),
        ("comments", Comment, Comment.plan_id.in_(plans)),
        ("follow-ups", FollowUp, FollowUp.meeting_id.in_(meetings)),
        ("progress updates", ProgressUpdate, ProgressUpdate.plan_id.in_(plans)),
        ("plan revisions", PlanRevision, PlanRevision.plan_id.in_(plans)),
        ("barriers", Barrier, Barrier.focus_area_id.in_(focus_areas)),
        ("action steps", ActionStep, ActionStep.focus_area_id.in_(focus_areas)),
        ("focus areas", FocusArea, FocusArea.plan_id.in_(plans)),
        ("action plans", ActionPlan, ActionPlan.program_id == program_id),
        ("ratings", Rating, Rating.assessment_id.in_(worksheets)),
        ("planned changes", PlannedChange, PlannedChange.assessment_id.in_(worksheets)),
        ("worksheets", SelfAssessment, SelfAssessment.id.in_(worksheets)),
        ("attendance rows", Attendance, Attendance.meeting_id.in_(meetings)),
        ("meeting reminders", MeetingReminder, MeetingReminder.meeting_id.in_(meetings)),
        ("nudges", Nudge, Nudge.cohort_id.in_(cohorts)),
        # Not deleted: the meeting stays, its notes are emptied.
        (MEETING_NOTES, Meeting, Meeting.id.in_(meetings) & (Meeting.notes != "")),
    ]


def counts(program_id: int) -> dict[str, int]:
    """How many rows of each kind the programme year holds (kinds with none left out)."""
    found = {}
    for kind, model, where in _kinds(program_id):
        n = db.session.execute(select(func.count(model.id)).where(where)).scalar_one()
        if n:
            found[kind] = n
    return found


def expired(now: datetime | None = None, years: int = 3) -> list[Expired]:
    """Closed years whose retention period is over and that still hold personal content,
    oldest closing first."""
    limit = cutoff(now or utcnow(), years)
    programs = db.session.execute(
        select(Program).where(Program.closed_at.is_not(None), Program.closed_at <= limit)
        .order_by(Program.closed_at, Program.id)
    ).scalars()
    found = [Expired(program, counts(program.id)) for program in programs]
    return [item for item in found if item.total]


def purge(item: Expired, *, years: int) -> dict[str, int]:
    """Delete the year's personal content (what ``counts`` lists), stamp the programme and
    record it in the audit log. Returns the rows removed per kind. Flushes, never commits."""
    program = item.program
    # Counted in this transaction, just before: a statement's row count would miss the rows
    # the database's own cascades removed (replies go with the comment they answer).
    removed = counts(program.id)
    with closing.purging(db.session()):
        for kind, model, where in _kinds(program.id):
            if kind == MEETING_NOTES:
                statement = update(model).where(where).values(notes="")
            else:
                statement = delete(model).where(where)
            db.session.execute(statement, execution_options={"synchronize_session": False})
    # No update, comment, worksheet or attendance row is left: the roll-ups keep no count of
    # the year but its meetings (the meetings stay, so held meetings are still counted).
    rollups.rebuild(db.session.connection(), program_id=program.id)
    attendance_rollups.rebuild(db.session.connection(), program_id=program.id)
    left = counts(program.id)
    if left:  # a kind that escaped its statement: roll back rather than half-purge
        raise RuntimeError(f"{program.name}: the purge left {left}")
    program.content_purged_at = utcnow()
    db.session.flush()
    audit.record("content.purged", target_type="program", target_id=program.id,
                 target_label=program.name,
                 details={"removed": removed, "retention_years": years,
                          "closed_at": program.closed_at.isoformat()})
    return removed
