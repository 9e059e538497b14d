"""Writes for action plans: they flush, never commit; refusals are DomainErrors."""

from __future__ import annotations

from datetime import date

from plc.accounts.models import User
from plc.plans.models import ActionPlan, ActionStep


def add_action_step(actor: User, plan: ActionPlan, focus_area_id: int, text: str,
                    due_on: date | None) -> ActionStep:
    """Append a step to one of the plan's focus areas (a meeting's follow-up becoming part of
    the plan), keeping a revision like every other save. Only the plan's author may."""
    raise NotImplementedError  # the plans area implements this
