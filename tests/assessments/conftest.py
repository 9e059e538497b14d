"""Fixtures for worksheets: a programme on a small framework, with an open Baseline and a
closed earlier checkpoint, and one person in each role around cohort A."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from plc.accounts.models import User
from plc.assessments.models import Checkpoint
from plc.extensions import db
from plc.programs.models import FACILITATOR, Cohort, Program
from plc.rubrics.models import Competency, Framework, Level
from tests import factories
from tests.worlds import Spec, world_fixture

OPEN_FROM, OPEN_UNTIL = date(2020, 1, 1), date(2099, 12, 31)


@dataclass
class Sheet:
    program: Program
    framework: Framework
    cohort: Cohort
    other_cohort: Cohort
    open_checkpoint: Checkpoint  # position 2, open
    closed_checkpoint: Checkpoint  # position 1, closed long ago
    member: User
    peer: User  # another member of cohort A
    facilitator: User
    other_member: User  # cohort B
    other_facilitator: User  # cohort B
    lead: User

    @property
    def level_ids(self) -> dict[int, int]:
        return dict(db.session.execute(
            select(Level.value, Level.id).where(Level.framework_id == self.framework.id)
        ).all())

    @property
    def competency_ids(self) -> list[int]:
        return list(db.session.execute(
            select(Competency.id).where(Competency.framework_id == self.framework.id)
            .order_by(Competency.position)
        ).scalars())


def build_sheet() -> Sheet:
    """The programme, checkpoints and people of the worksheet tests (built once per worker)."""
    lead = factories.make_user("lead@example.org", "Lena Lead")
    framework = factories.make_framework("sheet-framework")
    program = factories.make_program("Sheet Programme", lead=lead)
    program.framework_id = framework.id
    closed = factories.make_checkpoint(program, "Baseline", 1, date(2020, 1, 1), date(2020, 2, 1))
    opened = factories.make_checkpoint(program, "Mid-year", 2, OPEN_FROM, OPEN_UNTIL)
    cohort = factories.make_cohort(program, "Cohort A")
    other = factories.make_cohort(program, "Cohort B")
    people = {
        name: factories.make_user(f"{name}@example.org", name.title())
        for name in ("member", "peer", "facilitator", "other", "otherfac")
    }
    factories.add_member(cohort, people["member"])
    factories.add_member(cohort, people["peer"])
    factories.add_member(cohort, people["facilitator"], FACILITATOR)
    factories.add_member(other, people["other"])
    factories.add_member(other, people["otherfac"], FACILITATOR)
    return Sheet(program, framework, cohort, other, opened, closed, people["member"],
                 people["peer"], people["facilitator"], people["other"], people["otherfac"], lead)


sheet = world_fixture("sheet", Spec("assessments", build_sheet))


def form_data(sheet: Sheet, ratings: dict[int, int] | None = None, version: int = 0,
              action: str = "save", **extra) -> dict:
    """A worksheet POST: ratings maps competency id -> level value."""
    data = {"version": str(version), "action": action}
    for cid, value in (ratings or {}).items():
        data[f"rating_{cid}"] = str(sheet.level_ids[value])
    for i in range(3):
        data[f"changes-{i}-competency_id"] = "0"
    data.update(extra)
    return data
