"""Every page runs a fixed number of SQL statements, whatever the amount of data.

Each GET route of the permission matrix is requested by every role that may see it, on a world
grown once and on one grown five times over; the statement counts must be equal and within
budget.
"""

from __future__ import annotations

import pytest

from plc.extensions import db
from plc.notifications import queries as notification_queries
from plc.notifications.models import Notification
from tests import (
    matrix_api,
    matrix_audit,
    matrix_dashboards,
    matrix_feedback,
    matrix_meetings,
    matrix_plans,
    matrix_privacy,
    matrix_voice,
)
from tests.permission_world import GROWN_5, ROLES
from tests.test_permissions import CASES, OK, client_as

DEFAULT_BUDGET = 10
BUDGETS: dict[str, int] = {
    # Every signed-in page: one statement for the session, its roles and the navigation's
    # unread count (the test at the end).
    # Worksheet: checkpoint, own cohorts, the worksheet with ratings and changes (3), the
    # rubric (3), the previous checkpoint's ratings.
    "assessments.worksheet": 13,
    # The framework editor: the draft alone (editor, previews); the drafts, the frameworks and
    # who offers them (list); the programmes and frameworks to choose from (new draft).
    "rubrics.drafts": 4,
    "rubrics.new_draft": 3,
    "rubrics.edit_draft": 2,
    "rubrics.preview_draft": 2,
    "rubrics.preview_worksheet": 2,
    "assessments.view_assessment": 11,
    "assessments.member_growth": 11,
    "assessments.ratings_overview": 11,
    # The to-do list (issue 14): tests/main/test_home_budget.py counts it statement by
    # statement (15 for a member, 13 for a facilitator, 11 for a lead); someone who is all
    # three at once needs 23.
    "main.home": 15,
    # Each area's own budgets live beside its matrix cases.
    **matrix_plans.BUDGETS,
    **matrix_feedback.BUDGETS,
    **matrix_meetings.BUDGETS,
    **matrix_dashboards.BUDGETS,
    **matrix_api.BUDGETS,
    **matrix_audit.BUDGETS,
    **matrix_privacy.BUDGETS,
    **matrix_voice.BUDGETS,
}

PAGES = [c for c in CASES if c.method == "GET" and c.endpoint not in ("static", "bootstrap.static")]


def measure(app, world, case, count_queries) -> dict[str, int]:
    counts = {}
    for role in ROLES:
        if case.expected[role] != OK or role == "deactivated":
            continue
        client = client_as(app, world, role)
        url = case.url(world)
        with count_queries() as counter:
            response = client.get(url)
        assert response.status_code in (200, 302), f"{role} {url}: {response.status_code}"
        counts[role] = counter.count
    return counts


@pytest.mark.parametrize("case", PAGES, ids=lambda c: c.id)
def test_page_query_count_does_not_grow_with_data(app, worlds, grown_world, count_queries,
                                                 second_factor_required, case):
    small = measure(app, grown_world, case, count_queries)
    large = measure(app, worlds.clone(GROWN_5), case, count_queries)
    assert small == large, f"{case.id}: statements grew with the data: {small} -> {large}"
    budget = BUDGETS.get(case.endpoint, DEFAULT_BUDGET)
    over = {role: n for role, n in large.items() if n > budget}
    assert not over, f"{case.id}: over the budget of {budget} statements: {over}"


def test_a_signed_in_page_reads_session_roles_and_unread_count_in_one_statement(app, world,
                                                                               count_queries):
    """Issue 16: the frame every signed-in page pays (who is signed in, their roles, the
    navigation's unread count) is the session's one statement."""
    member = world.users["member_a"]
    already = notification_queries.unread_count(member.id)
    db.session.add_all([Notification(user_id=member.id, kind="nudge", text="Time for an update")
                        for _ in range(2)])
    db.session.commit()
    client = client_as(app, world, "member_a")
    with count_queries() as counter:
        page = client.get("/notifications")
    assert page.status_code == 200
    assert f'id="unread-count">{already + 2}<' in page.get_data(as_text=True)
    frame = [s for s in counter.statements if "user_sessions" in s]
    assert len(frame) == 1 and "memberships" in frame[0] and "notifications" in frame[0]
    others = [s for s in counter.statements if s not in frame]
    assert not [s for s in others if "UNION ALL" in s or "program_leads" in s], "roles read again"
    assert not [s for s in others if "count(" in s.lower()], "unread count read again"


def test_a_signed_in_404_page_reads_nobody_again(app, world, count_queries):
    """A GET refused with a 404 keeps its transaction until the request ends, so the error
    page shows the signed-in person from the session's statement instead of reading them
    again (plc/unit_of_work.py)."""
    client = client_as(app, world, "member_a")
    with count_queries() as counter:
        page = client.get(f"/plans/{world.plan_a.id + 10_000}")
    assert page.status_code == 404
    assert world.users["member_a"].name in page.get_data(as_text=True)
    frame = [s for s in counter.statements if "user_sessions" in s]
    reread = [s for s in counter.statements if s not in frame and "FROM users" in s]
    assert len(frame) == 1 and reread == [], counter.statements
