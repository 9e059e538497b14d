"""Grows the permission world for this area: called by tests.permission_world.grow once
per unit of growth, so that the query-budget test sees every list of its pages grow."""

from __future__ import annotations


def grow(world, i: int) -> None:
    """Add rows for growth unit ``i`` (flush, do not commit)."""
