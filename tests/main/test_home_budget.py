"""The home page's statement budget (issue 14): the to-do list of each role costs the same
number of statements with one unit of its data as with five: overdue steps, questions and
mentions, follow-ups, open worksheets, members to nudge, meetings, cohorts."""

from __future__ import annotations

import itertools
from datetime import timedelta

from plc.db import utcnow
from plc.extensions import db
from plc.feedback.models import QUESTION, Comment
from plc.meetings.models import AgendaItem, FollowUp, Meeting
from plc.notifications.models import MENTION, Notification
from plc.plans.models import SHARED_WITH_COHORT, ActionPlan, ActionStep
from tests import factories
from tests.test_permissions import client_as

ROLES = ("member_a", "facilitator_a", "program_lead")
# Every page: session, roles, the navigation's unread count (3). Home: open checkpoints,
# worksheet statuses there, memberships, led programmes, unread feedback, and the cohorts'
# next and last meetings (7). A member adds plans, open steps, comments waiting for an
# answer, which of those plans they may still read, follow-ups (15); a facilitator adds
# members' updates, nudge facts, recent attendance, agenda counts (13, no worksheets); a
# lead in no cohort, the month's groups, the months (2), the cohorts (11).
BUDGET = 15
_unit = itertools.count()


def grow(world, times: int) -> None:
    """``times`` more of everything the home page lists, for each role."""
    member, facilitator = world.users["member_a"], world.users["facilitator_a"]
    for _ in range(times):
        i = next(_unit)
        # member_a: an overdue step, a question, a mention on a peer's plan, an overdue
        # follow-up, another open checkpoint.
        db.session.add(ActionStep(focus_area_id=world.focus_area_a.id, position=100 + i,
                                  text=f"Overdue step {i}",
                                  due_on=(utcnow() - timedelta(days=5 + i)).date()))
        db.session.add(Comment(plan_id=world.plan_a.id, author_id=facilitator.id,
                               kind=QUESTION, body=f"Question {i}?"))
        peer = factories.make_user(f"home-peer{i}@example.org", f"Home Peer {i}")
        factories.add_member(world.cohort_a, peer)  # no update since joining: flagged
        plan = ActionPlan(user_id=peer.id, program_id=world.program.id,
                          visibility=SHARED_WITH_COHORT, shared_at=utcnow())
        db.session.add(plan)
        db.session.flush()
        mention = Comment(plan_id=plan.id, author_id=facilitator.id, body="@member_a look")
        db.session.add(mention)
        db.session.flush()
        db.session.add(Notification(user_id=member.id, kind=MENTION, actor_id=facilitator.id,
                                    plan_id=plan.id, comment_id=mention.id))
        starts = utcnow() + timedelta(days=20 + i)
        meeting = Meeting(cohort_id=world.cohort_a.id, title=f"Later {i}", starts_at=starts,
                          ends_at=starts + timedelta(minutes=90))
        past = Meeting(cohort_id=world.cohort_a.id, title=f"Earlier {i}",
                       starts_at=utcnow() - timedelta(days=40 + i),
                       ends_at=utcnow() - timedelta(days=40 + i) + timedelta(minutes=90))
        db.session.add_all([meeting, past])
        db.session.flush()
        db.session.add_all([
            AgendaItem(meeting_id=world.meeting_a.id, position=50 + i, title=f"Item {i}"),
            FollowUp(meeting_id=past.id, assignee_id=member.id, text=f"Follow-up {i}",
                     due_on=(utcnow() - timedelta(days=1)).date(),
                     created_by_id=facilitator.id),
        ])
        factories.make_checkpoint(world.program, f"Home checkpoint {i}", 200 + i)
        factories.make_cohort(world.program, f"Home Cohort {i}")
    db.session.commit()


def measure(app, world, count_queries) -> dict[str, int]:
    counts = {}
    for role in ROLES:
        client = client_as(app, world, role)
        with count_queries() as counter:
            response = client.get("/")
        assert response.status_code == 200
        counts[role] = counter.count
    return counts


def test_home_costs_the_same_statements_at_1x_and_5x(app, world, count_queries):
    grow(world, 1)
    one = measure(app, world, count_queries)
    page = client_as(app, world, "member_a").get("/").text
    assert "Overdue step" in page and "Question" in page and "Home Peer" in page
    grow(world, 4)
    five = measure(app, world, count_queries)
    page = client_as(app, world, "member_a").get("/").text
    assert page.count("Action step: Overdue step") == 5
    assert page.count("asked a question on your plan") == 5
    assert one == five, f"statements grew with the data: {one} -> {five}"
    over = {role: n for role, n in five.items() if n > BUDGET}
    assert not over, f"over the budget of {BUDGET} statements: {over}"
