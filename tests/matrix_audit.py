"""Permission-matrix cases for the audit log (see tests/matrix.py for the vocabulary): site
admins alone, not the program leads or facilitators whose acts are in it."""

from __future__ import annotations

from tests.matrix import ADMIN_ONLY, Case

CASES: list[Case] = [
    Case("audit.events", "GET", lambda w: "/admin/audit", ADMIN_ONLY),
    Case("audit.events", "GET", lambda w: "/admin/audit?action=user.deactivated&person=member",
         ADMIN_ONLY, label="filtered"),
]

# The session, roles (2), the unread count, then the log's count and its page of rows.
BUDGETS: dict[str, int] = {
    "audit.events": 8,
}
