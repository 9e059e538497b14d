"""Plain factories with sensible defaults. They add and flush; tests commit when they need to."""

from __future__ import annotations

import itertools
from datetime import date

from plc.accounts import passwords
from plc.accounts.models import TotpFactor, User
from plc.extensions import db
from plc.orgs.models import DISTRICT, SCHOOL, Organization
from plc.programs.models import MEMBER, Cohort, Membership, Program, ProgramLead

PASSWORD = "correct horse battery"
# The authenticator secret of every enrolled person the factories make (pyotp.TOTP(...).now()).
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
_seq = itertools.count(1)
_hash_cache: dict[str, str] = {}


def password_hash(password: str = PASSWORD) -> str:
    # Hashing is deliberately slow; tests share one hash per password.
    if password not in _hash_cache:
        _hash_cache[password] = passwords.hash_password(password)
    return _hash_cache[password]


def make_org(name: str | None = None, parent: Organization | None = None) -> Organization:
    n = next(_seq)
    org = Organization(
        name=name or (f"School {n}" if parent else f"District {n}"),
        kind=SCHOOL if parent else DISTRICT,
        parent=parent,
    )
    db.session.add(org)
    db.session.flush()
    return org


def make_user(email: str | None = None, name: str | None = None, *, password: str | None = PASSWORD,
              organization: Organization | None = None, admin: bool = False,
              active: bool = True) -> User:
    n = next(_seq)
    user = User(
        email=email or f"user{n}@example.org",
        name=name or f"User {n}",
        password_hash=password_hash(password) if password else None,
        organization=organization,
        is_site_admin=admin,
        active=active,
    )
    db.session.add(user)
    db.session.flush()
    return user


def make_program(name: str | None = None, lead: User | None = None) -> Program:
    program = Program(
        name=name or f"Programme {next(_seq)}",
        starts_on=date(2026, 9, 1),
        ends_on=date(2027, 6, 30),
        time_zone="America/New_York",
    )
    db.session.add(program)
    if lead is not None:
        db.session.add(ProgramLead(program=program, user=lead))
    db.session.flush()
    return program


def make_cohort(program: Program | None = None, name: str | None = None) -> Cohort:
    cohort = Cohort(program=program or make_program(), name=name or f"Cohort {next(_seq)}")
    db.session.add(cohort)
    db.session.flush()
    return cohort


def add_member(cohort: Cohort, user: User, role: str = MEMBER) -> Membership:
    membership = Membership(cohort=cohort, user=user, role=role)
    db.session.add(membership)
    db.session.flush()
    return membership


def make_framework(key: str = "test-framework", version: int = 1, competencies: int = 3):
    """A small framework built directly (levels 1-4, two categories, ``competencies`` items)."""
    from plc.rubrics.models import Category, Competency, Descriptor, Framework, Level

    framework = Framework(key=key, version=version, name=f"Test framework {key}",
                          question_prompt="Does the individual:", content_hash="0" * 64)
    levels = [Level(value=v, label=label) for v, label in
              enumerate(["Not very much", "To some extent", "Mostly", "Role model"], start=1)]
    framework.levels = levels
    categories = [Category(position=i, name=name) for i, name in
                  enumerate(["Leads self", "Leads others"], start=1)]
    framework.categories = categories
    for n in range(1, competencies + 1):
        competency = Competency(
            position=n, number=n, name=f"Competency {n}", category=categories[(n - 1) % 2],
            guiding_questions=[f"Question {n}.1?", f"Question {n}.2?"],
        )
        competency.descriptors = [
            Descriptor(level=level, bullets=[f"C{n} at level {level.value}: bullet {b}."
                                             for b in (1, 2)])
            for level in levels
        ]
        framework.competencies.append(competency)
    db.session.add(framework)
    db.session.flush()
    return framework


def make_checkpoint(program: Program, name: str = "Baseline", position: int = 1,
                    opens_on: date | None = None, closes_on: date | None = None):
    from plc.assessments.models import Checkpoint

    checkpoint = Checkpoint(program_id=program.id, name=name, position=position,
                            opens_on=opens_on or date(2026, 9, 1),
                            closes_on=closes_on or date(2099, 12, 31))
    db.session.add(checkpoint)
    db.session.flush()
    return checkpoint


def rubric(framework_id: int) -> tuple[list, list]:
    """A framework's competencies (by number) and levels (by value)."""
    from sqlalchemy import select

    from plc.rubrics.models import Competency, Level

    competencies = db.session.execute(
        select(Competency).where(Competency.framework_id == framework_id)
        .order_by(Competency.number)
    ).scalars().all()
    levels = db.session.execute(
        select(Level).where(Level.framework_id == framework_id).order_by(Level.value)
    ).scalars().all()
    return list(competencies), list(levels)


def enrol(user: User, secret: str = TOTP_SECRET) -> TotpFactor:
    """Give ``user`` a second factor, as if they had set up their authenticator app."""
    factor = TotpFactor(user_id=user.id, secret=secret)
    db.session.add(factor)
    db.session.flush()
    return factor
