"""A program lead's journey in a real Chromium: read the API guide, make a token (shown
once), read the programme's figures with it, revoke it; then the dashboard's sparklines and
the nudge thresholds on the programme form. Every page passes the page checker (axe-core,
labelled fields, no console errors, one title each)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from plc.extensions import db
from tests.browser.conftest import sign_in
from tests.dashboards import seed


@pytest.fixture
def known(live_server):
    with live_server.app.app_context():
        known = seed.build()
        ids = {"lead": known.lead.email, "program": known.program.id}
        db.session.commit()
        return ids


def test_lead_makes_uses_and_revokes_a_token(live_server, checker, known):
    tab = checker.page
    sign_in(checker, known["lead"])
    checker.goto("/api")
    expect(tab.get_by_role("heading", level=1)).to_have_text("The participation API")
    checker.click(tab.get_by_role("link", name="your API tokens page"))
    tab.get_by_label("Token name").fill("Board report")
    checker.click(tab.get_by_role("button", name="Make a token"))
    secret = tab.get_by_label("Your new token (shown only now: copy it)").input_value()
    assert len(secret) > 30

    api = tab.context.request
    me = api.get(f"{live_server.url}/api/v1/me",
                 headers={"Authorization": f"Bearer {secret}"})
    assert me.status == 200 and me.json()["programs"][0]["name"] == "Known Programme"
    figures = api.get(me.json()["programs"][0]["participation_url"],
                      headers={"Authorization": f"Bearer {secret}"})
    assert figures.status == 200 and figures.json()["total"]["members"] == 5

    checker.goto("/account/api-tokens")
    expect(tab.get_by_label("Your new token (shown only now: copy it)")).to_have_count(0)
    checker.click(tab.get_by_role("button", name="Revoke Board report"))
    expect(tab.get_by_text("revoked: it no longer works")).to_be_visible()
    gone = api.get(f"{live_server.url}/api/v1/me",
                   headers={"Authorization": f"Bearer {secret}"})
    assert gone.status == 401

    checker.goto(f"/programs/{known['program']}/dashboard")
    expect(tab.locator("#sparklines svg")).to_have_count(4)
    checker.goto(f"/programs/{known['program']}/edit")
    tab.get_by_label("Flag a member after this many days without a progress update").fill("21")
    checker.click(tab.get_by_role("button", name="Save programme"))
    expect(tab.get_by_text("The programme is saved.")).to_be_visible()
