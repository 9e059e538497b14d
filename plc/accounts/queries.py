"""Account reads for the site admin's user list."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from plc.accounts.models import User
from plc.extensions import db
from plc.orgs.models import Organization

ACTIVE = "active"
INVITED = "invited"
DEACTIVATED = "deactivated"
STATUS_FILTERS = [
    ("", "Everyone"),
    (ACTIVE, "Active"),
    (INVITED, "Invited, no password yet"),
    (DEACTIVATED, "Deactivated"),
]
USERS_PER_PAGE = 50


def status_of(user: User) -> str:
    """One status per account; the same three the list filters on."""
    if not user.active:
        return DEACTIVATED
    return ACTIVE if user.has_password else INVITED


def _status_clause(status: str):
    if status == DEACTIVATED:
        return User.active.is_(False)
    if status == INVITED:
        return User.active.is_(True) & User.password_hash.is_(None)
    if status == ACTIVE:
        return User.active.is_(True) & User.password_hash.is_not(None)
    return None


def users_page(search: str = "", status: str = "", page: int = 1,
               per_page: int = USERS_PER_PAGE):
    """One page of users with organization and district joined in: two queries (count, rows)
    however many people the page shows."""
    stmt = select(User).options(
        joinedload(User.organization).joinedload(Organization.parent)
    )
    search = search.strip()
    if search:
        stmt = stmt.where(
            or_(User.name.icontains(search, autoescape=True),
                User.email.icontains(search, autoescape=True))
        )
    clause = _status_clause(status)
    if clause is not None:
        stmt = stmt.where(clause)
    stmt = stmt.order_by(User.name, User.id)
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def user_for_admin(user_id: int) -> User | None:
    return db.session.execute(
        select(User)
        .where(User.id == user_id)
        .options(joinedload(User.organization).joinedload(Organization.parent))
    ).scalar_one_or_none()
