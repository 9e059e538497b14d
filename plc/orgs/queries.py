from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import aliased, selectinload

from plc.extensions import db
from plc.orgs.models import DISTRICT, Organization


def districts_with_schools() -> list[Organization]:
    return list(
        db.session.execute(
            select(Organization)
            .where(Organization.kind == DISTRICT)
            .options(selectinload(Organization.schools))
            .order_by(Organization.name)
        ).scalars()
    )


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
            Organization.kind == DISTRICT, Organization.name == name, Organization.parent_id.is_(None)
        )
    ).scalar_one_or_none()
