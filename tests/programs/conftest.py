"""Fixtures for the programmes area: one programme with two cohorts and a person in each role."""

from __future__ import annotations

import io
from dataclasses import dataclass

from sqlalchemy import func, select

from plc.accounts.models import User
from plc.extensions import db
from plc.mail.models import OutboxMessage
from plc.orgs.models import Organization
from plc.programs.models import FACILITATOR, Cohort, Invitation, Membership, Program
from tests import factories
from tests.worlds import Spec, world_fixture


@dataclass
class World:
    program: Program
    cohort: Cohort  # "Cohort A": facilitator + member
    other_cohort: Cohort  # "Cohort B": other_member
    admin: User
    lead: User
    facilitator: User
    member: User
    other_member: User
    outsider: User  # signed in, in no cohort and leading nothing


def build_programs_world() -> World:
    """One programme, two cohorts, a person in each role (built once per worker)."""
    lead = factories.make_user("lead@example.org", "Lena Lead")
    program = factories.make_program("PLC 2026-27", lead=lead)
    cohort = factories.make_cohort(program, "Cohort A")
    other_cohort = factories.make_cohort(program, "Cohort B")
    facilitator = factories.make_user("fac@example.org", "Felix Facil")
    member = factories.make_user("member@example.org", "Mona Member")
    other_member = factories.make_user("other@example.org", "Otto Other")
    factories.add_member(cohort, facilitator, FACILITATOR)
    factories.add_member(cohort, member)
    factories.add_member(other_cohort, other_member)
    world = World(
        program=program,
        cohort=cohort,
        other_cohort=other_cohort,
        admin=factories.make_user("admin@example.org", "Ada Admin", admin=True),
        lead=lead,
        facilitator=facilitator,
        member=member,
        other_member=other_member,
        outsider=factories.make_user("outsider@example.org", "Oscar Outsider"),
    )
    return world


world = world_fixture("world", Spec("programs", build_programs_world))


def count_rows(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def table_counts() -> dict[str, int]:
    """Rows in every table a roster import or invitation writes to."""
    return {
        model.__name__: count_rows(model)
        for model in (User, Membership, Organization, Invitation, OutboxMessage)
    }


def roster_csv(rows: list[dict], header: str = "name,email,district,school,role",
               bom: bool = False) -> bytes:
    columns = [c.strip().lower() for c in header.split(",")]
    lines = [header] + [",".join(row.get(c, "") for c in columns) for row in rows]
    text = "\r\n".join(lines) + "\r\n"
    return (("\ufeff" if bom else "") + text).encode("utf-8")


def generated_rows(count: int, domain: str = "school.example.org") -> list[dict]:
    """count people spread over three districts, each with two schools, some at district
    office (no school)."""
    rows = []
    for n in range(1, count + 1):
        district = f"District {n % 3 + 1}"
        school = "" if n % 5 == 0 else f"School {n % 2 + 1}"
        rows.append({"name": f"Person {n}", "email": f"person{n}@{domain}",
                     "district": district, "school": school, "role": "member"})
    return rows


def upload(client, cohort_id: int, data: bytes, filename: str = "roster.csv"):
    return client.post(
        f"/cohorts/{cohort_id}/import",
        data={"roster": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def confirm(client, cohort_id: int, data: bytes | str):
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    return client.post(
        f"/cohorts/{cohort_id}/import/confirm",
        data={"csv_text": text},
        content_type="multipart/form-data",
    )
