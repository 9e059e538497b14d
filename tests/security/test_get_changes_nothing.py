"""GET requests change nothing: after every GET route of the permission matrix has been
visited by every role, the database holds exactly what it held before (issue 7's security
suite). Signing in happens before the first snapshot: it writes a session row by design.

The one exception is the reading record (issue 17): someone opening another person's worksheet
or non-cohort plan is recorded, in a short transaction of its own (plc/unit_of_work.py:
write_beside). Its table is compared apart: the walk adds exactly the records of the openings
it made, and nothing else anywhere. (The session's "last seen" stamp, the other such write, is
off in the test settings.)"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from plc.extensions import db
from plc.privacy.models import WORKSHEET, ReadingRecord
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
    before = database_snapshot(ignore_tables=READING)
    assert not _recorded()
    served = 0
    for case in GET_CASES:
        url = case.url(world)
        for role, client in clients.items():
            response = client.get(url)
            served += response.status_code == 200 and case.expected[role] == OK
    db.session.expire_all()
    after = database_snapshot(ignore_tables=READING)
    assert served > 50, "the walk must actually reach pages"
    assert differences(before, after) == []
    # member_a's draft worksheet, opened by cohort A's facilitator (its one other reader);
    # member_a's plan is shared with the cohort, so nobody's opening of it is recorded.
    assert _recorded() == {(world.users["facilitator_a"].id, WORKSHEET, world.assessment_a.id)}


READING = frozenset({ReadingRecord.__tablename__})


def _recorded() -> set[tuple]:
    return set(db.session.execute(select(ReadingRecord.reader_id, ReadingRecord.object_type,
                                         ReadingRecord.object_id)).all())
