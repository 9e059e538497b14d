"""Mass assignment: a form post that carries extra fields (an owner, a cohort, a role, a
version, a visibility...) changes exactly what the same post without them changes.

Every state-changing route of the permission matrix is posted twice by a role allowed to use
it, each time on a freshly built world: once with the case's data, once with the data plus
every extra field that the form does not itself offer. The databases afterwards must match,
once values that differ by nature (times, random tokens and their hashes) are set aside.
"""

from __future__ import annotations

import re

import pytest

from plc.extensions import db
from tests.permission_world import PERMISSION
from tests.security.snapshot import database_snapshot, differences
from tests.security.valid_posts import (
    allowed_posts,
    allowed_role,
    missing_post_message,
    success_codes,
    valid_data,
)
from tests.test_permissions import client_as

# Values that differ from one run to the next whatever the request: times, random secrets
# (and ciphertext: Fernet encrypts with a fresh IV each time; the site's stamps, new random
# values at each write: plc/stamps.py).
VOLATILE_COLUMN = re.compile(
    r"(_at|_hash|_encrypted|^token|^key|^day|^snapshot)$|^(sent_at|body|last_used_step)$")
VOLATILE_TABLES = frozenset({"user_sessions", "login_failures", "outbox", "site_stamps"})

POSTS = allowed_posts()
INPUT_NAME = re.compile(r"<(?:input|select|textarea|button)\b[^>]*\bname=\"([^\"]+)\"")


def extra_fields(world) -> dict[str, str]:
    """What an attacker would add: someone else's ids, a higher role, another audience."""
    other = world.users["member_b"].id
    return {
        "user_id": str(other), "owner_id": str(other), "author_id": str(other),
        "assignee_id": str(other), "actor_id": str(other), "created_by_id": str(other),
        "cohort_id": str(world.cohort_b.id), "program_id": str(world.other_program.id),
        "plan_id": "999999", "meeting_id": "999999",
        "role": "facilitator", "is_site_admin": "y", "active": "y",
        "visibility": "cohort", "shared_with_cohort": "y", "status": "submitted",
        "version": "999", "id": "999999", "password_hash": "x",
    }


def form_field_names(client, url: str) -> set[str]:
    response = client.get(url)
    return set(INPUT_NAME.findall(response.text)) if response.status_code == 200 else set()


def normalized_snapshot() -> dict:
    db.session.expire_all()
    snapshot = database_snapshot(ignore_tables=VOLATILE_TABLES)
    volatile = {
        table.name: [i for i, column in enumerate(table.columns)
                     if VOLATILE_COLUMN.search(column.name)]
        for table in db.metadata.sorted_tables
    }
    return {
        name: sorted(tuple(v for i, v in enumerate(row) if i not in volatile[name])
                     for row in rows)
        for name, rows in snapshot.items()
    }


def post_as_allowed_role(app, world, case, with_extras: bool) -> dict:
    role = allowed_role(case)
    client = client_as(app, world, role)
    url = case.url(world)
    data = valid_data(case, world)
    if with_extras:
        offered = form_field_names(client, url) | set(data)
        data.update({k: v for k, v in extra_fields(world).items() if k not in offered})
    response = client.post(url, data=data)
    assert response.status_code in success_codes(case), \
        missing_post_message(role, response.status_code)
    assert role == "anonymous" or "/login" not in (response.location or "") \
        or case.endpoint == "accounts.logout"
    return normalized_snapshot()


@pytest.mark.parametrize("case", POSTS, ids=lambda c: c.id)
def test_extra_fields_change_nothing(app, worlds, world, case):
    plain = post_as_allowed_role(app, world, case, with_extras=False)
    tampered = post_as_allowed_role(app, worlds.clone(PERMISSION), case, with_extras=True)
    assert differences(plain, tampered) == []
