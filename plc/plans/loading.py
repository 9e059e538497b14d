"""Load a plan for the signed-in user, or answer 404 when it is out of their sight. Shared by
the plans area and by the comments on plans."""

from __future__ import annotations

from flask_login import current_user

from plc import permissions
from plc.plans import queries
from plc.plans.models import ActionPlan


def visible_plan(plan_id: int) -> tuple[ActionPlan, frozenset[int]]:
    """The plan and its author's cohort ids (what the access rules need)."""
    plan, cohort_ids = queries.plan_seen(plan_id)
    _require_visible(plan, cohort_ids)
    return plan, cohort_ids


def visible_plan_stamped(plan_id: int) -> tuple[ActionPlan, frozenset[int], tuple]:
    """``visible_plan`` and the stamp of its comments and updates, in the same statement."""
    plan, cohort_ids, stamp = queries.plan_seen_stamped(plan_id)
    _require_visible(plan, cohort_ids)
    return plan, cohort_ids, stamp


def _require_visible(plan: ActionPlan | None, cohort_ids: frozenset[int]) -> None:
    permissions.require(plan is not None)
    permissions.require(permissions.can_view_plan(current_user, plan, cohort_ids))


def editable_plan(plan_id: int) -> tuple[ActionPlan, frozenset[int]]:
    """404 when out of sight; 403 when seen but not the user's own."""
    plan, cohort_ids = visible_plan(plan_id)
    permissions.require(permissions.can_edit_plan(current_user, plan), 403)
    return plan, cohort_ids
