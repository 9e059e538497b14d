"""Services write in the caller's transaction and never commit."""

from __future__ import annotations

from datetime import date

import pytest

from plc.errors import DomainError
from plc.extensions import db
from plc.programs import queries, roster, services
from tests import factories
from tests.programs.conftest import generated_rows, roster_csv, table_counts


def plan_for(world, data: bytes, allow_facilitators: bool = True) -> roster.RosterPlan:
    parsed = roster.parse(roster.read_text(data), max_rows=5000,
                          allow_facilitators=allow_facilitators)
    return roster.plan(parsed, queries.roster_lookup(world.cohort, parsed))


def test_import_roster_flushes_but_leaves_the_commit_to_the_caller(world):
    before = table_counts()
    summary = services.import_roster(world.lead, world.cohort,
                                     plan_for(world, roster_csv(generated_rows(10))))
    assert (summary.added, summary.invited, summary.already_in_cohort) == (10, 10, 0)
    assert table_counts()["Membership"] == before["Membership"] + 10
    db.session.rollback()
    assert table_counts() == before


def test_import_roster_refuses_a_plan_with_problems(world):
    rows = generated_rows(3)
    rows[1]["email"] = "bad"
    plan = plan_for(world, roster_csv(rows))
    with pytest.raises(DomainError):
        services.import_roster(world.lead, world.cohort, plan)


def test_roster_lookup_uses_a_fixed_number_of_queries(world, count_queries):
    for n in (1, 2, 3):  # the file's districts exist, so their schools are looked up too
        factories.make_org(f"School 1 of {n}", parent=factories.make_org(f"District {n}"))
    db.session.commit()
    db.session.refresh(world.cohort)  # loaded before counting, as a view would have it
    counts = []
    for rows in (3, 300):
        parsed = roster.parse(roster.read_text(roster_csv(generated_rows(rows))),
                              max_rows=5000, allow_facilitators=True)
        with count_queries() as counter:
            queries.roster_lookup(world.cohort, parsed)
        counts.append(counter.count)
    assert counts == [4, 4]  # districts, their schools, users by e-mail, the cohort's people


def test_program_dates_are_checked_by_the_service_too(world):
    with pytest.raises(DomainError) as error:
        services.create_program(world.lead, name="X", starts_on=date(2027, 1, 2),
                                ends_on=date(2027, 1, 1), time_zone="UTC", description="")
    assert error.value.field == "ends_on"
