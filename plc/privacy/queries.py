"""Reads of the privacy area: who has read a worksheet or plan, the export jobs, what a
person's "my data" holds (each part as plain rows, ready for JSON and CSV), and what erasing a
person would remove."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from plc.accounts.models import User, UserSession
from plc.assessments.models import Checkpoint, PlannedChange, Rating, SelfAssessment
from plc.dashboards.models import Nudge
from plc.extensions import db
from plc.feedback.models import Comment
from plc.meetings.models import Attendance, FollowUp, Meeting
from plc.orgs.models import Organization
from plc.plans.models import (
    ActionPlan,
    ActionStep,
    Barrier,
    FocusArea,
    PlanRevision,
    ProgressUpdate,
)
from plc.privacy.models import QUEUED, READY, DataExport, ReadingRecord
from plc.programs.models import Cohort, Membership, Program
from plc.rubrics.models import Competency, Level
from plc.voice import queries as voice_queries

# --- the reading record ---------------------------------------------------------------------


@dataclass(frozen=True)
class Reader:
    name: str
    role: str  # "facilitator", "member" (of one of the author's cohorts), "" (no longer)
    last_day: date
    days: int


def readers(object_type: str, object_id: int, author_cohort_ids) -> list[Reader]:
    """Who has opened this worksheet or plan, most recent first: each reader once, with their
    role in the author's cohorts today and the last day they opened it (one statement)."""
    role = (
        select(func.min(Membership.role))  # "facilitator" before "member"
        .where(Membership.user_id == ReadingRecord.reader_id,
               Membership.cohort_id.in_(list(author_cohort_ids) or [-1]))
        .correlate(ReadingRecord)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(User.name, role, func.max(ReadingRecord.day), func.count())
        .join(User, User.id == ReadingRecord.reader_id)
        .where(ReadingRecord.object_type == object_type, ReadingRecord.object_id == object_id)
        .group_by(ReadingRecord.reader_id, User.name)
        .order_by(func.max(ReadingRecord.day).desc(), User.name)
    ).all()
    return [Reader(name, found or "", last_day, days) for name, found, last_day, days in rows]


def reading_records_about(user_id: int) -> list[dict]:
    """Every record of someone opening this person's worksheets and plans."""
    rows = db.session.execute(
        select(ReadingRecord.object_type, ReadingRecord.object_id, ReadingRecord.day,
               ReadingRecord.read_at, User.name)
        .join(User, User.id == ReadingRecord.reader_id)
        .outerjoin(SelfAssessment, SelfAssessment.id == ReadingRecord.assessment_id)
        .outerjoin(ActionPlan, ActionPlan.id == ReadingRecord.plan_id)
        .where(or_(SelfAssessment.user_id == user_id, ActionPlan.user_id == user_id))
        .order_by(ReadingRecord.day, ReadingRecord.id)
    ).all()
    return [{"what": t, "id": i, "day": d.isoformat(), "first_opened_at": at.isoformat(),
             "reader": name} for t, i, d, at, name in rows]


# --- exports --------------------------------------------------------------------------------


def latest_export(user_id: int) -> DataExport | None:
    return db.session.execute(
        select(DataExport).where(DataExport.user_id == user_id)
        .order_by(DataExport.id.desc()).limit(1)
    ).scalar_one_or_none()


def export(export_id: int) -> DataExport | None:
    return db.session.get(DataExport, export_id)


def pending_export_ids() -> list[int]:
    return list(db.session.execute(
        select(DataExport.id).where(DataExport.status == QUEUED)
        .order_by(DataExport.id)).scalars())


def expired_exports(now) -> list[DataExport]:
    return list(db.session.execute(
        select(DataExport).where(DataExport.status == READY, DataExport.expires_at <= now)
    ).scalars())


def exports_of(user_id: int) -> list[DataExport]:
    return list(db.session.execute(
        select(DataExport).where(DataExport.user_id == user_id)).scalars())


# --- my data, part by part (plain rows) -------------------------------------------------------


def _iso(value) -> str | None:
    return None if value is None else value.isoformat()


def language_of(user_id: int) -> str | None:
    """The language the person chose for the site (None: their browser's)."""
    return db.session.execute(select(User.language).where(User.id == user_id)).scalar()


def account(user_id: int) -> dict:
    user, organization = db.session.execute(
        select(User, Organization.name).outerjoin(Organization,
                                                   Organization.id == User.organization_id)
        .where(User.id == user_id)).one()
    places = db.session.execute(
        select(Program.name, Cohort.name, Membership.role, Membership.created_at)
        .join(Cohort, Cohort.id == Membership.cohort_id)
        .join(Program, Program.id == Cohort.program_id)
        .where(Membership.user_id == user_id).order_by(Program.name, Cohort.name)).all()
    return {
        "name": user.name, "email": user.email, "title": user.title,
        "organization": organization, "time_zone": user.time_zone, "notify": user.notify,
        "language": user.language, "created_at": _iso(user.created_at),
        "cohorts": [{"program": p, "cohort": c, "role": r, "since": _iso(at)}
                    for p, c, r, at in places],
    }


def worksheets(user_id: int) -> list[dict]:
    """Every worksheet of the person, with every rating and the closing part."""
    sheets = db.session.execute(
        select(SelfAssessment, Checkpoint.name, Program.name)
        .join(Checkpoint, Checkpoint.id == SelfAssessment.checkpoint_id)
        .join(Program, Program.id == Checkpoint.program_id)
        .where(SelfAssessment.user_id == user_id)
        .order_by(Program.name, Checkpoint.position, SelfAssessment.id)).all()
    ids = [sheet.id for sheet, _c, _p in sheets]
    ratings: dict[int, list[dict]] = {i: [] for i in ids}
    for assessment_id, number, name, value, label, strengths, changes in db.session.execute(
        select(Rating.assessment_id, Competency.number, Competency.name, Level.value,
               Level.label, Rating.strengths, Rating.changes)
        .join(Competency, Competency.id == Rating.competency_id)
        .outerjoin(Level, Level.id == Rating.level_id)
        .where(Rating.assessment_id.in_(ids or [-1]))
        .order_by(Rating.assessment_id, Competency.position, Competency.number)):
        ratings[assessment_id].append({
            "competency": f"{number}. {name}", "rating": value, "rating_label": label,
            "strengths": strengths, "changes_i_want_to_make": changes})
    changes: dict[int, list[dict]] = {i: [] for i in ids}
    for change, competency in db.session.execute(
        select(PlannedChange, Competency.name)
        .outerjoin(Competency, Competency.id == PlannedChange.competency_id)
        .where(PlannedChange.assessment_id.in_(ids or [-1]))
        .order_by(PlannedChange.assessment_id, PlannedChange.position)):
        changes[change.assessment_id].append({
            "position": change.position, "change": change.change, "competency": competency,
            "skill": change.skill_factors, "will": change.will_factors,
            "structural": change.structural_factors, "action_steps": change.action_steps,
            "support_formal_learning": change.support_formal_learning,
            "support_practice": change.support_practice,
            "support_reflection": change.support_reflection})
    return [{
        "id": sheet.id, "program": program, "checkpoint": checkpoint, "status": sheet.status,
        "shared_with_cohort": sheet.shared_with_cohort, "created_at": _iso(sheet.created_at),
        "updated_at": _iso(sheet.updated_at), "submitted_at": _iso(sheet.submitted_at),
        "ratings": ratings[sheet.id], "top_changes": changes[sheet.id],
    } for sheet, checkpoint, program in sheets]


def plans(user_id: int) -> list[dict]:
    """Every plan of the person: focus areas with barriers and steps, every revision, every
    progress update (whoever wrote it: it is on their plan)."""
    found = db.session.execute(
        select(ActionPlan, Program.name).join(Program, Program.id == ActionPlan.program_id)
        .where(ActionPlan.user_id == user_id).order_by(ActionPlan.id)).all()
    ids = [plan.id for plan, _p in found]
    current, target = aliased(Level), aliased(Level)
    areas: dict[int, list[dict]] = {i: [] for i in ids}
    by_area: dict[int, dict] = {}
    for area, competency, now, goal in db.session.execute(
        select(FocusArea, Competency.name, current.label, target.label)
        .outerjoin(Competency, Competency.id == FocusArea.competency_id)
        .outerjoin(current, current.id == FocusArea.current_level_id)
        .outerjoin(target, target.id == FocusArea.target_level_id)
        .where(FocusArea.plan_id.in_(ids or [-1]))
        .order_by(FocusArea.plan_id, FocusArea.position)):
        row = {"position": area.position, "competency": competency, "change": area.change,
               "current_level": now, "target_level": goal,
               "support_formal_learning": area.support_formal_learning,
               "support_practice": area.support_practice,
               "support_reflection": area.support_reflection,
               "support_other": area.support_other, "evidence": area.evidence,
               "barriers": [], "steps": []}
        areas[area.plan_id].append(row)
        by_area[area.id] = row
    for barrier in db.session.execute(
            select(Barrier).where(Barrier.focus_area_id.in_(list(by_area) or [-1]))
            .order_by(Barrier.focus_area_id, Barrier.position)).scalars():
        by_area[barrier.focus_area_id]["barriers"].append(
            {"kind": barrier.kind, "text": barrier.text})
    for step in db.session.execute(
            select(ActionStep).where(ActionStep.focus_area_id.in_(list(by_area) or [-1]))
            .order_by(ActionStep.focus_area_id, ActionStep.position)).scalars():
        by_area[step.focus_area_id]["steps"].append(
            {"text": step.text, "due_on": _iso(step.due_on), "status": step.status})
    revisions: dict[int, list[dict]] = {i: [] for i in ids}
    for revision in db.session.execute(
            select(PlanRevision).where(PlanRevision.plan_id.in_(ids or [-1]))
            .order_by(PlanRevision.plan_id, PlanRevision.number)).scalars():
        revisions[revision.plan_id].append({"number": revision.number,
                                            "created_at": _iso(revision.created_at),
                                            "snapshot": revision.snapshot})
    updates: dict[int, list[dict]] = {i: [] for i in ids}
    for update, author in db.session.execute(
            select(ProgressUpdate, User.name)
            .outerjoin(User, User.id == ProgressUpdate.author_id)
            .where(ProgressUpdate.plan_id.in_(ids or [-1]))
            .order_by(ProgressUpdate.plan_id, ProgressUpdate.created_at, ProgressUpdate.id)):
        updates[update.plan_id].append({
            "id": update.id, "author": author, "created_at": _iso(update.created_at),
            "did": update.did, "learned": update.learned, "next": update.next})
    return [{
        "id": plan.id, "program": program, "visibility": plan.visibility,
        "created_at": _iso(plan.created_at), "updated_at": _iso(plan.updated_at),
        "shared_at": _iso(plan.shared_at), "focus_areas": areas[plan.id],
        "revisions": revisions[plan.id], "progress_updates": updates[plan.id],
    } for plan, program in found]


def voice_rounds(user_id: int) -> list[dict]:
    """The person's feedback rounds as their round page shows them: what they asked of whom
    and when, how many answered, their note, and an audience's figures and open answers only
    from the anonymity threshold. Nothing of an invitee (their address, their link)."""
    found = []
    limit = voice_queries.anonymity_threshold()
    for plan in db.session.execute(
            select(ActionPlan).where(ActionPlan.user_id == user_id)
            .options(joinedload(ActionPlan.program)).order_by(ActionPlan.id)).scalars():
        survey = voice_queries.plan_survey(plan)
        for round_ in reversed(voice_queries.plan_rounds(plan.id)):
            counts, results = voice_queries.round_results(round_, survey, limit)
            found.append({
                "id": round_.id, "program": plan.program.name,
                "competencies": [c.title for c in results],
                "languages": list(round_.languages), "visibility": round_.visibility,
                "opens_on": _iso(round_.opens_on), "closes_on": _iso(round_.closes_on),
                "closed_at": _iso(round_.closed_at),
                "audiences": [{"kind": a.kind, "label": a.label,
                               "responses": counts.get(a.id, 0)} for a in round_.audiences],
                "what_i_heard": round_.heard, "what_i_will_do": round_.will_do,
                "results": [_competency_results(c) for c in results]})
    return found


def _competency_results(result) -> dict:
    return {"competency": result.title, "self_rating": result.self_rating, "audiences": [
        {"audience": a.name, "responses": a.responses, "shown": a.shown,
         **({"levels": {str(k): v for k, v in sorted(a.distribution.items())},
             "dont_know": a.dont_know, "mean": a.mean, "open_answers": a.open_answers}
            if a.shown else {"not_shown": "Not enough responses to protect anonymity"})}
        for a in result.audiences]}


def comments(user_id: int) -> list[dict]:
    """Comments the person wrote (anywhere), and comments others wrote on the person's own
    plans (feedback received, which its author may always read). A deleted comment keeps its
    place, not its text."""
    plan_owner = aliased(User)
    rows = db.session.execute(
        select(Comment, User.name, ActionPlan.user_id, plan_owner.name)
        .join(ActionPlan, ActionPlan.id == Comment.plan_id)
        .join(plan_owner, plan_owner.id == ActionPlan.user_id)
        .outerjoin(User, User.id == Comment.author_id)
        .where(or_(Comment.author_id == user_id, ActionPlan.user_id == user_id))
        .order_by(Comment.created_at, Comment.id)).all()
    return [{
        "id": comment.id, "plan_id": comment.plan_id, "update_id": comment.update_id,
        "reply_to": comment.parent_id, "plan_of": owner_name,
        "kind": "written by me" if comment.author_id == user_id else "received on my plan",
        "author": author, "feedback_kind": comment.kind,
        "created_at": _iso(comment.created_at), "edited_at": _iso(comment.edited_at),
        "body": None if comment.is_deleted else comment.body,
        "removed": comment.is_deleted,
    } for comment, author, _owner_id, owner_name in rows]


def attendance(user_id: int) -> list[dict]:
    rows = db.session.execute(
        select(Meeting.title, Meeting.starts_at, Cohort.name, Attendance.status)
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .join(Cohort, Cohort.id == Meeting.cohort_id)
        .where(Attendance.user_id == user_id).order_by(Meeting.starts_at)).all()
    return [{"meeting": title, "starts_at": _iso(at), "cohort": cohort, "status": status}
            for title, at, cohort, status in rows]


def follow_ups(user_id: int) -> list[dict]:
    """Follow-ups assigned to the person, from meetings of cohorts they are still in (the notes
    and follow-ups are the cohort's: permissions.can_read_meeting_notes)."""
    rows = db.session.execute(
        select(FollowUp, Meeting.title, Meeting.starts_at)
        .join(Meeting, Meeting.id == FollowUp.meeting_id)
        .join(Membership, and_(Membership.cohort_id == Meeting.cohort_id,
                               Membership.user_id == user_id))
        .where(FollowUp.assignee_id == user_id).order_by(FollowUp.id)).all()
    return [{"text": f.text, "meeting": title, "meeting_starts_at": _iso(at),
             "due_on": _iso(f.due_on), "done_at": _iso(f.done_at)} for f, title, at in rows]


def nudges(user_id: int) -> list[dict]:
    rows = db.session.execute(
        select(Nudge.created_at, Nudge.message, User.name)
        .outerjoin(User, User.id == Nudge.sent_by_id)
        .where(Nudge.user_id == user_id).order_by(Nudge.created_at)).all()
    return [{"sent_at": _iso(at), "from": name, "message": message}
            for at, message, name in rows]


# --- erasure ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ErasurePreview:
    worksheets: int
    plans: int
    progress_updates: int
    comments: int
    attendance: int
    exports: int
    sessions: int

    def as_dict(self) -> dict[str, int]:
        return dataclasses.asdict(self)

    def as_rows(self) -> list[tuple[str, int, str]]:
        return [
            (_l("Worksheets (self-assessments)"), self.worksheets,
             _l("removed, with their ratings")),
            (_l("Action plans"), self.plans,
             _l("removed, with focus areas, steps, revisions and who read them")),
            (_l("Progress updates"), self.progress_updates, _l("removed")),
            (_l("Comments written"), self.comments,
             _l("text removed; the thread keeps a \u201cremoved\u201d placeholder")),
            (_l("Attendance records"), self.attendance,
             _l("kept, under the anonymised account: the programme's counts stay the same")),
            (_l("Exports of their data"), self.exports, _l("deleted, files included")),
            (_l("Signed-in sessions"), self.sessions, _l("ended and deleted")),
        ]


def erasure_preview(user_id: int) -> ErasurePreview:
    """What erasing the person would remove or keep, counted in one statement."""
    def count(model, *where):
        return select(func.count()).select_from(model).where(*where).scalar_subquery()

    own_plans = select(ActionPlan.id).where(ActionPlan.user_id == user_id)
    return ErasurePreview(*db.session.execute(select(
        count(SelfAssessment, SelfAssessment.user_id == user_id),
        count(ActionPlan, ActionPlan.user_id == user_id),
        count(ProgressUpdate, or_(ProgressUpdate.author_id == user_id,
                                  ProgressUpdate.plan_id.in_(own_plans))),
        count(Comment, Comment.author_id == user_id),
        count(Attendance, Attendance.user_id == user_id),
        count(DataExport, DataExport.user_id == user_id),
        count(UserSession, UserSession.user_id == user_id),
    )).one())
