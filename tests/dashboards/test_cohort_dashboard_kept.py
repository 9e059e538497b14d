"""The facilitator's dashboard body, kept whole by each worker while its figures are
(plc/dashboards/views.py:Board): after every kind of write it shows beside the figures, the
kept page is the page rendered afresh and shows the change; what the clock alone changes shows
within the minute; each arrangement is kept apart; a nudge form refused is shown with its
errors, never from what was kept; and a kept body reads no member and no nudge."""

from __future__ import annotations

import pytest
from sqlalchemy import insert

from plc.dashboards import views
from plc.dashboards.models import Nudge
from plc.db import utcnow
from plc.extensions import db
from tests.feedback.test_comments import client_of
from tests.feedback.test_plan_body_kept import (
    assert_a_kept_page_shows,
    assert_an_unstamped_write_shows_after_the_minute,
    page_of,
    programme_moved_to_another_time_zone,
    statements_of,
)

FACILITATOR = "facilitator_a"


@pytest.fixture(autouse=True)
def figures_kept(app, monkeypatch):
    """The body is kept as long as its figures (the suite counts them afresh by default)."""
    monkeypatch.setitem(app.config, "FIGURES_CACHE_SECONDS", 120)


def url_of(world, query: str = "") -> str:
    return f"/cohorts/{world.cohort_a.id}/dashboard{query}"


# The writes: each readies what it needs, then returns a function that makes the write and
# returns what the page must show afterwards and what it must no longer show.


def nudge_sent(app, world):
    def write():
        response = client_of(app, world, FACILITATOR).post(
            f"/cohorts/{world.cohort_a.id}/nudges",
            data={"user_ids": [world.users["member_a"].id], "message": "How is it going?"})
        assert response.status_code == 302
        return "<time", None
    return write


def cohort_renamed(app, world):
    def write():
        world.cohort_a.name = "The Renamed Cohort"
        db.session.commit()
        return "Every member of The Renamed Cohort", None
    return write


def thresholds_changed(app, world):
    def write():
        world.program.nudge_update_days = 3
        db.session.commit()
        return "No progress update in 3 days", None
    return write


WRITES = [nudge_sent, cohort_renamed, thresholds_changed, programme_moved_to_another_time_zone]


@pytest.mark.parametrize("ready", WRITES, ids=[w.__name__ for w in WRITES])
def test_a_kept_dashboard_shows_every_change_at_once(app, world, ready):
    facilitator = client_of(app, world, FACILITATOR)
    assert_a_kept_page_shows(ready(app, world), app, facilitator, world, "cohort_dashboard")


def test_what_the_clock_alone_changes_shows_within_the_minute(app, world, monkeypatch):
    facilitator = client_of(app, world, FACILITATOR)
    unseen = insert(Nudge).values(
        cohort_id=world.cohort_a.id, user_id=world.users["member_a"].id,
        sent_by_id=world.users[FACILITATOR].id, message="Unseen", created_at=utcnow())
    assert "<time" in assert_an_unstamped_write_shows_after_the_minute(
        monkeypatch, views, facilitator, world, "cohort_dashboard", unseen)


def test_each_arrangement_is_kept_apart(app, world):
    facilitator = client_of(app, world, FACILITATOR)
    shown = {query: facilitator.get(url_of(world, query)).text
             for query in ("", "?filter=nudge", "?sort=update", "?select=flagged")}
    assert 'checked' not in shown[""] and 'checked' in shown["?select=flagged"]
    assert "Members who need a nudge" in shown["?filter=nudge"]
    assert "Every member of Cohort A, sorted by last update" in shown["?sort=update"]


def test_a_refused_nudge_is_shown_with_its_errors_not_from_what_was_kept(app, world):
    facilitator = client_of(app, world, FACILITATOR)
    kept = page_of(facilitator, world, "cohort_dashboard")
    refused = facilitator.post(f"/cohorts/{world.cohort_a.id}/nudges",
                               data={"user_ids": [world.users["member_a"].id], "message": ""})
    assert refused.status_code == 422 and "is-invalid" in refused.text
    assert f'value="{world.users["member_a"].id}" id="nudge-{world.users["member_a"].id}" checked' \
        in refused.text
    assert page_of(facilitator, world, "cohort_dashboard") == kept


def test_a_kept_dashboard_reads_no_member_and_no_nudge(app, world):
    facilitator, url = client_of(app, world, FACILITATOR), url_of(world)
    first = statements_of(lambda: facilitator.get(url))
    again = statements_of(lambda: facilitator.get(url))
    # The session, and the cohort with its programme.
    assert len(again) == 2 < len(first), "\n".join(s[:90] for s in again)
