"""Reads of the audit log: one page of events, newest first, filtered by action and person."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased

from plc import paging
from plc.accounts.models import User
from plc.audit.models import AuditEvent
from plc.extensions import db

EVENTS_PER_PAGE = 50


@dataclass(frozen=True)
class Event:
    """An event with the names, as they are now, of the people it names by account number."""

    event: AuditEvent
    actor_name: str | None
    target_name: str | None


@dataclass(frozen=True)
class EventsPage:
    items: list[Event]
    number: int
    total: int
    per_page: int

    @property
    def pages(self) -> int:
        return paging.page_count(self.total, self.per_page)

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def events_page(action: str = "", person: str = "", page: int = 1,
                per_page: int = EVENTS_PER_PAGE) -> EventsPage:
    """One page of events, newest first: two statements (count, rows) whatever the filters.
    A page past the last shows the last.

    ``person`` (a name or e-mail, or part of one) matches events done by, or done to, the
    people whose account matches it now (the log names people by account number only)."""
    scope = []
    if action:
        scope.append(AuditEvent.action == action)
    person = person.strip()
    if person:
        people = select(User.id).where(or_(User.name.icontains(person, autoescape=True),
                                           User.email.icontains(person, autoescape=True)))
        scope.append(or_(
            AuditEvent.actor_id.in_(people),
            (AuditEvent.target_type == "user") & AuditEvent.target_id.in_(people),
            AuditEvent.actor_label.icontains(person, autoescape=True),
            AuditEvent.target_label.icontains(person, autoescape=True),
        ))
    total = db.session.execute(select(func.count(AuditEvent.id)).where(*scope)).scalar_one()
    number = min(max(page, 1), paging.page_count(total, per_page))
    actor, target = aliased(User), aliased(User)
    rows = db.session.execute(
        select(AuditEvent, actor.name, target.name).where(*scope)
        .outerjoin(actor, actor.id == AuditEvent.actor_id)
        .outerjoin(target, (AuditEvent.target_type == "user") & (target.id == AuditEvent.target_id))
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .offset((number - 1) * per_page).limit(per_page)
    ).all()
    return EventsPage([Event(*row) for row in rows], number, total, per_page)


def events_of(action: str | None = None) -> list[AuditEvent]:
    """Every event (of one action), oldest first: for tests and scripts."""
    stmt = select(AuditEvent).order_by(AuditEvent.id)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    return list(db.session.execute(stmt).scalars())
