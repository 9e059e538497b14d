"""Two districts, each with a real OpenID Connect provider (tests/oidc/providers.py), a third
that signs in with passwords only, and the people the tests sign in."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urljoin

import pytest
import requests

from plc.accounts.models import User
from plc.db import utcnow
from plc.extensions import db
from plc.orgs import services as org_services
from plc.orgs.models import IdentityProvider, Organization
from plc.programs.models import Invitation
from plc.tokens import new_token
from tests import factories
from tests.conftest import free_port
from tests.oidc.providers import CLIENT_SECRET, Account, RunningProvider, start_provider
from tests.worlds import Spec, world_fixture

CALLBACK = "http://plc.test/login/district/callback"  # the test app's SERVER_NAME

ACCOUNTS_A = [
    Account("ann@district-a.test", "a-ann", "ann@district-a.test", name="Ann"),
    # Ann again, after the district changed her address: the same subject.
    Account("ann.renamed@district-a.test", "a-ann", "ann.renamed@district-a.test"),
    # Someone else whom the district (wrongly, or after a reuse) gives Ann's address.
    Account("mallory@district-a.test", "a-mallory", "ann@district-a.test"),
    Account("ivy@district-a.test", "a-ivy", "ivy@district-a.test"),
    Account("eve@district-a.test", "a-eve", "eve@district-a.test"),
    Account("dan@district-a.test", "a-dan", "dan@district-a.test"),
    Account("tess@district-a.test", "a-tess", "tess@district-a.test"),
    Account("uma@district-a.test", "a-uma", "uma@district-a.test", email_verified=False),
    Account("nobody@district-a.test", "a-nobody", "nobody@district-a.test"),
    Account("oscar@district-a.test", "a-oscar", "oscar@elsewhere.test"),
]
ACCOUNTS_B = [
    Account("bob@district-b.test", "b-bob", "bob@district-b.test", name="Bob"),
    # District B's provider speaking for an address of district A.
    Account("ann@district-b.test", "b-ann", "ann@district-a.test"),
]


@dataclass
class Providers:
    a: RunningProvider
    b: RunningProvider


_running: dict[str, Providers] = {}


@pytest.fixture(scope="session")
def providers(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("oidc")
    a = start_provider("a", free_port(), [CALLBACK], ACCOUNTS_A, workdir)
    try:
        b = start_provider("b", free_port(), [CALLBACK], ACCOUNTS_B, workdir)
    except BaseException:
        a.stop()
        raise
    _running["now"] = Providers(a, b)
    yield _running["now"]
    a.stop()
    b.stop()


@dataclass
class Districts:
    a: Organization
    b: Organization
    c: Organization
    provider_a: IdentityProvider
    provider_b: IdentityProvider
    admin: User
    people: dict[str, User]


def build_districts() -> Districts:
    running = _running["now"]  # the world is built after the providers started (see below)
    admin = factories.make_user("root@example.org", "Root", admin=True)
    a, b, c = (factories.make_org(f"District {x}") for x in "ABC")
    provider_a = org_services.save_identity_provider(
        admin, a, issuer=running.a.issuer, client_id=running.a.client_id,
        client_secret=CLIENT_SECRET, email_domains="district-a.test", password_sign_in=True)
    provider_b = org_services.save_identity_provider(
        admin, b, issuer=running.b.issuer, client_id=running.b.client_id,
        client_secret=CLIENT_SECRET, email_domains="district-b.test", password_sign_in=False)
    people = {
        "ann": factories.make_user("ann@district-a.test", "Ann", organization=a),
        "ivy": factories.make_user("ivy@district-a.test", "Ivy", organization=a, password=None),
        "eve": factories.make_user("eve@district-a.test", "Eve", organization=a, password=None),
        "dan": factories.make_user("dan@district-a.test", "Dan", organization=a, active=False),
        "tess": factories.make_user("tess@district-a.test", "Tess", organization=a),
        "uma": factories.make_user("uma@district-a.test", "Uma", organization=a),
        "oscar": factories.make_user("oscar@elsewhere.test", "Oscar", organization=a),
        "bob": factories.make_user("bob@district-b.test", "Bob", organization=b),
        "carl": factories.make_user("carl@district-c.test", "Carl", organization=c),
    }
    factories.enrol(people["tess"])
    for who, days in (("ivy", 7), ("eve", -1)):
        db.session.add(Invitation(user_id=people[who].id, invited_by_id=admin.id,
                                  token_hash=new_token()[1],
                                  expires_at=utcnow() + timedelta(days=days)))
    db.session.commit()
    return Districts(a, b, c, provider_a, provider_b, admin, people)


_districts = world_fixture("_districts", Spec("oidc-districts", build_districts))


@pytest.fixture
def districts(providers, _districts):
    """Asks for the providers first: the world's providers name their ports."""
    return _districts


# --- driving a sign-in -----------------------------------------------------------------------


def start(client, email: str, **extra) -> str:
    """The sign-in page's district button; returns where the browser is sent on to (the page
    moves on by itself, and has a link)."""
    response = client.post("/login", data={"email": email, "district": "1", **extra})
    assert response.status_code == 200, response.text
    refresh = re.search(r'<meta http-equiv="refresh" content="0; url=([^"]+)">', response.text)
    link = re.search(r'id="district-continue" class="[^"]*" href="([^"]+)"', response.text)
    assert refresh and link and refresh.group(1) == link.group(1), response.text
    return html.unescape(link.group(1))


def at_provider(url: str, login: str, action: str = "login") -> str:
    """What a person does at the district's sign-in page (a real browser session with the
    provider's cookies); returns the URL the provider sends the browser back to."""
    browser = requests.Session()
    response = browser.get(url, allow_redirects=False, timeout=10)
    while response.is_redirect:
        response = browser.get(urljoin(response.url, response.headers["location"]),
                               allow_redirects=False, timeout=10)
    assert response.status_code == 200 and "/interaction/" in response.url, response.text
    response = browser.post(f"{response.url}/{action}", data={"login": login},
                            allow_redirects=False, timeout=10)
    while response.is_redirect and not response.headers["location"].startswith(CALLBACK):
        response = browser.get(urljoin(response.url, response.headers["location"]),
                               allow_redirects=False, timeout=10)
    assert response.is_redirect, response.text
    return response.headers["location"]


def sign_in(client, email: str, login: str | None = None, action: str = "login"):
    """The whole journey: sign-in page, the district's page, back to PLC."""
    back = at_provider(start(client, email), login or email, action)
    return client.get(back)
