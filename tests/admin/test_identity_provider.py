"""A district's identity provider, set by a site admin: the secret is stored encrypted and never
shown again; the domains it vouches for are checked and belong to one district only."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from plc import secretbox
from plc.audit.queries import events_of
from plc.config import ConfigError, check_encryption_keys
from plc.extensions import db
from plc.orgs.models import IdentityProvider
from tests import factories
from tests.admin.conftest import field_error

SECRET = "very-secret-client-secret-4711"


def settings(**changes) -> dict:
    data = {"issuer": "https://login.district-a.example", "client_id": "plc-client",
            "client_secret": SECRET,
            "email_domains": "District-A.example, staff.district-a.example",
            "password_sign_in": "y"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def provider_of(org) -> IdentityProvider | None:
    db.session.expire_all()
    return db.session.execute(select(IdentityProvider).where(
        IdentityProvider.organization_id == org.id)).scalar_one_or_none()


@pytest.fixture
def district(app):
    org = factories.make_org("District A")
    db.session.commit()
    return org


def test_saving_stores_the_secret_encrypted_and_never_shows_it(admin_client, district):
    url = f"/admin/organizations/{district.id}/sign-in"
    response = admin_client.post(url, data=settings())
    assert response.status_code == 302
    provider = provider_of(district)
    assert provider.issuer == "https://login.district-a.example"
    assert provider.domains == ["district-a.example", "staff.district-a.example"]
    assert SECRET not in provider.client_secret_encrypted
    assert secretbox.decrypt(provider.client_secret_encrypted) == SECRET
    page = admin_client.get(url).text
    assert SECRET not in page and provider.client_secret_encrypted not in page
    assert "A secret is stored" in page
    assert "/login/district/callback" in page  # the redirect URI to register at the provider
    [event] = events_of("identity_provider.saved")
    assert (event.target_type, event.target_id) == ("organization", district.id)
    assert event.details["secret_changed"] is True and SECRET not in str(event.details)


def test_an_empty_secret_keeps_the_stored_one(admin_client, district):
    url = f"/admin/organizations/{district.id}/sign-in"
    admin_client.post(url, data=settings())
    admin_client.post(url, data=settings(client_secret="", password_sign_in=None,
                                         client_id="other-client"))
    provider = provider_of(district)
    assert provider.client_id == "other-client" and provider.password_sign_in is False
    assert secretbox.decrypt(provider.client_secret_encrypted) == SECRET


def test_a_new_provider_needs_a_secret(admin_client, district):
    page = admin_client.post(f"/admin/organizations/{district.id}/sign-in",
                             data=settings(client_secret=""))
    assert field_error(page.text, "client_secret") == "Enter the client secret."
    assert provider_of(district) is None


@pytest.mark.parametrize("issuer", ["http://login.example.org", "ftp://x.example",
                                    "https://login.example.org/?tenant=1", "not a url"])
def test_the_issuer_is_https_except_on_this_machine(admin_client, district, issuer):
    page = admin_client.post(f"/admin/organizations/{district.id}/sign-in",
                             data=settings(issuer=issuer))
    assert "https://" in field_error(page.text, "issuer")
    assert provider_of(district) is None


def test_a_domain_is_vouched_for_by_one_district_only(admin_client, district):
    other = factories.make_org("District B")
    db.session.commit()
    admin_client.post(f"/admin/organizations/{district.id}/sign-in", data=settings())
    page = admin_client.post(f"/admin/organizations/{other.id}/sign-in",
                             data=settings(email_domains="district-b.example district-a.example"))
    assert "district-a.example is already vouched for by District A" in \
        field_error(page.text, "email_domains")
    page = admin_client.post(f"/admin/organizations/{other.id}/sign-in",
                             data=settings(email_domains="not_a domain!"))
    assert "Not an e-mail domain" in field_error(page.text, "email_domains")
    assert provider_of(other) is None


def test_a_school_has_no_provider_page(admin_client, district):
    school = factories.make_org("Oak School", parent=district)
    db.session.commit()
    assert admin_client.get(f"/admin/organizations/{school.id}/sign-in").status_code == 404


def test_removing_the_provider_and_deleting_the_district(admin_client, district):
    url = f"/admin/organizations/{district.id}/sign-in"
    admin_client.post(url, data=settings())
    assert "district account" in admin_client.get("/admin/organizations").text
    admin_client.post(url + "/remove")
    assert provider_of(district) is None
    assert [e.target_id for e in events_of("identity_provider.removed")] == [district.id]
    admin_client.post(url, data=settings())
    assert admin_client.post(f"/admin/organizations/{district.id}/delete").status_code == 302
    assert db.session.execute(select(IdentityProvider)).first() is None


def test_the_key_comes_from_configuration_and_rotates(app):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    app.config["SECRET_ENCRYPTION_KEY"] = old
    stored = secretbox.encrypt("s")
    app.config["SECRET_ENCRYPTION_KEY"] = f"{new},{old}"
    assert secretbox.decrypt(stored) == "s"  # the old key still reads
    assert Fernet(new.encode()).decrypt(secretbox.encrypt("t").encode()) == b"t"
    app.config["SECRET_ENCRYPTION_KEY"] = new
    with pytest.raises(secretbox.SecretUnreadable):
        secretbox.decrypt(stored)
    with pytest.raises(ConfigError):
        check_encryption_keys("not-a-fernet-key")


def test_without_a_configured_key_one_is_derived_from_the_secret_key(app):
    app.config["SECRET_ENCRYPTION_KEY"] = None
    stored = secretbox.encrypt("s")
    assert secretbox.decrypt(stored) == "s"
    app.config["SECRET_KEY"] = "another secret key entirely, 32 bytes long"
    with pytest.raises(secretbox.SecretUnreadable):
        secretbox.decrypt(stored)
