from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from plc.accounts.models import User
from plc.extensions import db
from plc.orgs.models import Organization
from plc.programs.models import Cohort, Membership, Program, ProgramLead


def my_memberships(user: User) -> list[Membership]:
    return list(
        db.session.execute(
            select(Membership)
            .join(Membership.cohort)
            .join(Cohort.program)
            .where(Membership.user_id == user.id)
            .options(joinedload(Membership.cohort).joinedload(Cohort.program))
            .order_by(Program.starts_on.desc(), Cohort.name)
        ).scalars()
    )


def my_led_programs(user: User) -> list[Program]:
    return list(
        db.session.execute(
            select(Program)
            .join(ProgramLead, ProgramLead.program_id == Program.id)
            .where(ProgramLead.user_id == user.id)
            .order_by(Program.starts_on.desc())
        ).scalars()
    )


def roster(cohort: Cohort) -> list[Membership]:
    """The cohort's people with their organization and its district, in one query."""
    return list(
        db.session.execute(
            select(Membership)
            .join(Membership.user)
            .where(Membership.cohort_id == cohort.id)
            .options(
                joinedload(Membership.user)
                .joinedload(User.organization)
                .joinedload(Organization.parent)
            )
            .order_by(Membership.role.desc(), User.name)
        ).scalars()
    )


def programs(visible) -> list[Program]:
    return list(
        db.session.execute(
            select(Program).where(visible).order_by(Program.starts_on.desc(), Program.name)
        ).scalars()
    )


def program_with_cohorts(program_id: int) -> Program | None:
    return db.session.execute(
        select(Program)
        .where(Program.id == program_id)
        .options(
            selectinload(Program.cohorts),
            selectinload(Program.leads).joinedload(ProgramLead.user),
        )
    ).scalar_one_or_none()


def cohort(cohort_id: int) -> Cohort | None:
    return db.session.execute(
        select(Cohort).where(Cohort.id == cohort_id).options(joinedload(Cohort.program))
    ).scalar_one_or_none()
