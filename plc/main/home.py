"""What the home page shows each person: "what do I do next?" (docs/screens.md).

Members see, per cohort, the next meeting and whether their progress update is posted, their
plan's status and next due step. Facilitators see, per cohort they run, the next meeting (with
attendance when it is today) and who has not posted an update since the last meeting. Program
leads see this month's participation against last month's for their current programme.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from plc.assessments.queries import today_in
from plc.dashboards import figures, reports
from plc.dashboards import queries as dashboard_queries
from plc.main import queries
from plc.meetings.models import Meeting
from plc.plans.models import ActionStep
from plc.programs.models import Membership, Program


@dataclass
class MemberCohort:
    membership: Membership
    next_meeting: Meeting | None
    plan: queries.PlanSummary | None
    next_step: ActionStep | None
    update_due: bool  # no progress update since the last meeting


@dataclass
class FacilitatedCohort:
    membership: Membership
    next_meeting: Meeting | None
    meeting_today: bool
    not_updated: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class LeadSummary:
    program: Program
    active_this_month: int
    active_last_month: int
    cohorts: list[figures.Totals]  # "active" counts this month


def member_cohorts(user_id: int, memberships: list[Membership]) -> list[MemberCohort]:
    mine = [m for m in memberships if not m.is_facilitator]
    if not mine:
        return []
    cohort_ids = [m.cohort_id for m in mine]
    meetings = queries.next_meetings(cohort_ids)
    last_started = queries.last_meeting_starts(cohort_ids)
    plans = queries.my_plans(user_id)
    steps = queries.next_steps(user_id)
    return [
        MemberCohort(
            membership=m,
            next_meeting=meetings.get(m.cohort_id),
            plan=plans.get(m.cohort.program_id),
            next_step=steps.get(m.cohort.program_id),
            update_due=_update_due(plans.get(m.cohort.program_id),
                                   last_started.get(m.cohort_id)),
        )
        for m in mine
    ]


def _update_due(plan: queries.PlanSummary | None, last_meeting: datetime | None) -> bool:
    if plan is None:
        return False
    if plan.last_update_at is None:
        return True
    return last_meeting is not None and plan.last_update_at < last_meeting


def facilitated_cohorts(memberships: list[Membership]) -> list[FacilitatedCohort]:
    runs = [m for m in memberships if m.is_facilitator]
    if not runs:
        return []
    cohort_ids = [m.cohort_id for m in runs]
    meetings = queries.next_meetings(cohort_ids)
    last_started = queries.last_meeting_starts(cohort_ids)
    rows = {m.cohort_id: FacilitatedCohort(m, meetings.get(m.cohort_id),
                                           _is_today(meetings.get(m.cohort_id), m))
            for m in runs}
    for member in queries.members_last_updates(cohort_ids):
        since = last_started.get(member.cohort_id)
        if member.last_update_at is None or (since and member.last_update_at < since):
            rows[member.cohort_id].not_updated.append(member.name)
    return list(rows.values())


def _is_today(meeting: Meeting | None, membership: Membership) -> bool:
    if meeting is None:
        return False
    zone = membership.cohort.program.time_zone
    return meeting.starts_at.astimezone(ZoneInfo(zone)).date() == today_in(zone)


def lead_summary(programs: list[Program]) -> LeadSummary | None:
    """This month against last month for the newest programme the person leads (one
    programme: a lead's home page costs the same however many years they have led)."""
    if not programs:
        return None
    program = programs[0]  # newest first
    month_start = reports.month_start(program)
    groups = dashboard_queries.group_facts(program.id, month_start)
    months = dashboard_queries.monthly(program.id, dashboard_queries.Window())
    this_month = (month_start.year, month_start.month)
    last_month = ((month_start.year, month_start.month - 1) if month_start.month > 1
                  else (month_start.year - 1, 12))
    return LeadSummary(
        program=program,
        active_this_month=_active(months, this_month),
        active_last_month=_active(months, last_month),
        cohorts=figures.by_cohort(groups, dashboard_queries.cohorts(program.id)),
    )


def _active(months, key) -> int:
    facts = months.get(key)
    return facts.active if facts else 0

