"""Grows the permission world for the dashboards: called by tests.permission_world.grow once
per unit of growth, so that the query-budget test sees every figure of the dashboards grow
(members with plans, updates, comments, ratings, barriers, attendance and nudges)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from plc.assessments.models import SUBMITTED, Rating, SelfAssessment
from plc.dashboards.models import Nudge
from plc.db import utcnow
from plc.extensions import db
from plc.feedback.models import Comment
from plc.meetings.models import ABSENT, PRESENT, Attendance, Meeting
from plc.plans.models import (
    FACILITATORS_ONLY,
    SHARED_WITH_COHORT,
    ActionPlan,
    Barrier,
    FocusArea,
    ProgressUpdate,
)
from tests import factories


def grow(world, i: int) -> None:
    """Add rows for growth unit ``i`` (flush, do not commit)."""
    district = factories.make_org(f"Dashboard District {i}")
    # Cohort A's newcomer joins a school of the world's district, so that its export grows too.
    schools = {world.cohort_a.id: factories.make_org(f"Dashboard School {i} A",
                                                     parent=world.district),
               world.cohort_b.id: factories.make_org(f"Dashboard School {i}", parent=district)}
    competencies, levels = factories.rubric(world.framework.id)
    competency = competencies[0]
    for cohort, visibility in ((world.cohort_a, SHARED_WITH_COHORT),
                               (world.cohort_b, FACILITATORS_ONLY)):
        person = factories.make_user(f"dash{i}.{cohort.id}@example.org",
                                     organization=schools[cohort.id])
        membership = factories.add_member(cohort, person)
        membership.created_at = utcnow() - timedelta(days=400)
        plan = ActionPlan(
            user_id=person.id, program_id=world.program.id, visibility=visibility,
            shared_at=utcnow(),
            focus_areas=[FocusArea(position=1, competency_id=competency.id, change="Grown change",
                                   barriers=[Barrier(position=1, kind="will", text="Time")])],
        )
        db.session.add(plan)
        db.session.flush()
        db.session.add_all([
            ProgressUpdate(plan_id=plan.id, author_id=person.id, did="Grown update",
                           created_at=utcnow() - timedelta(days=i)),
            Comment(plan_id=plan.id, author_id=world.users["member_a"].id, body="Grown comment"),
            Comment(plan_id=world.plan_a.id, author_id=person.id, body="Grown reply"),
            Nudge(cohort_id=cohort.id, user_id=person.id,
                  sent_by_id=world.users["facilitator_a"].id, message="Grown nudge"),
            SelfAssessment(user_id=person.id, checkpoint_id=world.checkpoint.id,
                           framework_id=world.framework.id, status=SUBMITTED,
                           submitted_at=utcnow(), changes=[],
                           ratings=[Rating(competency_id=competency.id,
                                           level_id=levels[i % len(levels)].id)]),
        ])
        past = db.session.execute(
            select(Meeting.id).where(Meeting.cohort_id == cohort.id,
                                     Meeting.starts_at < utcnow())
        ).scalars().all()
        for n, meeting_id in enumerate(past):
            db.session.add(Attendance(meeting_id=meeting_id, user_id=person.id,
                                      status=PRESENT if n % 2 else ABSENT))
    db.session.flush()
