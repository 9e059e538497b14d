"""The figures of the programme dashboard and of a cohort's participation page, put together
once for every reader: the HTML pages (plc/dashboards/views.py) and the JSON API (plc/api)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from plc.assessments.queries import today_in
from plc.dashboards import figures, queries
from plc.dashboards.queries import MemberFacts, MonthFacts
from plc.db import utcnow
from plc.programs.models import Cohort, Program


def month_start(program: Program) -> datetime:
    """The first moment of this month (UTC), for "active this month"."""
    today = today_in(program.time_zone)
    return datetime.combine(today.replace(day=1), time(), utcnow().tzinfo)


@dataclass(frozen=True)
class ProgramReport:
    program: Program
    month_start: datetime
    cohorts: list[figures.Totals]
    districts: list[figures.Totals]
    total: figures.Totals
    trend: list[MonthFacts]
    months: int  # months of the programme year so far, for "updates per month"


def program_report(program: Program) -> ProgramReport:
    """Four statements: the grouped member facts, the cohorts, and the two monthly counts."""
    since = month_start(program)
    groups = queries.group_facts(program.id, since)
    return ProgramReport(
        program, since,
        figures.by_cohort(groups, queries.cohorts(program.id)),
        figures.by_district(groups), figures.overall(groups),
        figures.trend(program.starts_on, program.ends_on,
                      queries.monthly(program.id, queries.Window())),
        figures.months_so_far(program.starts_on, program.ends_on, today_in(program.time_zone)),
    )


@dataclass(frozen=True)
class CohortParticipation:
    cohort: Cohort
    program: Program
    month_start: datetime
    facts: list[MemberFacts]

    def active_this_month(self, f: MemberFacts) -> bool:
        return f.last_active_at is not None and f.last_active_at >= self.month_start


def cohort_participation(cohort: Cohort) -> CohortParticipation:
    """One statement: the cohort's member facts."""
    program = cohort.program
    return CohortParticipation(cohort, program, month_start(program),
                               queries.member_facts(program.id, [cohort.id]))
