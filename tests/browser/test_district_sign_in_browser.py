"""Signing in with the district's account in a real Chromium: a member of district A through
A's OpenID provider, a member of district B through B's (two real provider processes,
tests/oidc/providers.py), and a member of a password-only district with a password. Every PLC
page and the providers' sign-in pages pass the page checker."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from plc.extensions import db
from plc.orgs import services as org_services
from tests import factories
from tests.browser.conftest import PHONE, sign_in
from tests.conftest import free_port
from tests.oidc.providers import CLIENT_SECRET, Account, start_provider


@pytest.fixture
def district_providers(live_server, tmp_path):
    callback = [f"{live_server.url}/login/district/callback"]
    a = start_provider("a", free_port(), callback,
                       [Account("ann@district-a.test", "a-ann", "ann@district-a.test")], tmp_path)
    try:
        b = start_provider("b", free_port(), callback,
                           [Account("bob@district-b.test", "b-bob", "bob@district-b.test")],
                           tmp_path)
    except BaseException:
        a.stop()
        raise
    with live_server.app.app_context():
        admin = factories.make_user("root@example.org", "Root", admin=True)
        for letter, provider, password, (email, name) in (
                ("A", a, True, ("ann@district-a.test", "Ann Archer")),
                ("B", b, False, ("bob@district-b.test", "Bob Baker"))):
            district = factories.make_org(f"District {letter}")
            org_services.save_identity_provider(
                admin, district, issuer=provider.issuer, client_id=provider.client_id,
                client_secret=CLIENT_SECRET, email_domains=f"district-{letter.lower()}.test",
                password_sign_in=password)
            factories.make_user(email, name, organization=district)
        factories.make_user("carl@district-c.test", "Carl Clay",
                            organization=factories.make_org("District C"))
        db.session.commit()
    yield a, b
    a.stop()
    b.stop()


def through_district(checker, email: str, provider) -> None:
    tab = checker.page
    checker.goto("/login")
    tab.get_by_label("E-mail", exact=True).fill(email)
    # PLC's short "On to your district's sign-in" page moves on by itself (meta refresh): the
    # checker looks at the provider's page it lands on.
    with tab.expect_navigation(url=re.compile(re.escape(provider.issuer) + "/interaction/")):
        tab.get_by_role("button", name="Continue with my district’s account").click()
    checker.check()
    expect(tab.get_by_label("District e-mail")).to_have_value(email)  # the login hint
    checker.click(tab.get_by_role("button", name="Sign in"))
    expect(tab.get_by_text("Signed in with your District")).to_be_visible()


def sign_out(checker) -> None:
    checker.click(checker.page.get_by_role("button", name="Sign out", exact=True))


def test_members_of_three_districts_sign_in_each_their_way(live_server, checker,
                                                           district_providers):
    a, b = district_providers
    tab = checker.page

    through_district(checker, "ann@district-a.test", a)
    assert checker.path == "/"
    expect(tab.get_by_text("Signed in with your District A account")).to_be_visible()
    sign_out(checker)

    through_district(checker, "bob@district-b.test", b)
    expect(tab.get_by_text("Signed in with your District B account")).to_be_visible()
    sign_out(checker)

    # District B allows no password, even the right one.
    sign_in(checker, "bob@district-b.test")
    expect(tab.locator("#password-error")).to_contain_text("District B signs you in")

    sign_in(checker, "carl@district-c.test")
    assert checker.path == "/"
    expect(tab.get_by_role("button", name="Sign out", exact=True)).to_be_visible()
    sign_out(checker)

    # On a phone the sign-in page's two buttons fit the screen.
    tab.set_viewport_size(PHONE)
    checker.goto("/login")
    assert tab.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
