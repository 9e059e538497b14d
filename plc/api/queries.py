"""Reads for the API: the owner of a bearer token, a person's tokens, what a token can read."""

from __future__ import annotations

from sqlalchemy import select

from plc import permissions
from plc.accounts.models import User
from plc.api.models import ApiToken
from plc.extensions import db
from plc.programs.models import Cohort, Program


def live_token(token_hash: str) -> tuple[User, ApiToken] | None:
    """The live token with this hash and its owner, if the owner's account is active.
    One statement, and no write: the API does not record when a token was last used."""
    row = db.session.execute(
        select(User, ApiToken).join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == token_hash, ApiToken.revoked_at.is_(None),
               User.active.is_(True))
    ).one_or_none()
    return tuple(row) if row is not None else None


def live_tokens(user_id: int) -> list[ApiToken]:
    return list(db.session.execute(
        select(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ).scalars())


def token(token_id: int) -> ApiToken | None:
    return db.session.get(ApiToken, token_id)


def readable_programs(user) -> list[Program]:
    return list(db.session.execute(
        select(Program).where(permissions.visible_dashboard_programs(user))
        .order_by(Program.starts_on.desc(), Program.name, Program.id)
    ).scalars())


def readable_cohorts(user) -> list[Cohort]:
    return list(db.session.execute(
        select(Cohort).where(permissions.visible_participation_cohorts(user))
        .order_by(Cohort.program_id, Cohort.name, Cohort.id)
    ).scalars())
