"""A site admin's two-factor journey in a real Chromium: sent to set it up before the admin
pages, scans (here: reads) the key, confirms with a code, keeps the recovery codes; signs in
again with a code, then on a phone (390 px) with a recovery code; sees and ends sessions.
Every page passes the page checker (axe-core, labelled fields, no console errors: the QR code
is an image, no script)."""

from __future__ import annotations

import time

import pyotp
from playwright.sync_api import expect

from plc.extensions import db
from tests import factories
from tests.browser.conftest import DESKTOP, PHONE, sign_in
from tests.conftest import REQUIRE_TOTP_DEFAULT

EMAIL = "ada.admin@example.org"


def enter_code(checker, code: str) -> None:
    tab = checker.page
    tab.get_by_label("Code from your authenticator app, or a recovery code").fill(code)
    checker.click(tab.get_by_role("button", name="Sign in"))


def sign_out(checker) -> None:
    checker.click(checker.page.get_by_role("button", name="Sign out", exact=True))


def fits_the_screen(tab) -> None:
    assert tab.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_site_admin_enrols_then_signs_in_with_a_code_and_a_recovery_code(live_server, checker):
    live_server.app.config["REQUIRE_TOTP_FOR"] = REQUIRE_TOTP_DEFAULT
    with live_server.app.app_context():
        factories.make_user(EMAIL, "Ada Admin", admin=True)
        db.session.commit()
    tab = checker.page

    sign_in(checker, EMAIL)
    checker.goto("/admin/users")
    assert checker.path == "/account/two-factor"
    expect(tab.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    expect(tab.get_by_text("Your role needs two-factor sign-in")).to_be_visible()
    qr = tab.get_by_role("img", name="QR code to add PLC to your authenticator app")
    expect(qr).to_be_visible()
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    secret = tab.locator("#totp-secret").inner_text().replace(" ", "")
    totp = pyotp.TOTP(secret)

    # A wrong code: the error next to the field, the same key still shown.
    tab.get_by_label("The 6-digit code your app shows now").fill("000000")
    checker.click(tab.get_by_role("button", name="Turn on two-factor sign-in"))
    expect(tab.locator("#code-error")).to_contain_text("does not match")
    assert tab.locator("#totp-secret").inner_text().replace(" ", "") == secret
    tab.get_by_label("The 6-digit code your app shows now").fill(totp.now())
    checker.click(tab.get_by_role("button", name="Turn on two-factor sign-in"))
    expect(tab.get_by_text("Two-factor sign-in is on.")).to_be_visible()
    codes = tab.locator(".plc-recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    tab.set_viewport_size(PHONE)
    checker.goto("/account/two-factor")  # the codes are gone on a second look
    expect(tab.locator(".plc-recovery-codes li")).to_have_count(0)
    expect(tab.get_by_text("Recovery codes left:")).to_contain_text("10")
    fits_the_screen(tab)
    tab.set_viewport_size(DESKTOP)
    checker.goto("/admin/users")
    expect(tab.get_by_role("heading", level=1)).to_be_visible()
    assert checker.path == "/admin/users"
    sign_out(checker)

    # The password alone is not enough; the code finishes signing in. (The enrolment used this
    # 30-second step's code; the app's next one is taken, one step of clock drift allowed.)
    sign_in(checker, EMAIL)
    assert checker.path == "/login/code"
    checker.goto("/admin/users")
    assert checker.path == "/login"
    sign_in(checker, EMAIL)
    enter_code(checker, totp.at(time.time() + 30))
    assert checker.path == "/"
    sign_out(checker)

    # On a phone, without the app: a recovery code, once.
    tab.set_viewport_size(PHONE)
    sign_in(checker, EMAIL)
    fits_the_screen(tab)
    enter_code(checker, codes[0])
    expect(tab.get_by_text("You signed in with a recovery code")).to_contain_text("9 left")
    fits_the_screen(tab)

    # The sessions page: this one marked; no other left open.
    checker.goto("/account/sessions")
    expect(tab.get_by_role("heading", level=1)).to_have_text("Your sessions")
    expect(tab.get_by_text("This session")).to_have_count(1)
    fits_the_screen(tab)
    checker.click(tab.get_by_role("button", name="Sign out everywhere else"))
    expect(tab.get_by_text("You are signed out everywhere else.")).to_be_visible()
    tab.set_viewport_size(DESKTOP)
    sign_out(checker)
    sign_in(checker, EMAIL)
    enter_code(checker, codes[0])
    expect(tab.locator("#code-error")).to_contain_text("That code does not work")
