"""Grows the permission world for this area: called by tests.permission_world.grow once
per unit of growth, so that the query-budget test sees every list of its pages grow."""

from __future__ import annotations

from datetime import timedelta

from plc.db import utcnow
from plc.extensions import db
from plc.meetings.models import AgendaItem, AgendaPresenter, Attendance, FollowUp, Meeting
from plc.plans.models import SHARED_WITH_COHORT, ActionPlan, ProgressUpdate
from tests import factories


def grow(world, i: int) -> None:
    """Add rows for growth unit ``i`` (flush, do not commit): a presenting member of cohort A
    with a shared plan and an update, a past meeting with everyone's attendance, another
    agenda item on meeting_a and follow-ups for member_a and the new member."""
    member = factories.make_user(f"meetings-grown{i}@example.org", f"Grown Presenter {i}")
    factories.add_member(world.cohort_a, member)
    plan = ActionPlan(user_id=member.id, program_id=world.program.id,
                      visibility=SHARED_WITH_COHORT, shared_at=utcnow())
    db.session.add(plan)
    db.session.flush()
    db.session.add(ProgressUpdate(plan_id=plan.id, author_id=member.id, did=f"Step {i}"))
    item = AgendaItem(meeting_id=world.meeting_a.id, position=100 + i, title=f"Consultancy {i}",
                      minutes=20, protocol="consultancy",
                      materials=f"https://example.org/{i}\nHandout {i}")
    db.session.add(item)
    db.session.flush()
    db.session.add_all([
        AgendaPresenter(agenda_item_id=item.id, user_id=member.id),
        AgendaPresenter(agenda_item_id=item.id, user_id=world.users["member_a"].id),
    ])
    starts = utcnow() - timedelta(days=60 + 7 * i)
    past = Meeting(cohort_id=world.cohort_a.id, title=f"Past meeting {i}", starts_at=starts,
                   ends_at=starts + timedelta(minutes=90))
    db.session.add(past)
    db.session.flush()
    recorder = world.users["facilitator_a"].id
    db.session.add_all([
        Attendance(meeting_id=past.id, user_id=world.users["member_a"].id, status="present",
                   recorded_by_id=recorder),
        Attendance(meeting_id=past.id, user_id=member.id, status="late",
                   recorded_by_id=recorder),
    ])
    for assignee in (world.users["member_a"], member):
        for meeting in (world.meeting_a, past):
            db.session.add(FollowUp(meeting_id=meeting.id, assignee_id=assignee.id,
                                    text=f"Follow-up {i}", created_by_id=recorder,
                                    due_on=(utcnow() + timedelta(days=i)).date()))
    db.session.flush()
