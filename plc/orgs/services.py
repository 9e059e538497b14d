"""Organization writes for site admins: districts, their schools, renames and deletions.

Services flush and raise DomainError; the request commits once. The caller has checked
access (plc/permissions.py: the admin blueprint requires can_administer).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask_babel import gettext as _

from plc import secretbox
from plc.accounts.models import User
from plc.audit import services as audit
from plc.db import utcnow
from plc.errors import DomainError
from plc.extensions import db
from plc.orgs import queries
from plc.orgs.models import DISTRICT, SCHOOL, IdentityProvider, Organization


def create_district(actor: User, *, name: str) -> Organization:
    return _create(name=name, kind=DISTRICT, parent=None)


def create_school(actor: User, district: Organization, *, name: str) -> Organization:
    if not district.is_district:
        raise DomainError(_("Schools belong to a district, not to another school."))
    return _create(name=name, kind=SCHOOL, parent=district)


def rename_organization(actor: User, org: Organization, *, name: str) -> None:
    name = _clean(name)
    _require_free_name(org.parent_id, name, exclude_id=org.id)
    org.name = name
    db.session.flush()


def delete_organization(actor: User, org: Organization) -> None:
    """Only an empty organization goes: deleting one with people would silently strip
    their affiliation, and a district's schools would be orphaned."""
    if org.is_district and queries.school_count(org):
        raise DomainError(
            _("%(org_name)s still has schools. Delete or rename its schools first.",
              org_name=org.name)
        )
    people = queries.people_count(org)
    if people:
        noun = "person belongs" if people == 1 else "people belong"
        raise DomainError(
            _("%(org_name)s cannot be deleted: %(people)s %(noun)s to it. Move them to another "
              "organization first.", org_name=org.name, people=people, noun=noun)
        )
    provider = queries.identity_provider_of(org.id)
    if provider is not None:
        db.session.delete(provider)
    db.session.delete(org)
    db.session.flush()


def _create(*, name: str, kind: str, parent: Organization | None) -> Organization:
    name = _clean(name)
    _require_free_name(parent.id if parent else None, name)
    org = Organization(name=name, kind=kind, parent_id=parent.id if parent else None)
    db.session.add(org)
    db.session.flush()
    return org


def _clean(name: str) -> str:
    name = " ".join(name.split())  # no stray or doubled spaces to tell two names apart
    if not name:
        raise DomainError(_("Enter a name."), field="name")
    return name


def _require_free_name(parent_id: int | None, name: str, exclude_id: int | None = None) -> None:
    if queries.name_taken(parent_id, name, exclude_id):
        where = "in this district" if parent_id else "among the districts"
        raise DomainError(_("The name “%(name)s” is already used %(where)s.", name=name,
                            where=where), field="name")


# --- a district's identity provider ----------------------------------------------------------

_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
# Plain http only to this machine (a provider under test); anywhere else the issuer is https.
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def save_identity_provider(actor: User, district: Organization, *, issuer: str, client_id: str,
                           client_secret: str | None, email_domains: str,
                           password_sign_in: bool) -> IdentityProvider:
    """Create or change the district's provider. An empty ``client_secret`` keeps the stored
    one (it is never shown again); a new provider needs one."""
    if not district.is_district:
        raise DomainError(_("Only a district has an identity provider."))
    issuer = _clean_issuer(issuer)
    domains = _clean_domains(email_domains)
    provider = queries.identity_provider_of(district.id)
    for other in queries.identity_providers():
        if other.organization_id == district.id:
            continue
        taken = sorted(set(domains) & set(other.domains))
        if taken:
            raise DomainError(_("%(domains)s is already vouched for by %(district)s’s provider.",
                                domains=", ".join(taken), district=other.organization.name),
                              field="email_domains")
    client_secret = (client_secret or "").strip()
    if provider is None:
        if not client_secret:
            raise DomainError(_("Enter the client secret."), field="client_secret")
        # Filled in below: a new provider always comes with a secret.
        provider = IdentityProvider(organization_id=district.id,
                                    client_secret_encrypted="")  # nosec B106
        db.session.add(provider)
    if client_secret:
        provider.client_secret_encrypted = secretbox.encrypt(client_secret)
    provider.issuer = issuer
    provider.client_id = client_id.strip()
    provider.email_domains = " ".join(domains)
    provider.password_sign_in = password_sign_in
    provider.updated_at = utcnow()
    db.session.flush()
    audit.record("identity_provider.saved", actor=actor, target_type="organization",
                 target_id=district.id, target_label=district.name,
                 details={"issuer": issuer, "email_domains": domains,
                          "password_sign_in": password_sign_in,
                          "secret_changed": bool(client_secret)})
    return provider


def remove_identity_provider(actor: User, district: Organization) -> None:
    """The district's people sign in with passwords again (links to the provider's subjects
    stay, unused, so that setting the same provider up again needs no new linking)."""
    provider = queries.identity_provider_of(district.id)
    if provider is not None:
        db.session.delete(provider)
        db.session.flush()
        audit.record("identity_provider.removed", actor=actor, target_type="organization",
                     target_id=district.id, target_label=district.name)


def _clean_issuer(issuer: str) -> str:
    issuer = issuer.strip()  # compared exactly with the tokens' "iss": kept as entered
    parts = urlsplit(issuer)
    local = parts.hostname in _LOCAL_HOSTS
    if (parts.scheme != "https" and not (parts.scheme == "http" and local)) or not parts.netloc \
            or parts.query or parts.fragment:
        raise DomainError(_("Enter the issuer as an https:// address without ?query or #fragment, "
                            "e.g. https://accounts.google.com."), field="issuer")
    return issuer


def _clean_domains(text: str) -> list[str]:
    domains = sorted({d.strip().lower().lstrip("@") for d in re.split(r"[\s,;]+", text)
                      if d.strip()})
    if not domains:
        raise DomainError(_("Enter at least one e-mail domain."), field="email_domains")
    bad = [d for d in domains if not _DOMAIN.match(d)]
    if bad:
        raise DomainError(_("Not an e-mail domain: %(join)s.", join=", ".join(bad)),
                          field="email_domains")
    return domains
