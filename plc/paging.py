"""Lists shown newest first, a page at a time (the plan page's updates and conversations)."""

from __future__ import annotations

from sqlalchemy import and_, func, or_, select, true

from plc.extensions import db


def page_count(total: int, per_page: int) -> int:
    """Pages needed for ``total`` rows; an empty list still has its first page."""
    return max(1, -(-total // per_page))


def page_holding(model, scope: tuple, row_id: int, per_page: int) -> int:
    """The page (newest first by created_at, then id) of ``model``'s rows matching ``scope``
    that holds row ``row_id``; 1 if the row is not among them. One statement."""
    row = select(model.created_at, model.id).where(model.id == row_id, *scope).subquery()
    newer = db.session.execute(
        select(func.count(model.id)).join(row, true())
        .where(*scope, or_(model.created_at > row.c.created_at,
                           and_(model.created_at == row.c.created_at, model.id > row.c.id)))
    ).scalar_one()
    return newer // per_page + 1
