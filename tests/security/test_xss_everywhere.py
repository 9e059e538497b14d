"""Every field people write in (plan focus areas, barriers, steps, support and evidence;
progress updates; meeting notes, agenda items and follow-ups; nudge messages; their own
name) holds each hostile payload in turn, and every page that shows those fields renders it
inert: no script of theirs, no event handler, no javascript:/data: URL, and template syntax
shown as text, never evaluated. Comments have their own test (tests/feedback/test_xss.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from plc.dashboards.models import Nudge
from plc.extensions import db
from plc.meetings.models import Attendance
from plc.plans.models import Barrier
from tests.conftest import login
from tests.feedback.test_xss import PageScan
from tests.permission_world import PERMISSION
from tests.worlds import Spec, world_fixture
from tests.xss_payloads import PAYLOADS

TEMPLATE_PAYLOADS = [p for p in PAYLOADS if "{{" in p]


def plant(world, payload: str) -> None:
    """Put the payload into every person-written field the world has."""
    fa, step, update = world.focus_area_a, world.step_a, world.update_a
    for name in ("change", "support_formal_learning", "support_practice",
                 "support_reflection", "support_other", "evidence"):
        setattr(fa, name, payload)
    for barrier in db.session.execute(
            select(Barrier).where(Barrier.focus_area_id == fa.id)).scalars():
        barrier.text = payload
    step.text = payload
    update.did = update.learned = update.next = payload
    world.users["member_a"].name = payload
    world.users["member_a"].title = payload
    meeting = world.meeting_a
    meeting.notes = payload
    item = world.agenda_item_a
    item.title = item.description = payload
    item.materials = payload
    world.follow_up_a.text = payload
    db.session.commit()


def pages(world) -> dict[str, list[str]]:
    """Role -> the pages where that role sees the planted fields."""
    plan, cohort, meeting = world.plan_a.id, world.cohort_a.id, world.meeting_a.id
    program = world.program.id
    return {
        "member_a": ["/", f"/plans/{plan}", f"/plans/{plan}/edit", f"/plans/{plan}/changes",
                     f"/plans/{plan}/updates/new", f"/cohorts/{cohort}/plans",
                     f"/cohorts/{cohort}/feed", "/notifications", f"/meetings/{meeting}",
                     f"/cohorts/{cohort}/my-attendance", f"/cohorts/{cohort}",
                     f"/cohorts/{cohort}/meetings"],
        "facilitator_a": ["/", f"/plans/{plan}", f"/cohorts/{cohort}/dashboard",
                          f"/cohorts/{cohort}/growth", f"/cohorts/{cohort}/participation",
                          f"/meetings/{meeting}", f"/meetings/{meeting}/attendance",
                          f"/meetings/{meeting}/notes", f"/cohorts/{cohort}",
                          f"/cohorts/{cohort}/plans"],
        "program_lead": ["/", f"/programs/{program}/dashboard", f"/cohorts/{cohort}/plans",
                         f"/cohorts/{cohort}/participation", f"/cohorts/{cohort}"],
    }


def scan(html: str, where: str) -> str:
    page = PageScan()
    page.feed(html)
    assert not page.problems, f"{where}: {page.problems}"
    return html


def with_attendance_and_a_nudge(world):
    db.session.add(Attendance(meeting_id=world.meeting_a.id, user_id=world.users["member_a"].id,
                              status="present"))
    db.session.add(Nudge(cohort_id=world.cohort_a.id, user_id=world.users["member_a"].id,
                         sent_by_id=world.users["facilitator_a"].id, message="Nudge"))
    return world


world = world_fixture("world", Spec("xss", with_attendance_and_a_nudge, base=PERMISSION))


# The payloads in a few groups, so that test workers share the ~1,200 page loads.
GROUPS = 5
PAYLOAD_GROUPS = [PAYLOADS[i::GROUPS] for i in range(GROUPS)]


def test_the_groups_hold_every_payload_once():
    assert sorted(p for group in PAYLOAD_GROUPS for p in group) == sorted(PAYLOADS)


@pytest.mark.long
@pytest.mark.parametrize("payloads", PAYLOAD_GROUPS, ids=[f"group{i}" for i in range(GROUPS)])
def test_every_written_field_renders_inert_on_every_page(app, world, payloads):
    clients = {}
    for role in pages(world):
        clients[role] = app.test_client()
        login(clients[role], world.users[role])
    visited = 0
    for payload in payloads:
        plant(world, payload)
        for role, urls in pages(world).items():
            for url in urls:
                response = clients[role].get(url)
                assert response.status_code == 200, f"{role} {url}: {response.status_code}"
                scan(response.text, f"{role} {url} with {payload!r}")
                visited += 1
    assert visited >= len(payloads) * 25


def test_template_syntax_is_shown_as_text_not_run(app, world):
    member = app.test_client()
    login(member, world.users["member_a"])
    for payload in TEMPLATE_PAYLOADS:
        plant(world, payload)
        html = member.get(f"/plans/{world.plan_a.id}").text
        shown = html.replace("&#39;", "'").replace("&#34;", '"').replace("&quot;", '"')
        assert "{{" in shown and "7*7" in shown or "config" in shown, payload
        assert ">49<" not in html
