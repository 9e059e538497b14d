"""The cohort feed: what the viewer may read, newest first, paginated; leads get 404."""

from __future__ import annotations

from plc.extensions import db
from plc.feedback.models import Comment
from plc.plans.models import DRAFT, FACILITATORS_ONLY
from tests.conftest import login


def feed_of(app, world, role, page=1):
    client = app.test_client()
    login(client, world.users[role])
    return client.get(f"/cohorts/{world.cohort_a.id}/feed?page={page}")


def test_the_cohort_sees_shared_plans_updates_and_comments_newest_first(app, world):
    db.session.add(Comment(plan_id=world.plan_a.id, author_id=world.users["peer_a"].id,
                           body="Newest remark"))
    db.session.commit()
    html = feed_of(app, world, "peer_a").text
    assert "Member A shared their action plan" in html
    assert "Member A posted a progress update" in html and "Observed one class" in html
    assert html.index("Newest remark") < html.index("Happy to hear ideas")
    assert html.index("Happy to hear ideas") < html.index("shared their action plan")


def test_a_facilitators_only_plan_shows_to_facilitators_not_peers(app, world):
    world.plan_a.visibility = FACILITATORS_ONLY
    db.session.commit()
    assert "Happy to hear ideas" not in feed_of(app, world, "peer_a").text
    assert "Happy to hear ideas" in feed_of(app, world, "facilitator_a").text


def test_a_draft_shows_to_nobody_and_removed_comments_leave(app, world):
    db.session.add(Comment(plan_id=world.plan_a.id, author_id=world.users["peer_a"].id,
                           body="Gone soon", deleted_at=world.plan_a.shared_at))
    db.session.commit()
    assert "Gone soon" not in feed_of(app, world, "peer_a").text
    world.plan_a.visibility = DRAFT
    db.session.commit()
    for role in ("peer_a", "facilitator_a", "member_a"):
        assert "Happy to hear ideas" not in feed_of(app, world, role).text


def test_people_outside_the_cohort_get_404(app, world):
    for role in ("program_lead", "site_admin", "member_b", "facilitator_b"):
        assert feed_of(app, world, role).status_code == 404


def test_the_feed_is_paginated(app, world):
    for n in range(25):
        db.session.add(Comment(plan_id=world.plan_a.id, author_id=world.users["peer_a"].id,
                               body=f"Remark number {n:02}"))
    db.session.commit()
    first, second = feed_of(app, world, "peer_a").text, feed_of(app, world, "peer_a", 2).text
    assert first.count("Remark number") == 20 and second.count("Remark number") == 5
    assert "?page=2" in first and "?page=3" not in second
    assert "shared their action plan" in second
