from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from plc.accounts.models import User
from plc.extensions import db
from plc.orgs.models import DISTRICT, IdentityProvider, Organization


def districts_with_schools() -> list[Organization]:
    return list(
        db.session.execute(
            select(Organization)
            .where(Organization.kind == DISTRICT)
            .options(selectinload(Organization.schools))
            .order_by(Organization.name)
        ).scalars()
    )


NO_ORGANIZATION = 0  # the select-box value for "no organization"


def organization_choices_or_none() -> list[tuple[int, str]]:
    return [(NO_ORGANIZATION, "(none)"), *organization_choices()]


def organization_choices() -> list[tuple[int, str]]:
    """Every district, each followed by its schools, labelled for a select box."""
    district = aliased(Organization)
    rows = db.session.execute(
        select(Organization.id, Organization.name, district.name)
        .outerjoin(district, Organization.parent_id == district.id)
    ).all()
    labelled = [
        (org_id, f"{parent} — {name}" if parent else name) for org_id, name, parent in rows
    ]
    return sorted(labelled, key=lambda pair: pair[1].lower())


def find_district(name: str) -> Organization | None:
    return db.session.execute(
        select(Organization).where(
            Organization.kind == DISTRICT,
            Organization.name == name,
            Organization.parent_id.is_(None),
        )
    ).scalar_one_or_none()


def organization(org_id: int) -> Organization | None:
    """One district or school, with its district loaded (pages name both)."""
    return db.session.execute(
        select(Organization)
        .where(Organization.id == org_id)
        .options(joinedload(Organization.parent))
    ).scalar_one_or_none()


def name_taken(parent_id: int | None, name: str, exclude_id: int | None = None) -> bool:
    """Whether a sibling already uses this name, whatever its case: "Oak Elementary" and
    "oak elementary" would be the same place to a reader. Compared in Python because SQLite's
    lower() folds only ASCII ("École"). Districts have parent_id NULL, which the database's
    unique constraint does not cover, so this check is their only guard."""
    parent = (
        Organization.parent_id.is_(None) if parent_id is None
        else Organization.parent_id == parent_id
    )
    stmt = select(Organization.name).where(parent)
    if exclude_id is not None:
        stmt = stmt.where(Organization.id != exclude_id)
    wanted = name.casefold()
    return any(n.casefold() == wanted for n in db.session.execute(stmt).scalars())


def people_count(org: Organization) -> int:
    return db.session.execute(
        select(func.count(User.id)).where(User.organization_id == org.id)
    ).scalar_one()


def school_count(district: Organization) -> int:
    return db.session.execute(
        select(func.count(Organization.id)).where(Organization.parent_id == district.id)
    ).scalar_one()


def people_counts() -> dict[int, int]:
    """People per organization, in one grouped query (the list shows which can be deleted)."""
    return dict(
        db.session.execute(
            select(User.organization_id, func.count(User.id))
            .where(User.organization_id.is_not(None))
            .group_by(User.organization_id)
        ).all()
    )


# --- for the roster import (programmes area) --------------------------------------------


def district_names() -> list[tuple[int, str]]:
    """(id, name) of every district; names are matched in Python, where case folding also
    works for accented names (SQLite's lower() only folds ASCII)."""
    return list(
        db.session.execute(
            select(Organization.id, Organization.name).where(
                Organization.kind == DISTRICT, Organization.parent_id.is_(None)
            )
        ).tuples()
    )


def school_names(district_ids: set[int]) -> list[tuple[int, int, str]]:
    """(id, district id, name) of every school in these districts."""
    if not district_ids:
        return []
    return list(
        db.session.execute(
            select(Organization.id, Organization.parent_id, Organization.name).where(
                Organization.parent_id.in_(district_ids)
            )
        ).tuples()
    )


# --- districts' identity providers (sign-in with the district's account) -------------------


def identity_provider_of(org_id: int) -> IdentityProvider | None:
    return db.session.execute(
        select(IdentityProvider).where(IdentityProvider.organization_id == org_id)
    ).scalar_one_or_none()


def identity_provider(provider_id: int) -> IdentityProvider | None:
    """One provider with its district (the sign-in pages name it)."""
    return db.session.execute(
        select(IdentityProvider).where(IdentityProvider.id == provider_id)
        .options(joinedload(IdentityProvider.organization))
    ).scalar_one_or_none()


def identity_providers() -> list[IdentityProvider]:
    """Every district's provider (a handful on any site), with its district."""
    return list(db.session.execute(
        select(IdentityProvider).options(joinedload(IdentityProvider.organization))
    ).scalars())


def provider_for_email(email: str) -> IdentityProvider | None:
    """The provider that vouches for this address's domain, if any (a domain belongs to one
    provider at most: plc/orgs/services.py refuses a second)."""
    for provider in identity_providers():
        if provider.vouches_for(email):
            return provider
    return None


def provider_district_ids() -> set[int]:
    """Districts with a provider (the organizations page marks them)."""
    return set(db.session.execute(select(IdentityProvider.organization_id)).scalars())
