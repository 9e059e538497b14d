"""Replaying a random history of writes for the roll-ups' property tests."""

from __future__ import annotations

from collections.abc import Callable

from plc.extensions import db


def replay(world: dict, history: list, step: Callable, rows: Callable[[], list]) -> None:
    """Run each (step, rolled_back) of ``history`` with ``step(world, step)``; a rolled-back
    one runs in a savepoint that is then rolled back, and must leave ``rows()`` as they were
    (a write that fails leaves the roll-ups as they were)."""
    for one, rolled_back in history:
        if rolled_back:
            before = rows()
            savepoint = db.session.begin_nested()
            step(world, one)
            savepoint.rollback()
            assert rows() == before
        else:
            step(world, one)
