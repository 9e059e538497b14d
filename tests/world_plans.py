"""Grows the permission world for this area: called by tests.permission_world.grow once
per unit of growth, so that the query-budget test sees every list of its pages grow."""

from __future__ import annotations

import json
from datetime import date, timedelta

from plc.db import utcnow
from plc.extensions import db
from plc.plans.models import (
    DONE,
    DRAFT,
    FACILITATORS_ONLY,
    SHARED_WITH_COHORT,
    ActionPlan,
    ActionStep,
    Barrier,
    FocusArea,
    PlanRevision,
    ProgressUpdate,
)
from tests import factories


def grow(world, i: int) -> None:
    """Add rows for growth unit ``i`` (flush, do not commit): on plan_a one more barrier, two
    more steps, an update linked to meeting_a, a revision; in cohort A three more members with
    plans (shared, facilitators only, draft), each with a focus area and a step."""
    plan, focus_area = world.plan_a, world.focus_area_a
    db.session.add_all([
        Barrier(focus_area_id=focus_area.id, position=10 + i, kind="will",
                text=f"Grown barrier {i}"),
        ActionStep(focus_area_id=focus_area.id, position=10 + 2 * i, text=f"Grown step {i}",
                   due_on=date(2026, 10, 1) + timedelta(days=i), status=DONE),
        ActionStep(focus_area_id=focus_area.id, position=11 + 2 * i,
                   text=f"Another grown step {i}"),
        ProgressUpdate(plan_id=plan.id, author_id=plan.user_id, meeting_id=world.meeting_a.id,
                       did=f"Grown update {i}", learned="*Something*", next="More",
                       changes=json.dumps([{"kind": "step", "focus": 1, "text": "Observe",
                                            "before": "not_started", "after": "done"}])),
        PlanRevision(plan_id=plan.id, number=1000 + i, author_id=plan.user_id,
                     created_at=utcnow() - timedelta(days=400 - i),
                     snapshot=json.dumps({"visibility": DRAFT, "focus_areas": []})),
    ])
    for n, visibility in enumerate((SHARED_WITH_COHORT, FACILITATORS_ONLY, DRAFT)):
        member = factories.make_user(f"grown-plan{i}.{n}@example.org")
        factories.add_member(world.cohort_a, member)
        db.session.add(ActionPlan(
            user_id=member.id, program_id=world.program.id, visibility=visibility,
            shared_at=None if visibility == DRAFT else utcnow(),
            focus_areas=[FocusArea(position=1, change=f"Grown change {i}.{n}",
                                   steps=[ActionStep(position=1, text="A step", status=DONE)])],
        ))
    db.session.flush()
