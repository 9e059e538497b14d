"""What the home page shows each person: "what do I do next?" (docs/screens.md).

First a to-do list, most urgent first, each item one click from doing it (``todo``): for a
member, overdue action steps (with "Mark done" in place) and overdue follow-ups, the progress
update due before the next meeting, questions and @mentions waiting for their answer,
follow-ups assigned to them, open worksheets; for a facilitator, attendance to take today,
the next meeting's agenda to prepare and who needs a nudge (the cohort dashboard's flags).
Then, per cohort, the next meeting, the plan and the cohort's activity; for program leads,
what changed since last month. Every part is read in a fixed number of statements, whatever
the number of cohorts, steps, comments or meetings (plc/main/queries.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from plc.assessments import queries as assessment_queries
from plc.assessments.models import SUBMITTED
from plc.assessments.queries import today_in
from plc.dashboards import figures, reports
from plc.dashboards import queries as dashboard_queries
from plc.db import utcnow
from plc.main import queries
from plc.meetings.models import Meeting
from plc.notifications import queries as notification_queries
from plc.programs import queries as program_queries
from plc.programs.models import Membership, Program

# The order of the to-do list: tier first, then the date within a tier (earliest first).
OVERDUE, TODAY, UPDATE, ANSWER, FOLLOW_UP, AGENDA, NUDGE, WORKSHEET, START_PLAN = range(9)
NO_DATE = date.max


@dataclass(frozen=True)
class Todo:
    """One thing to do. ``kind`` says how the template words it and where it links:
    step, follow_up, attendance, update, answer, agenda, nudge, worksheet, plan."""

    kind: str
    tier: int
    when: date | None = None  # due on, or the meeting's day
    overdue: bool = False
    cohort: object = None  # the Cohort it is about, when it is about one
    item: object = None  # the step, comment, follow-up, meeting, checkpoint ...
    extra: object = None  # the plan id, the flagged people, the worksheet status ...

    @property
    def sort_key(self) -> tuple:
        return (self.tier, self.when or NO_DATE)


@dataclass
class MemberCohort:
    membership: Membership
    next_meeting: Meeting | None
    plan: queries.PlanSummary | None
    next_step: queries.OpenStep | None
    update_due: bool  # no progress update since the last meeting


@dataclass
class FacilitatedCohort:
    membership: Membership
    next_meeting: Meeting | None
    meeting_today: bool
    not_updated: list[str] = field(default_factory=list)
    flagged: list[tuple[str, list[str]]] = field(default_factory=list)  # name, reasons
    agenda_items: int = 0


@dataclass(frozen=True)
class LeadSummary:
    program: Program
    active_this_month: int
    active_last_month: int
    cohorts: list[figures.Totals]  # "active" counts this month
    this_month: dashboard_queries.MonthFacts | None = None
    last_month: dashboard_queries.MonthFacts | None = None
    quiet_cohorts: list[figures.Totals] = field(default_factory=list)  # no one active yet


@dataclass
class Home:
    todo: list[Todo]
    member_cohorts: list[MemberCohort]
    facilitated: list[FacilitatedCohort]


class HomeBody:
    """What the home page shows below its greeting, read only if it is rendered: a body the
    worker kept (main/home.html, under ``body_key``) reads none of it."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def open_checkpoints(self) -> dict[int, list]:
        return assessment_queries.open_checkpoints_for_member(self.user.id)

    @cached_property
    def worksheet_statuses(self) -> dict[int, str]:
        ids = [cp.id for cps in self.open_checkpoints.values() for cp in cps]
        return assessment_queries.statuses(self.user.id, ids)

    @cached_property
    def _home(self) -> Home:
        return home_for(self.user, program_queries.my_memberships(self.user),
                        self.open_checkpoints, self.worksheet_statuses)

    @property
    def todo(self) -> list[Todo]:
        return self._home.todo

    @property
    def member_cohorts(self) -> list[MemberCohort]:
        return self._home.member_cohorts

    @property
    def facilitated(self) -> list[FacilitatedCohort]:
        return self._home.facilitated

    @cached_property
    def led_programs(self) -> list[Program]:
        return program_queries.my_led_programs(self.user)

    @cached_property
    def lead(self) -> LeadSummary | None:
        return lead_summary(self.led_programs)


def body_key(user) -> tuple:
    """What the kept body is kept under, short of the site's stamps that every kept piece is
    keyed by (plc/stamps.py), which every write it could show changes: the person."""
    return "home", user.id


def body_clock() -> datetime:
    """The clock the kept body is rendered for: the minute. Much of the page changes with the
    clock alone (a step falls overdue, a meeting is today, a member has gone quiet for too
    long), which no write stamps: it shows within the minute (plc/fragments.py:_current)."""
    return utcnow().replace(second=0, microsecond=0)


def home_for(user, memberships: list[Membership],
             open_checkpoints: dict[int, list], worksheet_statuses: dict[int, str]) -> Home:
    """The to-do list and the per-cohort cards of one person."""
    mine = [m for m in memberships if not m.is_facilitator]
    runs = [m for m in memberships if m.is_facilitator]
    all_ids = [m.cohort_id for m in memberships]
    meetings = queries.next_meetings(all_ids)
    last_started = queries.last_meeting_starts(all_ids)
    todo: list[Todo] = []
    member_cards = _member_part(user, mine, meetings, last_started, todo)
    _worksheets(mine, open_checkpoints, worksheet_statuses, todo)
    facilitated = _facilitator_part(runs, meetings, last_started, todo)
    todo.sort(key=lambda t: t.sort_key)
    return Home(todo, member_cards, facilitated)


def _today(membership: Membership) -> date:
    return today_in(membership.cohort.program.time_zone)


def _member_part(user, mine: list[Membership], meetings: dict[int, Meeting],
                 last_started: dict[int, datetime], todo: list[Todo]) -> list[MemberCohort]:
    if not mine:
        return []
    plans = queries.my_plans(user.id)
    steps = queries.open_steps(user.id)
    by_program = {m.cohort.program_id: m for m in mine}
    next_step: dict[int, queries.OpenStep] = {}
    for step in steps:
        membership = by_program.get(step.program_id)
        if membership is None:
            continue  # a plan in a programme the person has left
        if step.due_on is not None and step.due_on < _today(membership):
            todo.append(Todo("step", OVERDUE, step.due_on, True, membership.cohort, step))
        else:
            next_step.setdefault(step.program_id, step)
    cards = []
    started: set[int] = set()  # programmes offered "Start your action plan"
    asked: set[int] = set()  # plans asked for an update
    for m in mine:
        plan = plans.get(m.cohort.program_id)
        card = MemberCohort(m, meetings.get(m.cohort_id), plan,
                            next_step.get(m.cohort.program_id),
                            _update_due(plan, last_started.get(m.cohort_id)))
        cards.append(card)
        if plan is None and m.cohort.program_id not in started:
            started.add(m.cohort.program_id)
            todo.append(Todo("plan", START_PLAN, cohort=m.cohort))
        if card.update_due and plan.plan_id not in asked:  # one plan, two cohorts: once
            asked.add(plan.plan_id)
            day = (card.next_meeting.starts_at.astimezone(ZoneInfo(m.cohort.program.time_zone))
                   .date() if card.next_meeting else None)
            todo.append(Todo("update", UPDATE, day, False, m.cohort, card.next_meeting,
                             plan.plan_id))
    _answers(user, todo)
    _follow_ups(user.id, mine, todo)
    return cards


def _answers(user, todo: list[Todo]) -> None:
    """Questions and mentions on plans the person may still read (a plan back in draft hides
    what was said on it)."""
    waiting = queries.waiting_for_answer(user.id)
    readable = notification_queries.visible_plan_ids(user, {c.plan_id for c in waiting})
    for comment in waiting:
        if comment.plan_id in readable:
            todo.append(Todo("answer", ANSWER, comment.created_at.date(), item=comment))


def _follow_ups(user_id: int, mine: list[Membership], todo: list[Todo]) -> None:
    cohorts = {m.cohort_id: m for m in mine}
    for follow_up in queries.open_follow_ups(user_id, list(cohorts)):
        membership = cohorts[follow_up.cohort_id]
        overdue = follow_up.due_on is not None and follow_up.due_on < _today(membership)
        todo.append(Todo("follow_up", OVERDUE if overdue else FOLLOW_UP, follow_up.due_on,
                         overdue, membership.cohort, follow_up))


def _worksheets(mine: list[Membership], open_checkpoints: dict[int, list],
                statuses: dict[int, str], todo: list[Todo]) -> None:
    seen = set()
    for m in mine:
        for checkpoint in open_checkpoints.get(m.cohort.program_id, []):
            status = statuses.get(checkpoint.id)
            if status == SUBMITTED or checkpoint.id in seen:
                continue
            seen.add(checkpoint.id)
            todo.append(Todo("worksheet", WORKSHEET, checkpoint.closes_on, False, m.cohort,
                             checkpoint, status))


def _update_due(plan: queries.PlanSummary | None, last_meeting: datetime | None) -> bool:
    if plan is None:
        return False
    if plan.last_update_at is None:
        return True
    return last_meeting is not None and plan.last_update_at < last_meeting


def _facilitator_part(runs: list[Membership], meetings: dict[int, Meeting],
                      last_started: dict[int, datetime],
                      todo: list[Todo]) -> list[FacilitatedCohort]:
    if not runs:
        return []
    cohort_ids = [m.cohort_id for m in runs]
    rows = {m.cohort_id: FacilitatedCohort(m, meetings.get(m.cohort_id),
                                           _is_today(meetings.get(m.cohort_id), m))
            for m in runs}
    for member in queries.members_last_updates(cohort_ids):
        since = last_started.get(member.cohort_id)
        if member.last_update_at is None or (since and member.last_update_at < since):
            rows[member.cohort_id].not_updated.append(member.name)
    _flags(rows, todo)
    counts = queries.agenda_counts([fc.next_meeting.id for fc in rows.values()
                                    if fc.next_meeting is not None])
    for fc in rows.values():
        meeting, cohort = fc.next_meeting, fc.membership.cohort
        if meeting is None:
            continue
        fc.agenda_items = counts.get(meeting.id, 0)
        day = meeting.starts_at.astimezone(ZoneInfo(cohort.program.time_zone)).date()
        if fc.meeting_today:
            todo.append(Todo("attendance", TODAY, day, False, cohort, meeting))
        todo.append(Todo("agenda", AGENDA, day, False, cohort, meeting, fc))
    return list(rows.values())


def _flags(rows: dict[int, FacilitatedCohort], todo: list[Todo]) -> None:
    """Who needs a nudge in each cohort, by the dashboard's own rules (figures.flags)."""
    facts = queries.nudge_facts(list(rows))
    recent = queries.recent_statuses(list(rows), max((f.missed_meetings for f in facts),
                                                     default=0))
    now = utcnow()
    for f in facts:
        limits = figures.Thresholds(f.update_days, f.missed_meetings, f.no_feedback)
        reasons = figures.flags(f, recent.get((f.cohort_id, f.user_id), []), limits, now)
        if reasons:
            rows[f.cohort_id].flagged.append((f.name, reasons))
    for fc in rows.values():
        if fc.flagged:
            todo.append(Todo("nudge", NUDGE, cohort=fc.membership.cohort, extra=fc.flagged))


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
    groups = dashboard_queries.group_facts(program.id, month_start, program.time_zone)
    today = today_in(program.time_zone)
    last_month_end = today.replace(day=1) - timedelta(days=1)
    months = dashboard_queries.monthly(
        program.id, dashboard_queries.LocalMonths(program.time_zone, last_month_end, today))
    this_month, last_month = (today.year, today.month), (last_month_end.year, last_month_end.month)
    cohorts = figures.by_cohort(groups, dashboard_queries.cohorts(program.id))
    return LeadSummary(
        program=program,
        active_this_month=_active(months, this_month),
        active_last_month=_active(months, last_month),
        cohorts=cohorts,
        this_month=months.get(this_month) or dashboard_queries.MonthFacts(*this_month),
        last_month=months.get(last_month) or dashboard_queries.MonthFacts(*last_month),
        quiet_cohorts=[t for t in cohorts if t.members and not t.active],
    )


def _active(months, key) -> int:
    facts = months.get(key)
    return facts.active if facts else 0

