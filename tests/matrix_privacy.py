"""Permission-matrix cases for the privacy pages (see tests/matrix.py for the vocabulary):
"My data" is everyone's own; an export is downloaded by its owner alone; erasure is the site
admin's. The reading record has no page of its own: it is part of the author's worksheet and
plan pages (tests/privacy/test_reading_record.py proves who sees it)."""

from __future__ import annotations

from plc.privacy import exports
from tests.matrix import ADMIN_ONLY, LOGIN, OK, SIGNED_IN, Case, both, expect

OWN_EXPORT = expect(404, anonymous=LOGIN, deactivated=LOGIN, member_a=OK)


def _export_a_url(w) -> str:
    """member_a's ready export (tests/permission_world.py), its file put in place."""
    path = exports.export_path(w.export_a.file_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_bytes(exports.zip_bytes(w.export_a_data))
    return f"/account/my-data/exports/{w.export_a.id}/download"


# Statement budgets of these pages (tests/test_query_budgets.py).
BUDGETS: dict[str, int] = {}

CASES: list[Case] = [
    Case("privacy.my_data", "GET", lambda w: "/account/my-data", SIGNED_IN),
    Case("privacy.my_data", "POST", lambda w: "/account/my-data", SIGNED_IN),
    Case("privacy.download", "GET", _export_a_url, OWN_EXPORT),
    *both("admin.erase_user", lambda w: f"/admin/users/{w.users['member_a'].id}/erase",
          ADMIN_ONLY),
]
