"""Before a meeting, facilitators and leads see who has posted a progress update since the
cohort's previous meeting (or in the last 30 days when there was none)."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from plc.db import utcnow
from plc.extensions import db
from plc.meetings.models import CANCELLED
from plc.plans.models import SHARED_WITH_COHORT, ActionPlan, ProgressUpdate
from tests.meetings.conftest import make_meeting


def post_update(person, program_id: int, days_ago: int) -> None:
    plan = db.session.execute(
        select(ActionPlan).where(ActionPlan.user_id == person.id)).scalar_one_or_none()
    if plan is None:
        plan = ActionPlan(user_id=person.id, program_id=program_id,
                          visibility=SHARED_WITH_COHORT)
        db.session.add(plan)
        db.session.flush()
    db.session.add(ProgressUpdate(plan_id=plan.id, author_id=person.id, did="Did things",
                                  created_at=utcnow() - timedelta(days=days_ago)))


def preparation_of(page: str) -> dict[str, bool]:
    section = page[page.index('id="preparation"'):page.index('id="notes"')]
    return {name: mark == "✓" for mark, name in
            re.findall(r'<span aria-hidden="true">(.)</span> ([^<(]+?) <span', section)}


def test_updates_since_the_previous_meeting_count(app, people, client_for):
    program_id = people.cohort.program_id
    make_meeting(people.cohort, utcnow() - timedelta(days=20), "Previous")
    make_meeting(people.cohort, utcnow() - timedelta(days=5), "Cancelled", status=CANCELLED)
    upcoming = make_meeting(people.cohort, utcnow() + timedelta(days=2), "Next")
    post_update(people.member, program_id, days_ago=10)  # after the previous meeting
    post_update(people.peer, program_id, days_ago=25)  # before it: does not count
    db.session.commit()
    page = client_for(people.facilitator).get(f"/meetings/{upcoming.id}").text
    assert preparation_of(page) == {people.member.name: True, people.peer.name: False}
    assert "1 of 2 members have posted an update" in page
    assert preparation_of(client_for(people.lead).get(f"/meetings/{upcoming.id}").text)
    assert 'id="preparation"' not in client_for(people.member).get(
        f"/meetings/{upcoming.id}").text  # members do not see who prepared


def test_without_a_previous_meeting_the_last_30_days_count(app, people, client_for):
    program_id = people.cohort.program_id
    first = make_meeting(people.cohort, utcnow() + timedelta(days=2), "First")
    post_update(people.member, program_id, days_ago=20)
    post_update(people.peer, program_id, days_ago=40)
    db.session.commit()
    page = client_for(people.facilitator).get(f"/meetings/{first.id}").text
    assert preparation_of(page) == {people.member.name: True, people.peer.name: False}
