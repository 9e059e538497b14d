"""The one write of the audit log: ``record`` an administrative act.

Flush, never commit: the event is saved with the act it records, in the same transaction, so a
refused or failed act leaves no event and a saved act always has one. The caller has checked
access (plc/permissions.py) for the act it records; recording needs no permission of its own.
Nothing here changes or deletes an event (plc/audit/models.py refuses it).
"""

from __future__ import annotations

from flask import has_request_context, request

from plc.audit.models import CLI_ADDRESS, AuditEvent
from plc.extensions import db

# Every action name in use, with how the log page names it (the page's filter lists them).
ACTIONS: dict[str, str] = {
    "user.invited": "Account created and invited",
    "user.edited": "Account edited",
    "role.changed": "Role changed",
    "user.deactivated": "Account deactivated",
    "user.reactivated": "Account reactivated",
    "invitation.resent": "Invitation sent again",
    "membership.added": "Added to a cohort",
    "membership.removed": "Removed from a cohort",
    "lead.appointed": "Program lead appointed",
    "lead.removed": "Program lead removed",
    "roster.imported": "Roster imported",
    "framework.uploaded": "Framework imported",
    "framework.published": "Framework published from the editor",
    "token.created": "API token created",
    "token.revoked": "API token revoked",
    "identity_provider.saved": "District sign-in set up or changed",
    "identity_provider.removed": "District sign-in removed",
    "second_factor.reset": "Second factor reset",
    "site_admin.created": "Site admin made on the command line",
    "person.erased": "Person erased",
    "year.closed": "Programme year closed",
    "content.purged": "Expired content purged",
}

# Set in the environ of the request context the ``flask plc`` commands run in (plc/cli.py):
# that context exists only to build links, its "remote address" is no one's.
CLI_ENVIRON_KEY = "plc.cli"


def record(action: str, *, actor=None, target_type: str, target_id: int | None,
           target_label: str, details: dict | None = None) -> AuditEvent:
    """Add one audit event for an act done now by ``actor`` (a User; None for the command line
    or the system) and flush it. The remote address is the request's, or "cli" outside one."""
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        actor_label=_label(user_label(actor) if actor is not None else "Command line"),
        action=action[:64],
        target_type=target_type[:40],
        target_id=target_id,
        target_label=_label(target_label),
        details=details or {},
        remote_address=_remote_address(),
    )
    db.session.add(event)
    db.session.flush()
    return event


def _label(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= 200 else text[:199] + "…"


def _remote_address() -> str:
    if not has_request_context() or request.environ.get(CLI_ENVIRON_KEY):
        return CLI_ADDRESS
    return (request.remote_addr or "unknown")[:64]


def person_label(user_id: int) -> str:
    """How a person is named in the log: by account number only. The log page shows the
    account's name as it is now; so when a person is erased (their account anonymised) the
    log, which nothing may rewrite, holds nothing of theirs."""
    return f"Account #{user_id}"


def user_label(user) -> str:
    return person_label(user.id)
