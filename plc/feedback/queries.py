"""Reads for comments and the cohort feed."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class PlanThreads:
    """Every comment thread on one plan, loaded at once: the plan's own and each update's."""

    on_plan: list = field(default_factory=list)
    by_update: dict[int, list] = field(default_factory=dict)

    def on_update(self, update_id: int) -> list:
        return self.by_update.get(update_id, [])


def plan_threads(plan_id: int) -> PlanThreads:
    """All threads of a plan in a fixed number of statements (the feedback area fills this)."""
    return PlanThreads()
