"""The notifications list, opening one, "mark all read", and the unread count in the
navigation."""

from __future__ import annotations

import re

from sqlalchemy import select

from plc.db import utcnow
from plc.extensions import db
from plc.notifications import services
from plc.notifications.models import COMMENT_ON_MY_PLAN, MENTION, NUDGE, Notification
from plc.plans.models import DRAFT
from tests.conftest import login


def signed_in(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def unread_badge(html: str) -> str | None:
    match = re.search(r'id="unread-count">(\d+)<', html)
    return match.group(1) if match else None


def test_the_list_is_newest_first_with_unread_marked_and_the_count_in_the_nav(app, world):
    member = world.users["member_a"]
    services.notify(member, NUDGE, actor=world.users["facilitator_a"], text="Oldest nudge")
    services.notify(member, NUDGE, actor=world.users["facilitator_a"], text="Newest nudge")
    db.session.commit()
    client = signed_in(app, member)
    html = client.get("/notifications").text
    assert html.index("Newest nudge") < html.index("Oldest nudge")
    assert html.count(">New</span>") == 3  # notification_a and the two nudges
    assert unread_badge(html) == "3"
    assert unread_badge(client.get("/").text) == "3"
    assert unread_badge(signed_in(app, world.users["peer_a"]).get("/").text) is None


def test_opening_one_marks_it_read_and_goes_to_what_it_is_about(app, world):
    client = signed_in(app, world.users["member_a"])
    response = client.post(f"/notifications/{world.notification_a.id}")
    assert response.status_code == 302
    assert response.location.endswith(
        f"/plans/{world.plan_a.id}?comment={world.comment_a.id}#comment-{world.comment_a.id}")
    db.session.expire_all()
    assert db.session.get(Notification, world.notification_a.id).read_at is not None
    assert unread_badge(client.get("/notifications").text) is None


def test_someone_elses_notification_does_not_exist_for_you(app, world):
    for role in ("peer_a", "facilitator_a", "site_admin"):
        response = signed_in(app, world.users[role]).post(
            f"/notifications/{world.notification_a.id}")
        assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Notification, world.notification_a.id).read_at is None


def test_mark_all_read_marks_only_mine(app, world):
    services.notify(world.users["peer_a"], MENTION, actor=world.users["member_a"],
                    plan_id=world.plan_a.id)
    services.notify(world.users["member_a"], MENTION, actor=world.users["peer_a"],
                    plan_id=world.plan_a.id)
    db.session.commit()
    assert signed_in(app, world.users["member_a"]).post("/notifications/read").status_code == 302
    unread = db.session.execute(select(Notification.user_id).where(
        Notification.read_at.is_(None))).scalars().all()
    assert unread == [world.users["peer_a"].id]


def test_a_plan_back_in_draft_hides_what_was_said_about_it(app, world):
    facilitator = world.users["facilitator_a"]
    services.notify(facilitator, COMMENT_ON_MY_PLAN, actor=world.users["peer_a"],
                    plan_id=world.plan_a.id, comment_id=world.comment_a.id)
    world.plan_a.visibility = DRAFT
    db.session.commit()
    client = signed_in(app, facilitator)
    html = client.get("/notifications").text
    assert "No longer available to you." in html
    assert "Happy to hear ideas" not in html and "commented on" not in html
    [notification] = db.session.execute(select(Notification).where(
        Notification.user_id == facilitator.id)).scalars()
    response = client.post(f"/notifications/{notification.id}")
    assert response.location.endswith("/notifications")


def test_the_list_is_paginated(app, world):
    member = world.users["member_a"]
    for n in range(25):
        services.notify(member, NUDGE, actor=world.users["facilitator_a"], text=f"Nudge {n:02}")
    db.session.query(Notification).filter(Notification.read_at.is_(None)).update(
        {"read_at": utcnow()})
    db.session.commit()
    client = signed_in(app, member)
    first, second = client.get("/notifications").text, client.get("/notifications?page=2").text
    assert "Nudge 24" in first and "Nudge 05" in first and "Nudge 04" not in first
    assert "Nudge 04" in second and "Nudge 00" in second and "?page=3" not in second
    assert 'href="/notifications?page=2"' in first
