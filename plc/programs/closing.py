"""A closed programme year is read-only: the one check, where every write passes.

Closing a year (``programs.services.close_program``) stamps ``Program.closed_at``. From then
on no worksheet, rating, plan (focus areas, barriers, steps, revisions), progress update,
comment, meeting (series, agenda, presenters, attendance, notes, follow-ups), checkpoint,
cohort, membership, cohort invitation or nudge of that year can be added, changed or
deleted: the session refuses it at flush time (``before_flush``) and refuses
``update()``/``delete()`` statements run through the session on those tables
(``do_orm_execute``), raising ``plc.errors.YearClosed`` (a ``DomainError``), which the view
shows like any refusal. No service or view carries its own "is the year closed?" test.

Cost: a transaction that writes such content reads which years are closed once (one
statement, kept in ``session.info`` until the transaction ends); only when some year is
closed does each such flush ask one more (are these rows in it?). The retention purge
(``plc/programs/retention.py``) deletes a closed year's content inside ``purging()``, and so
does an erasure on request (``plc/privacy/services.py:erase_person``, one person's content):
the only ways past the check.

Notifications, reminders and the audit log are not a year's content to guard: jobs may still
write them.
"""

from __future__ import annotations

from collections import defaultdict
from contextlib import contextmanager
from functools import cache
from itertools import chain

from flask_babel import gettext as _
from sqlalchemy import event, or_, select
from sqlalchemy.orm import Session

from plc.errors import YearClosed
from plc.programs.models import Cohort, Invitation, Membership, Program

_CLOSED = "plc_closed_programs"  # session.info: {program id: name} of this transaction
_PURGING = "plc_retention_purging"


def closed_message(name: str) -> str:
    return (_("The programme year %(name)s is closed: its worksheets, plans, updates, comments, "
              "meetings, attendance and roster are read-only.", name=name))


@cache
def parents() -> dict:
    """Each guarded model: (its column naming its parent, the parent model), up to Program."""
    from plc.assessments.models import Checkpoint, PlannedChange, Rating, SelfAssessment
    from plc.dashboards.models import Nudge
    from plc.feedback.models import Comment
    from plc.meetings.models import (
        AgendaItem,
        AgendaPresenter,
        Attendance,
        FollowUp,
        Meeting,
        MeetingSeries,
    )
    from plc.plans.models import (
        ActionPlan,
        ActionStep,
        Barrier,
        FocusArea,
        PlanRevision,
        ProgressUpdate,
    )
    from plc.voice.models import (
        FeedbackRound,
        RoundAudience,
        RoundInvitee,
        VoiceAnswer,
        VoiceComment,
        VoiceResponse,
    )

    return {
        Cohort: (Cohort.program_id, Program),
        Membership: (Membership.cohort_id, Cohort),
        Invitation: (Invitation.cohort_id, Cohort),
        Checkpoint: (Checkpoint.program_id, Program),
        SelfAssessment: (SelfAssessment.checkpoint_id, Checkpoint),
        Rating: (Rating.assessment_id, SelfAssessment),
        PlannedChange: (PlannedChange.assessment_id, SelfAssessment),
        ActionPlan: (ActionPlan.program_id, Program),
        FocusArea: (FocusArea.plan_id, ActionPlan),
        Barrier: (Barrier.focus_area_id, FocusArea),
        ActionStep: (ActionStep.focus_area_id, FocusArea),
        PlanRevision: (PlanRevision.plan_id, ActionPlan),
        ProgressUpdate: (ProgressUpdate.plan_id, ActionPlan),
        Comment: (Comment.plan_id, ActionPlan),
        MeetingSeries: (MeetingSeries.cohort_id, Cohort),
        Meeting: (Meeting.cohort_id, Cohort),
        AgendaItem: (AgendaItem.meeting_id, Meeting),
        AgendaPresenter: (AgendaPresenter.agenda_item_id, AgendaItem),
        Attendance: (Attendance.meeting_id, Meeting),
        FollowUp: (FollowUp.meeting_id, Meeting),
        Nudge: (Nudge.cohort_id, Cohort),
        FeedbackRound: (FeedbackRound.plan_id, ActionPlan),
        RoundAudience: (RoundAudience.round_id, FeedbackRound),
        RoundInvitee: (RoundInvitee.audience_id, RoundAudience),
        VoiceResponse: (VoiceResponse.audience_id, RoundAudience),
        VoiceAnswer: (VoiceAnswer.response_id, VoiceResponse),
        VoiceComment: (VoiceComment.response_id, VoiceResponse),
    }


def program_ids_of(model, ids):
    """The programme ids of ``model``'s rows with these ids (a list or a select of ids), as
    something ``Program.id.in_`` takes."""
    while model is not Program:
        column, parent = parents()[model]
        ids = select(column).where(model.id.in_(ids))
        model = parent
    return ids


@contextmanager
def purging(session: Session):
    """The way past the check of the retention purge, of an erasure on request and of a
    feedback round's closing (its invitees' addresses go even in a closed year); no one
    else's."""
    session.info[_PURGING] = True
    try:
        yield
    finally:
        session.info.pop(_PURGING, None)


def forget_closed(session: Session) -> None:
    """Call after closing a year within a transaction."""
    session.info.pop(_CLOSED, None)


def _closed_programs(session: Session) -> dict[int, str]:
    if _CLOSED not in session.info:
        with session.no_autoflush:
            rows = session.execute(select(Program.id, Program.name)
                                   .where(Program.closed_at.is_not(None))).all()
        session.info[_CLOSED] = dict(rows)
    return session.info[_CLOSED]


def _refuse_if_closed(session: Session, id_selects: list) -> None:
    closed = _closed_programs(session)
    if not closed or not id_selects:
        return
    with session.no_autoflush:
        hit = session.execute(
            select(Program.id).where(Program.id.in_(list(closed)),
                                     or_(*(Program.id.in_(ids) for ids in id_selects)))
            .limit(1)
        ).scalar()
    if hit is not None:
        raise YearClosed(closed_message(closed[hit]))


@event.listens_for(Session, "before_flush")
def refuse_writes_to_closed_years(session: Session, _flush_context, _instances) -> None:
    if session.info.get(_PURGING):
        return
    guarded = parents()
    by_parent: dict[type, set[int]] = defaultdict(set)
    for obj in chain(session.new, session.dirty, session.deleted):
        entry = guarded.get(type(obj))
        if entry is None or (obj in session.dirty and not session.is_modified(obj)):
            continue
        column, parent = entry
        parent_id = getattr(obj, column.key)
        if parent_id is not None:  # else tied by a relationship to a parent also flushed
            by_parent[parent].add(parent_id)
    if by_parent:
        _refuse_if_closed(session, [ids if parent is Program else program_ids_of(parent, ids)
                                    for parent, ids in ((p, sorted(i))
                                                        for p, i in by_parent.items())])


@event.listens_for(Session, "do_orm_execute")
def refuse_bulk_writes_to_closed_years(state) -> None:
    if not (state.is_update or state.is_delete) or state.session.info.get(_PURGING):
        return
    guarded = parents()
    for mapper in state.all_mappers:
        model = mapper.class_
        if model in guarded:
            ids = select(model.id)
            if state.statement.whereclause is not None:
                ids = ids.where(state.statement.whereclause)
            _refuse_if_closed(state.session, [program_ids_of(model, ids)])


def _clear(session: Session, *_args) -> None:
    session.info.pop(_CLOSED, None)


for _name in ("after_commit", "after_rollback", "after_soft_rollback"):
    event.listen(Session, _name, _clear)
