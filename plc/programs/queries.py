from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import String, bindparam, cast, func, literal, select, union_all
from sqlalchemy.orm import joinedload, selectinload

from plc.accounts.models import User
from plc.db import built_once
from plc.extensions import db
from plc.orgs import queries as org_queries
from plc.orgs.models import Organization
from plc.programs.models import (
    FACILITATOR,
    MEMBER,
    Cohort,
    Invitation,
    Membership,
    Program,
    ProgramFramework,
    ProgramLead,
)
from plc.programs.roster import Existing, ParsedRoster, name_key
from plc.rubrics.models import Framework

# --- who is where: the membership facts every area asks about -------------------------------


def member_cohorts(user_id, program_id):
    """The select of the cohorts of the programme where the person is a member (facilitators
    do not keep a worksheet or a plan for the cohorts they run). ``user_id`` and
    ``program_id`` are values, or columns of an outer query (a plan's author and programme)."""
    return (
        select(Membership.cohort_id)
        .join(Cohort, Cohort.id == Membership.cohort_id)
        .where(Membership.user_id == user_id, Membership.role == MEMBER,
               Cohort.program_id == program_id)
    )


def member_cohort_ids(user_id: int, program_id: int) -> frozenset[int]:
    return frozenset(db.session.execute(
        _member_cohorts_statement(), {"user_id": user_id, "program_id": program_id}).scalars())


@built_once
def _member_cohorts_statement():
    return member_cohorts(bindparam("user_id"), bindparam("program_id"))


# --- which framework: a programme offers one or more, each cohort rates on one -------------


def cohort_framework_id(cohort: Cohort, program: Program) -> int | None:
    """The framework the cohort's members rate on: its own choice, else the programme's first."""
    return cohort.framework_id or program.framework_id


def member_framework_id(user_id: int, program: Program) -> int | None:
    """The framework the person rates on in the programme: that of their cohort there (the
    first made, should they be a member of two), else the programme's first (a lead, a
    facilitator). One statement."""
    found = db.session.execute(
        _member_framework_statement(), {"user_id": user_id, "program_id": program.id}).first()
    return (found[0] if found else None) or program.framework_id


@built_once
def _member_framework_statement():
    return (
        select(Cohort.framework_id)
        .join(Membership, Membership.cohort_id == Cohort.id)
        .where(Membership.user_id == bindparam("user_id"), Membership.role == MEMBER,
               Cohort.program_id == bindparam("program_id"))
        .order_by(Cohort.id).limit(1)
    )


def offered_framework_ids(program: Program) -> list[int]:
    """The frameworks the programme offers, its first first. One statement."""
    more = db.session.execute(
        select(ProgramFramework.framework_id).where(ProgramFramework.program_id == program.id)
        .order_by(ProgramFramework.position)
    ).scalars()
    first = [program.framework_id] if program.framework_id else []
    return first + [f for f in more if f not in first]


def cohort_frameworks(program: Program) -> dict[int, int | None]:
    """cohort id -> the framework its members rate on, for every cohort of the programme."""
    return {cid: chosen for cid, _name, chosen in cohorts_with_frameworks(program)}


def cohorts_with_frameworks(program: Program) -> list[tuple[int, str, int | None]]:
    """(id, name, the framework its members rate on) of every cohort of the programme, by
    name. One statement."""
    return [(cid, name, chosen or program.framework_id) for cid, name, chosen in db.session.execute(
        select(Cohort.id, Cohort.name, Cohort.framework_id).where(Cohort.program_id == program.id)
        .order_by(Cohort.name, Cohort.id)
    ).all()]


def cohort_name(cohort_id: int) -> str:
    return db.session.execute(select(Cohort.name).where(Cohort.id == cohort_id)).scalar_one()


def offered_frameworks(program: Program) -> list[tuple[int, str]]:
    """(id, label) of the frameworks the programme offers, its first first. One statement."""
    return [(f.id, f.label) for f in offered_framework_rows(program)]


def offered_framework_rows(program: Program) -> list[Framework]:
    """The frameworks the programme offers (their own columns only), its first first. One
    statement."""
    if program.framework_id is None:
        return []
    return list(db.session.execute(
        select(Framework)
        .outerjoin(ProgramFramework, (ProgramFramework.framework_id == Framework.id)
                   & (ProgramFramework.program_id == program.id))
        .where((Framework.id == program.framework_id) | ProgramFramework.id.is_not(None))
        .order_by(ProgramFramework.position.nulls_first())
    ).scalars())


# The role a row of roles_of_people gives to a programme the person leads.
PROGRAM_LEAD = "program_lead"


def roles_of_people(user_ids: Collection[int]) -> list[tuple[int, int, str]]:
    """(user id, place id, role) for every cohort these people are in (the cohort's id; role
    member or facilitator) and every programme they lead (the programme's id; PROGRAM_LEAD):
    one statement however many people, so that a fan-out to every reader of a plan asks once."""
    if not user_ids:
        return []
    ids = sorted(user_ids)
    in_cohorts = select(Membership.user_id, Membership.cohort_id, Membership.role).where(
        Membership.user_id.in_(ids))
    leading = select(ProgramLead.user_id, ProgramLead.program_id,
                     literal(PROGRAM_LEAD, String)).where(ProgramLead.user_id.in_(ids))
    return [tuple(row) for row in db.session.execute(union_all(in_cohorts, leading)).all()]


def roles_columns(user_id) -> tuple:
    """Two columns for a statement that reads one person (``user_id`` a column of it): their
    cohort roles and the programmes they lead, as text that ``parse_roles`` reads. The
    session's statement carries them, so a signed-in page reads roles without a statement of
    their own."""
    cohorts = select(func.aggregate_strings(
        cast(Membership.cohort_id, String) + ":" + Membership.role, ",")
    ).where(Membership.user_id == user_id).scalar_subquery()
    led = select(func.aggregate_strings(cast(ProgramLead.program_id, String), ",")
                 ).where(ProgramLead.user_id == user_id).scalar_subquery()
    return cohorts, led


def parse_roles(cohorts: str | None, led: str | None) -> tuple[dict[int, str], frozenset[int]]:
    """The values of ``roles_columns``: {cohort id: role} and the led programmes' ids."""
    cohort_roles = {}
    if cohorts:
        for pair in cohorts.split(","):
            cohort_id, role = pair.split(":", 1)
            cohort_roles[int(cohort_id)] = role
    led_ids = frozenset(int(i) for i in led.split(",")) if led else frozenset()
    return cohort_roles, led_ids


def my_memberships(user: User) -> list[Membership]:
    return list(db.session.execute(_my_memberships_statement(), {"user_id": user.id}).scalars())


@built_once
def _my_memberships_statement():
    return (
        select(Membership)
        .join(Membership.cohort)
        .join(Cohort.program)
        .where(Membership.user_id == bindparam("user_id"))
        .options(joinedload(Membership.cohort).joinedload(Cohort.program))
        .order_by(Program.starts_on.desc(), Cohort.name)
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
            # "facilitator" sorts before "member": facilitators head the roster.
            .order_by(Membership.role, User.name)
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


# --- programmes area (added) -------------------------------------------------------------


def program(program_id: int) -> Program | None:
    return db.session.get(Program, program_id)


def cohort_counts(program_id: int) -> dict[int, tuple[int, int]]:
    """cohort id -> (members, facilitators) for every cohort of the programme, in one query."""
    rows = db.session.execute(
        select(
            Membership.cohort_id,
            func.count().filter(Membership.role == MEMBER),
            func.count().filter(Membership.role == FACILITATOR),
        )
        .join(Cohort, Cohort.id == Membership.cohort_id)
        .where(Cohort.program_id == program_id)
        .group_by(Membership.cohort_id)
    ).all()
    return {cohort_id: (members, facilitators) for cohort_id, members, facilitators in rows}


def cohorts_per_program(program_ids: list[int]) -> dict[int, int]:
    if not program_ids:
        return {}
    return dict(
        db.session.execute(
            select(Cohort.program_id, func.count())
            .where(Cohort.program_id.in_(program_ids))
            .group_by(Cohort.program_id)
        ).all()
    )


def program_name_taken(name: str, exclude_id: int | None = None) -> bool:
    stmt = select(Program.id).where(func.lower(Program.name) == name.lower())
    if exclude_id is not None:
        stmt = stmt.where(Program.id != exclude_id)
    return db.session.execute(stmt.limit(1)).first() is not None


def cohort_name_taken(program_id: int, name: str, exclude_id: int | None = None) -> bool:
    stmt = select(Cohort.id).where(
        Cohort.program_id == program_id, func.lower(Cohort.name) == name.lower()
    )
    if exclude_id is not None:
        stmt = stmt.where(Cohort.id != exclude_id)
    return db.session.execute(stmt.limit(1)).first() is not None


def program_lead(program_id: int, user_id: int) -> ProgramLead | None:
    return db.session.execute(
        select(ProgramLead).where(
            ProgramLead.program_id == program_id, ProgramLead.user_id == user_id
        )
    ).scalar_one_or_none()


def lead_count(program_id: int) -> int:
    return db.session.execute(
        select(func.count()).select_from(ProgramLead).where(ProgramLead.program_id == program_id)
    ).scalar_one()


def membership(cohort_id: int, user_id: int) -> Membership | None:
    """One person's place in a cohort, with the person loaded."""
    return db.session.execute(
        select(Membership)
        .where(Membership.cohort_id == cohort_id, Membership.user_id == user_id)
        .options(joinedload(Membership.user))
    ).scalar_one_or_none()


def invitation_expiries(cohort_id: int) -> dict[int, datetime]:
    """user id -> when their latest invitation expires, for the cohort's people who have not
    set a password yet (the roster marks them), in one query."""
    return dict(
        db.session.execute(
            select(Invitation.user_id, func.max(Invitation.expires_at))
            .join(Membership, Membership.user_id == Invitation.user_id)
            .join(User, User.id == Invitation.user_id)
            .where(Membership.cohort_id == cohort_id, User.password_hash.is_(None))
            .group_by(Invitation.user_id)
        ).all()
    )


# Keeps each IN (...) list well below every database's limit on bound parameters.
_CHUNK = 1000


def users_by_email(emails: set[str]) -> dict[str, User]:
    """Accounts for these (normalized) e-mails: one query per thousand addresses."""
    ordered = sorted(emails)
    found: dict[str, User] = {}
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start : start + _CHUNK]
        for user in db.session.execute(select(User).where(User.email.in_(chunk))).scalars():
            found[user.email] = user
    return found


def member_ids(cohort_id: int) -> frozenset[int]:
    return frozenset(
        db.session.execute(
            select(Membership.user_id).where(Membership.cohort_id == cohort_id)
        ).scalars()
    )


def roster_lookup(cohort: Cohort, parsed: ParsedRoster) -> Existing:
    """Everything a roster import must know about existing people and places, in four
    queries however long the file is."""
    wanted = {name_key(name) for name in parsed.district_names}
    districts: dict[str, int] = {}
    if wanted:
        for district_id, name in sorted(org_queries.district_names()):
            districts.setdefault(name_key(name), district_id)
        districts = {key: value for key, value in districts.items() if key in wanted}
    schools: dict[tuple[int, str], int] = {}
    for school_id, district_id, name in sorted(org_queries.school_names(set(districts.values()))):
        schools.setdefault((district_id, name_key(name)), school_id)
    return Existing(
        users=users_by_email(parsed.emails),
        member_ids=member_ids(cohort.id),
        districts=districts,
        schools=schools,
    )
