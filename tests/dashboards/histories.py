"""For the roll-ups' tests: replaying a random history of writes, and two writers at once."""

from __future__ import annotations

import threading
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


def assert_the_second_writer_waits(first_write: Callable, second_write: Callable) -> None:
    """Two transactions on two connections: ``first_write(connection)`` runs, then
    ``second_write(connection)`` in a thread, which must still be waiting half a second later
    (for a row lock on PostgreSQL, the write lock on SQLite); once the first commits, the
    second must finish without an error."""
    first, second = db.engine.connect(), db.engine.connect()
    try:
        first.begin()
        first_write(first)
        errors: list[BaseException] = []

        def write_later():
            try:
                with second.begin():
                    second_write(second)
            except BaseException as exc:  # noqa: BLE001 (reported by the test's thread)
                errors.append(exc)

        waiting = threading.Thread(target=write_later)
        waiting.start()
        waiting.join(0.5)
        assert waiting.is_alive(), "the second writer did not wait for the first"
        first.commit()
        waiting.join(10)
        assert not errors, errors
    finally:
        first.close()
        second.close()
