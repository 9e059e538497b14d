"""Who hears about what. Each function takes one event, works out who may see it (the rules
of plc/permissions.py) and calls services.notify for each of them: nobody is told about
something they may not see."""

from __future__ import annotations


def plan_shared(plan, actor) -> None:
    """The plan left draft (or changed audience): tell the people who can now see it."""
    # the notifications area implements this


def plan_updated(plan, update, actor) -> None:
    """A progress update was posted on the plan: tell the people who can see the plan."""
    # the notifications area implements this
