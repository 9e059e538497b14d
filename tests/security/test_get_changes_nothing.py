"""GET requests change nothing: after every GET route of the permission matrix has been
visited by every role, the database holds exactly what it held before (issue 7's security
suite). Signing in happens before the first snapshot: it writes a session row by design."""

from __future__ import annotations

import pytest

from plc.extensions import db
from tests.matrix import OK
from tests.permission_world import ROLES
from tests.security.snapshot import database_snapshot, differences
from tests.test_permissions import CASES, client_as

GET_CASES = [case for case in CASES if case.method == "GET"]


def test_there_are_get_routes_to_visit():
    assert len(GET_CASES) > 30


@pytest.mark.long
def test_visiting_every_get_route_as_every_role_changes_nothing(app, world,
                                                              second_factor_required):
    clients = {role: client_as(app, world, role) for role in ROLES}
    db.session.expire_all()
    before = database_snapshot()
    served = 0
    for case in GET_CASES:
        url = case.url(world)
        for role, client in clients.items():
            response = client.get(url)
            served += response.status_code == 200 and case.expected[role] == OK
    db.session.expire_all()
    after = database_snapshot()
    assert served > 50, "the walk must actually reach pages"
    assert differences(before, after) == []
