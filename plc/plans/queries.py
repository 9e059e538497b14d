"""Reads for action plans. Pages load what they show in a fixed number of statements."""

from __future__ import annotations

from sqlalchemy import select

from plc.assessments.queries import member_cohort_ids
from plc.extensions import db
from plc.plans.models import ActionPlan


def plan(plan_id: int) -> ActionPlan | None:
    return db.session.get(ActionPlan, plan_id)


def author_cohort_ids(plan: ActionPlan) -> frozenset[int]:
    """The cohorts of the plan's programme where its author is a member: whose peers and
    facilitators the plan's visibility speaks of."""
    return member_cohort_ids(plan.user_id, plan.program_id)


def own_plan(user_id: int, program_id: int) -> ActionPlan | None:
    return db.session.execute(
        select(ActionPlan).where(ActionPlan.user_id == user_id,
                                 ActionPlan.program_id == program_id)
    ).scalar_one_or_none()
