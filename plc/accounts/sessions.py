"""Server-side sessions on top of Flask-Login.

Flask-Login keeps whatever ``User.get_id()`` returns in the session cookie and the remember
cookie. We return the key of a ``UserSession`` row, so signing out (or a password change,
or deactivation) revokes the row and every saved copy of the cookie stops working.
"""

from __future__ import annotations

from flask import request
from flask_login import login_user, logout_user
from sqlalchemy import select, update

from plc.accounts.models import User, UserSession
from plc.db import utcnow
from plc.extensions import db
from plc.tokens import hash_token, new_token


def configure(login_manager) -> None:
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # the server-side session row does this job
    login_manager.user_loader(load_user)


def load_user(session_key: str) -> User | None:
    row = db.session.execute(
        select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            UserSession.key_hash == hash_token(session_key),
            UserSession.revoked_at.is_(None),
            User.active.is_(True),
        )
    ).scalar_one_or_none()
    if row is not None:
        row.session_key = session_key
    return row


def start_session(user: User, remember: bool) -> None:
    key, key_hash = new_token()
    agent = (request.user_agent.string or "")[:200]
    db.session.add(UserSession(user_id=user.id, key_hash=key_hash, user_agent=agent))
    user.session_key = key
    login_user(user, remember=remember)


def end_session(user: User) -> None:
    if user.session_key:
        db.session.execute(
            update(UserSession)
            .where(UserSession.key_hash == hash_token(user.session_key))
            .values(revoked_at=utcnow())
        )
    logout_user()


def revoke_sessions(user: User, keep_current: bool = False) -> None:
    """End the user's sessions everywhere (except, if asked, the one making this request)."""
    stmt = update(UserSession).where(
        UserSession.user_id == user.id, UserSession.revoked_at.is_(None)
    )
    if keep_current and user.session_key:
        stmt = stmt.where(UserSession.key_hash != hash_token(user.session_key))
    db.session.execute(stmt.values(revoked_at=utcnow()))
