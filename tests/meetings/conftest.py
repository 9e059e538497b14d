"""A cohort in America/New_York with a facilitator, two members and a member elsewhere."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from plc.accounts.models import User
from plc.extensions import db
from plc.programs.models import FACILITATOR, Cohort
from tests import factories
from tests.conftest import login
from tests.worlds import Spec, world_fixture


@dataclass
class People:
    cohort: Cohort
    other_cohort: Cohort
    facilitator: User
    member: User
    peer: User
    outsider: User  # a member of the other cohort only
    lead: User


def build_people() -> People:
    """The cohorts and people of the meetings tests (built once per worker)."""
    lead = factories.make_user("lead@example.org", "Lee Lead")
    program = factories.make_program("Meetings Programme", lead=lead)  # America/New_York
    cohort = factories.make_cohort(program, "North")
    other = factories.make_cohort(program, "South")
    facilitator = factories.make_user("fac@example.org", "Fay Facilitator")
    member = factories.make_user("member@example.org", "Mo Member")
    peer = factories.make_user("peer@example.org", "Pat Peer")
    outsider = factories.make_user("outsider@example.org", "Oli Outsider")
    factories.add_member(cohort, facilitator, FACILITATOR)
    factories.add_member(cohort, member)
    factories.add_member(cohort, peer)
    factories.add_member(other, outsider)
    return People(cohort, other, facilitator, member, peer, outsider, lead)


people = world_fixture("people", Spec("meetings", build_people))


@pytest.fixture
def client_for(app):
    """A signed-in client per person (several can be used in one test)."""

    def _client(user: User):
        client = app.test_client()
        assert login(client, user).status_code == 302
        return client

    return _client


def make_meeting(cohort: Cohort, starts_at, title: str = "Cohort meeting", **values):
    """A meeting at an exact UTC instant (no e-mail, unlike scheduling through the service)."""
    from datetime import timedelta

    from plc.meetings.models import Meeting

    meeting = Meeting(cohort_id=cohort.id, title=title, starts_at=starts_at,
                      ends_at=starts_at + timedelta(minutes=90), **values)
    db.session.add(meeting)
    db.session.flush()
    return meeting
