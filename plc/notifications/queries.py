"""Reads for notifications: the unread count, a page of the list, and which of their plans a
person may still see (a plan back in draft hides what was said about it)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import g
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from plc import permissions
from plc.extensions import db
from plc.notifications.models import Notification
from plc.plans.models import ActionPlan
from plc.programs.models import MEMBER, Cohort, Membership

PAGE_SIZE = 20


@dataclass
class Entry:
    notification: Notification
    available: bool  # False: about a plan the person may no longer see; show no content


@dataclass
class NotificationPage:
    entries: list[Entry]
    page: int
    has_next: bool


def unread_count_column(user_id):
    """The unread count as a column of a statement that reads one person (``user_id`` a
    column of it, or a number)."""
    return (select(func.count()).select_from(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
            .scalar_subquery())


def unread_count(user_id: int) -> int:
    return db.session.scalar(select(unread_count_column(user_id)))


def remember_unread_count(count: int) -> None:
    """The signed-in person's unread count, read with their session (accounts/sessions.py)."""
    g.plc_unread_notifications = count


def unread_count_of_signed_in(user_id: int) -> int:
    """The navigation's count: the one read with the session, else one statement."""
    if "plc_unread_notifications" not in g:
        g.plc_unread_notifications = unread_count(user_id)
    return g.plc_unread_notifications


def notification(notification_id: int) -> Notification | None:
    return db.session.get(Notification, notification_id)


def page_of(user, page: int = 1) -> NotificationPage:
    """Newest first; two statements whatever the page or the data."""
    page = max(page, 1)
    rows = db.session.execute(
        select(Notification).where(Notification.user_id == user.id)
        .options(joinedload(Notification.actor), joinedload(Notification.comment))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)
    ).scalars().all()
    has_next = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    seen = visible_plan_ids(user, {n.plan_id for n in rows if n.plan_id})
    return NotificationPage([Entry(n, is_available(n, seen)) for n in rows], page, has_next)


def is_available(notification: Notification, visible_plans: set[int]) -> bool:
    return notification.plan_id is None or notification.plan_id in visible_plans


def visible_plan_ids(user, plan_ids: set[int]) -> set[int]:
    """Which of these plans ``user`` may read now: can_view_plan as one statement."""
    return set(db.session.execute(
        select(ActionPlan.id).distinct()
        .outerjoin(Membership, (Membership.user_id == ActionPlan.user_id)
                   & (Membership.role == MEMBER))
        .outerjoin(Cohort, (Cohort.id == Membership.cohort_id)
                   & (Cohort.program_id == ActionPlan.program_id))
        .where(ActionPlan.id.in_(plan_ids or {-1}),
               permissions.visible_plans(user, Cohort.id, ActionPlan.visibility,
                                         ActionPlan.user_id))
    ).scalars())


def pending_digest(user_id: int) -> list[Notification]:
    """What the person has not had by e-mail yet, oldest first."""
    return list(db.session.execute(
        select(Notification).where(Notification.user_id == user_id,
                                   Notification.emailed_at.is_(None))
        .options(joinedload(Notification.actor))
        .order_by(Notification.created_at, Notification.id)
    ).scalars())
