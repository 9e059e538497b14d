"""Organization writes for site admins: districts, their schools, renames and deletions.

Services flush and raise DomainError; the request commits once. The caller has checked
access (plc/permissions.py: the admin blueprint requires can_administer).
"""

from __future__ import annotations

from plc.accounts.models import User
from plc.errors import DomainError
from plc.extensions import db
from plc.orgs import queries
from plc.orgs.models import DISTRICT, SCHOOL, Organization


def create_district(actor: User, *, name: str) -> Organization:
    return _create(name=name, kind=DISTRICT, parent=None)


def create_school(actor: User, district: Organization, *, name: str) -> Organization:
    if not district.is_district:
        raise DomainError("Schools belong to a district, not to another school.")
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
            f"{org.name} still has schools. Delete or rename its schools first."
        )
    people = queries.people_count(org)
    if people:
        noun = "person belongs" if people == 1 else "people belong"
        raise DomainError(
            f"{org.name} cannot be deleted: {people} {noun} to it. "
            "Move them to another organization first."
        )
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
        raise DomainError("Enter a name.", field="name")
    return name


def _require_free_name(parent_id: int | None, name: str, exclude_id: int | None = None) -> None:
    if queries.name_taken(parent_id, name, exclude_id):
        where = "in this district" if parent_id else "among the districts"
        raise DomainError(f"The name “{name}” is already used {where}.", field="name")
