"""The whole database as plain values, to compare before and after."""

from __future__ import annotations

from sqlalchemy import select

from plc.extensions import db


def database_snapshot(ignore_tables: frozenset[str] = frozenset()) -> dict[str, list[tuple]]:
    """Every row of every table, sorted, as tuples of column values."""
    snapshot = {}
    for table in db.metadata.sorted_tables:
        if table.name in ignore_tables:
            continue
        rows = db.session.execute(select(table)).all()
        snapshot[table.name] = sorted(tuple(repr(value) for value in row) for row in rows)
    return snapshot


def differences(before: dict, after: dict) -> list[str]:
    """Tables whose rows differ, each with what was added and what went away."""
    found = []
    for name in sorted(set(before) | set(after)):
        old, new = set(before.get(name, [])), set(after.get(name, []))
        if old != new:
            found.append(f"{name}: added {sorted(new - old)[:3]} "
                         f"removed {sorted(old - new)[:3]}")
    return found
