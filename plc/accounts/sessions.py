"""Server-side sessions on top of Flask-Login.

Flask-Login keeps whatever ``User.get_id()`` returns in the session cookie and the remember
cookie. We return the key of a ``UserSession`` row, so signing out (or a password change,
or deactivation) revokes the row and every saved copy of the cookie stops working.

A person with a second factor is signed in in two steps: after the password, the signed
session cookie holds only a half-signed-in note (who, for five minutes; ``begin_second_step``),
never a Flask-Login session; the session row is made when the code is accepted.

Each row's ``last_seen_at`` is written at most once every ``SESSION_SEEN_INTERVAL_SECONDS``,
not on every request. On a GET (whose own transaction is rolled back, plc/unit_of_work.py)
the stamp is the one write a GET makes, in a short transaction of its own.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, request, session
from flask_login import login_user, logout_user
from sqlalchemy import bindparam, select, update

from plc import permissions, stamps
from plc.accounts.models import TotpFactor, User, UserSession
from plc.db import built_once, utcnow
from plc.extensions import db
from plc.notifications import queries as notification_queries
from plc.programs import queries as program_queries
from plc.tokens import hash_token, new_token
from plc.unit_of_work import write_beside

_PENDING = "plc_second_step"
PENDING_SECONDS = 5 * 60


def configure(login_manager) -> None:
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # the server-side session row does this job
    login_manager.user_loader(load_user)


@built_once
def _live_session_statement():
    """Every request runs it: building a statement of this size and its cache key cost ten
    times what running it does."""
    return (
        select(User, UserSession.id, UserSession.last_seen_at, TotpFactor.id,
               *program_queries.roles_columns(User.id),
               notification_queries.unread_count_column(User.id), *stamps.columns())
        .join(UserSession, UserSession.user_id == User.id)
        .outerjoin(TotpFactor, TotpFactor.user_id == User.id)
        .where(
            UserSession.key_hash == bindparam("key_hash"),
            UserSession.revoked_at.is_(None),
            User.active.is_(True),
        )
    )


def load_user(session_key: str) -> User | None:
    """The user of a live session, in one statement: their second factor joined in, and
    what every signed-in page asks (their roles, the navigation's unread count, the site's
    stamps that kept page bodies are keyed by)."""
    found = db.session.execute(
        _live_session_statement(), {"key_hash": hash_token(session_key)}).one_or_none()
    if found is None:
        return None
    user, session_id, last_seen_at, factor_id, cohort_roles, led, unread, site, content = found
    user.session_key = session_key
    user.session_id = session_id
    user.has_second_factor = factor_id is not None
    permissions.remember_roles(user, *program_queries.parse_roles(cohort_roles, led))
    notification_queries.remember_unread_count(unread)
    stamps.remember(site, content)
    _note_seen(session_id, last_seen_at)
    return user


def _note_seen(session_id: int, last_seen_at) -> None:
    now = utcnow()
    interval = timedelta(seconds=current_app.config["SESSION_SEEN_INTERVAL_SECONDS"])
    if last_seen_at is not None and now - last_seen_at < interval:
        return
    stamp = (update(UserSession).where(UserSession.id == session_id)
             .values(last_seen_at=now).execution_options(synchronize_session=False))
    write_beside(stamp)  # on a GET, in a short transaction of its own


def start_session(user: User, remember: bool) -> None:
    session.pop(_PENDING, None)
    key, key_hash = new_token()
    agent = (request.user_agent.string or "")[:200]
    db.session.add(UserSession(user_id=user.id, key_hash=key_hash, user_agent=agent))
    user.session_key = key
    login_user(user, remember=remember)


# --- half signed in: the password is right, the code is still to come -----------------------


@dataclass
class PendingSignIn:
    user: User
    remember: bool
    next_url: str


def begin_second_step(user: User, remember: bool, next_url: str) -> None:
    session[_PENDING] = {"user": user.id, "remember": bool(remember), "next": next_url,
                         "at": int(time.time())}


def pending_sign_in() -> PendingSignIn | None:
    """Who gave the right password in this browser in the last five minutes, if anyone."""
    note = session.get(_PENDING)
    if not isinstance(note, dict) or time.time() - note.get("at", 0) > PENDING_SECONDS:
        session.pop(_PENDING, None)
        return None
    user = db.session.get(User, note.get("user"))
    if user is None or not user.active:
        session.pop(_PENDING, None)
        return None
    return PendingSignIn(user, bool(note.get("remember")), str(note.get("next") or "/"))


def end_session(user: User) -> None:
    if user.session_key:
        db.session.execute(
            update(UserSession)
            .where(UserSession.key_hash == hash_token(user.session_key))
            .values(revoked_at=utcnow())
        )
    logout_user()


def revoke_session(user_session: UserSession) -> None:
    """Sign one browser out (the "Your sessions" page; the caller checked it is the person's)."""
    user_session.revoked_at = utcnow()


def revoke_sessions(user: User, keep_current: bool = False) -> None:
    """End the user's sessions everywhere (except, if asked, the one making this request)."""
    stmt = update(UserSession).where(
        UserSession.user_id == user.id, UserSession.revoked_at.is_(None)
    )
    if keep_current and user.session_key:
        stmt = stmt.where(UserSession.key_hash != hash_token(user.session_key))
    db.session.execute(stmt.values(revoked_at=utcnow()))
