"""The meeting page and the attendance screen, for a cohort of 40, run the same number of
statements after 2 past meetings as after 12 (each with everyone's attendance, follow-ups
and progress updates)."""

from __future__ import annotations

from datetime import timedelta

from plc.db import utcnow
from plc.extensions import db
from plc.meetings.models import AgendaItem, AgendaPresenter, Attendance, FollowUp
from plc.plans.models import SHARED_WITH_COHORT, ActionPlan, ProgressUpdate
from tests import factories
from tests.matrix_meetings import BUDGETS
from tests.meetings.conftest import make_meeting
from tests.test_query_budgets import DEFAULT_BUDGET

MEMBERS = 40


def add_past_meetings(people, members, plans, start: int, count: int) -> None:
    for n in range(start, start + count):
        past = make_meeting(people.cohort, utcnow() - timedelta(days=30 * (n + 1)), f"Past {n}")
        db.session.add_all(Attendance(meeting_id=past.id, user_id=m.id,
                                      status=("present", "late", "absent")[k % 3])
                           for k, m in enumerate(members))
        db.session.add_all(FollowUp(meeting_id=past.id, assignee_id=m.id, text=f"Do {n}")
                           for m in members[:5])
        db.session.add_all(ProgressUpdate(plan_id=p.id, author_id=p.user_id, did=f"Update {n}")
                           for p in plans)
    db.session.commit()


def measure(client_for, count_queries, people, meeting) -> dict[str, int]:
    counts = {}
    for who, user, path in [
        ("member meeting", people.member, f"/meetings/{meeting.id}"),
        ("facilitator meeting", people.facilitator, f"/meetings/{meeting.id}"),
        ("lead meeting", people.lead, f"/meetings/{meeting.id}"),
        ("facilitator attendance", people.facilitator, f"/meetings/{meeting.id}/attendance"),
        ("member list", people.member, f"/cohorts/{people.cohort.id}/meetings"),
        ("facilitator list", people.facilitator, f"/cohorts/{people.cohort.id}/meetings"),
        ("member record", people.member, f"/cohorts/{people.cohort.id}/my-attendance"),
    ]:
        client = client_for(user)
        with count_queries() as counter:
            assert client.get(path).status_code == 200
        counts[who] = counter.count
    return counts


def test_forty_members_few_or_many_past_meetings(app, people, client_for, count_queries):
    members = [people.member, people.peer] + [
        factories.make_user(f"m{k}@example.org", f"Member {k:02d}") for k in range(MEMBERS - 2)]
    for member in members[2:]:
        factories.add_member(people.cohort, member)
    plans = [ActionPlan(user_id=m.id, program_id=people.cohort.program_id,
                        visibility=SHARED_WITH_COHORT) for m in members]
    db.session.add_all(plans)
    meeting = make_meeting(people.cohort, utcnow() + timedelta(days=2), "Next", notes="*Hi*",
                           note_taker_id=people.peer.id)
    for position in range(1, 6):
        item = AgendaItem(meeting_id=meeting.id, position=position, title=f"Item {position}",
                          materials="https://example.org/a\nA handout")
        db.session.add(item)
        db.session.flush()
        db.session.add_all(AgendaPresenter(agenda_item_id=item.id, user_id=m.id)
                           for m in members[position * 3:position * 3 + 3])
    db.session.add_all(FollowUp(meeting_id=meeting.id, assignee_id=m.id, text="Bring data")
                       for m in members[:10])
    db.session.commit()

    add_past_meetings(people, members, plans, 0, 2)
    few = measure(client_for, count_queries, people, meeting)
    add_past_meetings(people, members, plans, 2, 10)
    many = measure(client_for, count_queries, people, meeting)
    assert few == many
    assert max(v for k, v in many.items() if "meeting" in k) <= BUDGETS["meetings.meeting"]
    assert max(v for k, v in many.items() if "meeting" not in k) <= DEFAULT_BUDGET, many
