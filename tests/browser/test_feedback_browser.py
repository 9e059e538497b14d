"""The issue's journey in Chromium: member A's plan is shared with the cohort; member B
comments and mentions A; A sees the unread count, opens the notification and replies; the
facilitator sees both comments and the cohort's recent activity; member C of another cohort
gets 404 on the plan and on its comment URLs. Every page passes the page checker (axe-core,
labelled fields, no console errors, one title per page)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from plc.accounts.models import NOTIFY_EACH
from plc.db import utcnow
from plc.extensions import db
from plc.feedback.models import Comment
from plc.plans.models import SHARED_WITH_COHORT, ActionPlan, FocusArea, ProgressUpdate
from plc.programs.models import FACILITATOR
from tests import factories
from tests.browser.conftest import sign_in


@pytest.fixture
def cast(live_server):
    with live_server.app.app_context():
        framework = factories.make_framework("browser-feedback")
        program = factories.make_program("PLC 2026-27")
        program.framework_id = framework.id
        cohort_a = factories.make_cohort(program, "Cohort A")
        cohort_b = factories.make_cohort(program, "Cohort B")
        people = {
            "ana": factories.make_user("ana.alvarez@example.org", "Ana Alvarez"),
            "ben": factories.make_user("ben.brooks@example.org", "Ben Brooks"),
            "fay": factories.make_user("fay.fox@example.org", "Fay Fox"),
            "carl": factories.make_user("carl.cruz@example.org", "Carl Cruz"),
        }
        factories.add_member(cohort_a, people["ana"])
        factories.add_member(cohort_a, people["ben"])
        factories.add_member(cohort_a, people["fay"], FACILITATOR)
        factories.add_member(cohort_b, people["carl"])
        people["ana"].notify = NOTIFY_EACH
        plan = ActionPlan(user_id=people["ana"].id, program_id=program.id,
                          visibility=SHARED_WITH_COHORT, shared_at=utcnow(),
                          focus_areas=[FocusArea(position=1, change="Listen before deciding")])
        db.session.add(plan)
        db.session.flush()
        db.session.add(ProgressUpdate(plan_id=plan.id, author_id=people["ana"].id,
                                      did="Observed a class", learned="Wait time matters"))
        db.session.commit()
        return {"plan_id": plan.id, "cohort_id": cohort_a.id,
                **{name: user.email for name, user in people.items()}}


def sign_out(checker):
    checker.click(checker.page.get_by_role("button", name="Sign out"))


def test_peer_feedback_with_a_mention_reply_and_privacy(live_server, checker, cast):
    page = checker.page
    plan_url = f"/plans/{cast['plan_id']}"

    # Member B comments on A's plan and mentions A.
    sign_in(checker, cast["ben"])
    checker.goto(plan_url)
    page.get_by_text("People you can mention").click()
    expect(page.locator("#mention-list")).to_contain_text("@ana.alvarez")
    # Suggestions as B types: only people who may read the plan (Carl is in another cohort).
    box = page.get_by_label("Your feedback")
    suggested = page.get_by_role("listbox", name="People you can mention").get_by_role("option")
    box.press_sequentially("Carl? @ca")
    expect(suggested).to_have_count(0)
    box.fill("")
    box.press_sequentially("Strong focus, @a")
    expect(suggested).to_have_text(["Ana Alvarez (@ana.alvarez)"])
    box.press("Enter")
    box.press_sequentially("- what will you **try** first?")
    expect(box).to_have_value("Strong focus, @ana.alvarez - what will you **try** first?")
    page.locator("#kind-plan").select_option("question")
    checker.click(page.get_by_role("button", name="Post feedback"))
    expect(page.get_by_role("status").first).to_contain_text("posted")
    expect(page.locator(".comment-body").first).to_contain_text("@Ana Alvarez")
    # B fixes a word; the comment is marked edited.
    checker.click(page.get_by_role("link", name="Edit your comment"))
    page.get_by_label("Your comment").fill(
        "Strong focus, @ana.alvarez! What will you **test** first?")
    checker.click(page.get_by_role("button", name="Save the comment"))
    expect(page.locator(".comment-body").first).to_contain_text("test first")
    expect(page.get_by_text("edited", exact=True)).to_be_visible()
    sign_out(checker)

    # A sees the unread count, opens the notification (marked read), replies.
    sign_in(checker, cast["ana"])
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Notifications 1 unread")).to_be_visible()
    checker.click(nav.get_by_role("link", name="Notifications 1 unread"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    checker.click(page.get_by_role("button", name="Ben Brooks mentioned you in a comment"))
    assert re.search(rf"{plan_url}\?comment=(\d+)#comment-\1$", page.url)
    expect(nav.get_by_role("link", name="Notifications", exact=True)).to_be_visible()
    page.locator("summary", has_text="Reply to Ben Brooks").click()
    page.get_by_label("Your reply").first.fill("Thanks, Ben: the observation tool.")
    checker.click(page.get_by_role("button", name="Post reply"))
    expect(page.get_by_text("Thanks, Ben: the observation tool.")).to_be_visible()
    sign_out(checker)
    # A chose an e-mail for each event: it went out over SMTP.
    assert any(m["To"] == cast["ana"] and "mentioned you" in m["Subject"]
               for m in live_server.mail)

    # The facilitator sees both comments, and the cohort's recent activity.
    sign_in(checker, cast["fay"])
    checker.goto(plan_url)
    expect(page.get_by_text("What will you")).to_be_visible()
    expect(page.get_by_text("Thanks, Ben: the observation tool.")).to_be_visible()
    checker.goto(f"/cohorts/{cast['cohort_id']}")
    checker.click(page.get_by_role("link", name="Recent activity"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Recent activity")
    expect(page.locator(".feed")).to_contain_text("Ana Alvarez shared their action plan")
    expect(page.locator(".feed")).to_contain_text("Ben Brooks commented on")
    sign_out(checker)

    # Member C, of another cohort: the plan and every comment URL are 404.
    with live_server.app.app_context():
        comment_id = db.session.execute(select(Comment.id).order_by(Comment.id)).scalars().first()
    sign_in(checker, cast["carl"])
    checker.goto(plan_url, status=404)
    checker.goto(f"/comments/{comment_id}/edit", status=404)
    checker.goto(f"/cohorts/{cast['cohort_id']}/feed", status=404)
    checker.goto("/profile")
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    for url in (f"/plans/{cast['plan_id']}/comments", f"/comments/{comment_id}/replies",
                f"/comments/{comment_id}/edit", f"/comments/{comment_id}/delete"):
        response = page.request.post(live_server.url + url,
                                     form={"csrf_token": token, "body": "Sneaky", "version": "1"})
        assert response.status == 404, url
