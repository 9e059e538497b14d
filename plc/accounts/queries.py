"""Account reads: the site admin's user list; a person's second factor and sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from plc.accounts.models import RecoveryCode, TotpFactor, User, UserSession
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
    return ACTIVE if user.has_joined else INVITED


def _status_clause(status: str):
    if status == DEACTIVATED:
        return User.active.is_(False)
    joined = User.password_hash.is_not(None) | User.joined_by_district_at.is_not(None)
    if status == INVITED:
        return User.active.is_(True) & ~joined
    if status == ACTIVE:
        return User.active.is_(True) & joined
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


# --- second factor and sessions (the person's own) -------------------------------------------


def second_factor(user_id: int) -> TotpFactor | None:
    return db.session.execute(
        select(TotpFactor).where(TotpFactor.user_id == user_id)
    ).scalar_one_or_none()


def recovery_codes_left(user_id: int) -> int:
    return db.session.execute(
        select(func.count()).select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))
    ).scalar_one()


def active_sessions(user_id: int, seen_since: datetime) -> list[UserSession]:
    """The person's sessions that still work and were used since ``seen_since``, most
    recently seen first: one statement."""
    return list(db.session.execute(
        select(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None),
               func.coalesce(UserSession.last_seen_at, UserSession.created_at) >= seen_since)
        .order_by(func.coalesce(UserSession.last_seen_at, UserSession.created_at).desc(),
                  UserSession.id.desc())
    ).scalars())


def user_session(session_id: int) -> UserSession | None:
    return db.session.get(UserSession, session_id)
