"""Writes for API tokens: create one (its secret returned once) and revoke one. Flush, never
commit. The caller has checked access (plc/permissions.py: can_revoke_api_token)."""

from __future__ import annotations

from flask_babel import gettext as _

from plc.api.models import ApiToken
from plc.audit import services as audit
from plc.db import utcnow
from plc.errors import DomainError
from plc.extensions import db
from plc.tokens import new_token


def create_token(actor, name: str) -> tuple[str, ApiToken]:
    """The secret goes back to the caller to show once; only its hash is stored."""
    name = name.strip()
    if not name:
        raise DomainError(_("Give the token a name, so that you know where it is used."))
    secret, secret_hash = new_token()
    token = ApiToken(user_id=actor.id, name=name, token_hash=secret_hash)
    db.session.add(token)
    db.session.flush()
    audit.record("token.created", actor=actor, target_type="api_token", target_id=token.id,
                 target_label=token.name, details={"owner_id": actor.id})
    return secret, token


def revoke_token(actor, token: ApiToken) -> None:
    if token.revoked_at is not None:
        raise DomainError(_("That token was already revoked."))
    token.revoked_at = utcnow()
    db.session.flush()
    audit.record("token.revoked", actor=actor, target_type="api_token", target_id=token.id,
                 target_label=token.name, details={"owner_id": token.user_id})
