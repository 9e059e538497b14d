"""Each page runs a fixed number of SQL statements, however many rows it shows."""

from __future__ import annotations

import re

import pytest

from plc.extensions import db
from plc.programs.models import FACILITATOR, ProgramLead
from tests import factories


def fill_cohort(cohort, people: int) -> None:
    """people in the cohort, each at a school in a district; every third one still invited."""
    district = factories.make_org()
    for n in range(people):
        school = factories.make_org(parent=district)
        user = factories.make_user(organization=school, password=None if n % 3 == 0 else
                                   factories.PASSWORD)
        factories.add_member(cohort, user, FACILITATOR if n == 0 else "member")


def invite_pending(client, cohort_id: int) -> None:
    """Give the pending people an invitation through the site, so the page marks them."""
    page = client.get(f"/cohorts/{cohort_id}")
    for user_id in _pending_ids(page.text, cohort_id):
        client.post(f"/cohorts/{cohort_id}/people/{user_id}/resend")


def _pending_ids(html: str, cohort_id: int) -> list[int]:
    return [int(m) for m in re.findall(rf"/cohorts/{cohort_id}/people/(\d+)/resend", html)]


def statements_for(client, count_queries, url: str) -> int:
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter.count


@pytest.mark.parametrize("viewer", ["lead", "member"])
def test_cohort_page_queries_do_not_grow_with_the_roster(world, client, login_as,
                                                         count_queries, viewer):
    small, large = world.cohort, factories.make_cohort(world.program, "Large cohort")
    fill_cohort(small, 4)
    fill_cohort(large, 20)
    if viewer == "member":
        factories.add_member(large, world.member)
    db.session.commit()
    small_id, large_id = small.id, large.id
    login_as(getattr(world, viewer))
    if viewer == "lead":
        invite_pending(client, small_id)
        invite_pending(client, large_id)
        assert "Invited" in client.get(f"/cohorts/{large_id}").text

    small_count = statements_for(client, count_queries, f"/cohorts/{small_id}")
    large_count = statements_for(client, count_queries, f"/cohorts/{large_id}")

    assert small_count == large_count
    assert large_count <= 5  # session (roles, unread count), cohort, roster, invitations


def test_programme_page_queries_do_not_grow_with_cohorts_or_leads(app, client, login_as,
                                                                  count_queries):
    lead = factories.make_user()
    small = factories.make_program("Small", lead=lead)
    large = factories.make_program("Large", lead=lead)
    for program, cohorts, leads in ((small, 2, 1), (large, 10, 5)):
        for _ in range(cohorts):
            fill_cohort(factories.make_cohort(program), 3)
        for _ in range(leads - 1):
            db.session.add(ProgramLead(program=program, user=factories.make_user()))
    db.session.commit()
    small_id, large_id = small.id, large.id
    login_as(lead)

    small_count = statements_for(client, count_queries, f"/programs/{small_id}")
    large_count = statements_for(client, count_queries, f"/programs/{large_id}")
    list_count = statements_for(client, count_queries, "/programs")

    assert small_count == large_count
    # session (roles, unread count), programme + cohorts + leads (3), counts
    assert large_count <= 6
    assert list_count <= 6


def test_invite_and_import_pages_run_few_queries(world, client, login_as, count_queries):
    for _ in range(30):
        factories.make_org(parent=factories.make_org())
    db.session.commit()
    login_as(world.lead)
    assert statements_for(client, count_queries, f"/cohorts/{world.cohort.id}/invite") <= 6
    assert statements_for(client, count_queries, f"/cohorts/{world.cohort.id}/import") <= 5
