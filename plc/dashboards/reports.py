"""The figures of the programme dashboard and of a cohort's participation page, put together
once for every reader: the HTML pages (plc/dashboards/views.py) and the JSON API (plc/api)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from plc import cache
from plc.assessments.queries import today_in
from plc.dashboards import figures, queries
from plc.dashboards.queries import CheckpointInfo, FocusRating, MemberFacts, MonthFacts
from plc.db import utcnow
from plc.programs.models import Cohort, Program


def month_start(program: Program) -> datetime:
    """The first moment (UTC) of this month in the programme's time zone, for "active this
    month"."""
    this_month = today_in(program.time_zone)
    return queries.LocalMonths(program.time_zone, this_month, this_month).starts()[0]


@dataclass(frozen=True)
class ProgramFigures:
    """The programme dashboard's counts: plain values, so a worker may keep them a while."""

    cohorts: list[figures.Totals]
    districts: list[figures.Totals]
    total: figures.Totals
    trend: list[MonthFacts]
    months: int  # months of the programme year so far, for "updates per month"


@dataclass(frozen=True)
class ProgramReport:
    program: Program
    month_start: datetime
    cohorts: list[figures.Totals]
    districts: list[figures.Totals]
    total: figures.Totals
    trend: list[MonthFacts]
    months: int
    counted_at: datetime  # figures may be up to FIGURES_CACHE_SECONDS old (plc/cache.py)


def program_report(program: Program) -> ProgramReport:
    """The programme's figures, counted at most once per FIGURES_CACHE_SECONDS per worker."""
    since = month_start(program)
    today = today_in(program.time_zone)
    counted, counted_at = cache.remembered(
        ("program-figures", program.id, since, today, program.starts_on, program.ends_on),
        lambda: _program_figures(program, since, today),
    )
    return ProgramReport(program, since, counted.cohorts, counted.districts, counted.total,
                         counted.trend, counted.months, counted_at)


def _program_figures(program: Program, since: datetime, today: date) -> ProgramFigures:
    """Four statements: the grouped member facts, the cohorts, and the two monthly counts."""
    groups = queries.group_facts(program.id, since, program.time_zone)
    return ProgramFigures(
        figures.by_cohort(groups, queries.cohorts(program.id)),
        figures.by_district(groups), figures.overall(groups),
        figures.trend(program.starts_on, program.ends_on, queries.monthly(
            program.id, queries.LocalMonths(program.time_zone, program.starts_on,
                                            program.ends_on))),
        figures.months_so_far(program.starts_on, program.ends_on, today),
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
                               queries.member_facts(program.id, [cohort.id],
                                                    time_zone=program.time_zone))


@dataclass(frozen=True)
class CohortFigures:
    """What the facilitator's dashboard counts over the cohort's year (no nudges: those are
    read fresh, so a nudge shows at once)."""

    facts: list[MemberFacts]
    checkpoints: list[CheckpointInfo]
    ratings: list[FocusRating]
    recent: dict[int, list[str | None]]  # user id -> statuses at the last meetings


def cohort_figures(cohort: Cohort, missed_meetings: int) -> tuple[CohortFigures, datetime]:
    """The cohort's figures and when they were counted (at most FIGURES_CACHE_SECONDS ago)."""
    program = cohort.program

    def count() -> CohortFigures:
        now = utcnow()
        return CohortFigures(
            queries.member_facts(program.id, [cohort.id], now=now, time_zone=program.time_zone),
            queries.checkpoints(program.id), queries.focus_ratings(cohort.id, program.id),
            queries.recent_attendance(cohort.id, max(missed_meetings, 1), now),
        )

    return cache.remembered(("cohort-figures", cohort.id, missed_meetings), count)
