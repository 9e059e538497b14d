"""What the dashboards show, computed from the queries' plain values: the facilitator's rows
(flags, rating changes), the cohort's growth, and the programme's roll-ups. Pure functions."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from plc.dashboards.queries import (
    MISSED,
    CheckpointInfo,
    FocusRating,
    GroupFacts,
    MemberFacts,
    MonthFacts,
    PersonRating,
    calendar_months,
)
from plc.i18n import N_
from plc.plans.models import DRAFT, FACILITATORS_ONLY, SHARED_WITH_COHORT

# Written into the CSV and XLSX exports too: translated where used (plc/i18n.py).
PLAN_STATUS = {
    None: N_("No plan"),
    DRAFT: N_("Draft"),
    SHARED_WITH_COHORT: N_("Shared with the cohort"),
    FACILITATORS_ONLY: N_("Facilitators only"),
}


def plan_status(visibility: str | None) -> str:
    return _(PLAN_STATUS[visibility]) if visibility in PLAN_STATUS else (
        visibility or _(PLAN_STATUS[None]))


def percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def days_between(earlier: datetime | None, now: datetime) -> int | None:
    return (now - earlier).days if earlier is not None else None


# --- the facilitator's rows -------------------------------------------------------------------


@dataclass(frozen=True)
class Thresholds:
    update_days: int
    missed_meetings: int
    no_feedback: bool

    @classmethod
    def of(cls, program) -> Thresholds:
        return cls(program.nudge_update_days, program.nudge_missed_meetings,
                   program.nudge_no_feedback)


@dataclass(frozen=True)
class Change:
    """One focus competency: the first and the latest submitted rating of it."""

    number: int
    name: str
    first: int | None
    latest: int | None
    ratings: int  # how many checkpoints rated it
    first_checkpoint: str = ""
    latest_checkpoint: str = ""

    @property
    def delta(self) -> int | None:
        if self.ratings < 2:
            return None
        return self.latest - self.first

    @property
    def arrow(self) -> str:
        if not self.delta:
            return "→" if self.delta == 0 else ""
        return "↑" if self.delta > 0 else "↓"

    @property
    def text(self) -> str:
        """In words a facilitator reads at a glance: "Baseline 1 → Mid-year 2 (+1)"."""
        if self.ratings == 0:
            return _("not rated yet")
        first = f"{self.first_checkpoint} {self.first}".strip()
        if self.ratings == 1:
            return _("%(first)s (one rating so far)", first=first)
        latest = f"{self.latest_checkpoint} {self.latest}".strip()
        change = f"{self.delta:+d}" if self.delta else _("no change")
        return f"{first} → {latest} ({change})"


@dataclass
class MemberRow:
    facts: MemberFacts
    days_since_update: int | None
    submitted: int
    checkpoints_open: int
    changes: list[Change]
    flags: list[str] = field(default_factory=list)

    @property
    def user_id(self) -> int:
        return self.facts.user_id

    @property
    def name(self) -> str:
        return self.facts.name

    @property
    def status(self) -> str:
        return plan_status(self.facts.visibility)

    @property
    def attendance_percent(self) -> int | None:
        return percent(self.facts.meetings_attended, self.facts.meetings_held)


def changes_by_member(ratings: list[FocusRating]) -> dict[int, list[Change]]:
    """Per member, per focus competency (in the plan's order): first vs latest rating."""
    seen: dict[int, dict[int, list[FocusRating]]] = defaultdict(dict)
    for r in ratings:
        seen[r.user_id].setdefault(r.number, []).append(r)
    result = {}
    for user_id, by_number in seen.items():
        result[user_id] = []
        for number, rows in by_number.items():
            rated = sorted((r for r in rows if r.value is not None),
                           key=lambda r: r.checkpoint_position)
            result[user_id].append(Change(
                number, rows[0].name, rated[0].value if rated else None,
                rated[-1].value if rated else None, len(rated),
                rated[0].checkpoint_name if rated else "",
                rated[-1].checkpoint_name if rated else "",
            ))
    return result


def flags(facts: MemberFacts, recent: list[str | None], limits: Thresholds,
          now: datetime) -> list[str]:
    """Why this member may need a nudge, in words. "No update" counts from the latest update,
    or from joining the cohort for someone who never posted one. A missed meeting is one
    marked absent or with no record at all; an excused absence is not missed."""
    reasons = []
    if not facts.plan_shared:
        reasons.append(_("no shared plan"))
    since = facts.last_update_at or facts.joined_at
    if days_between(since, now) > limits.update_days:
        reasons.append(_("no progress update in %(days)s days", days=limits.update_days))
    last = limits.missed_meetings
    if last > 0 and len(recent) >= last and all(s in MISSED for s in recent[:last]):
        reasons.append(ngettext("missed the last %(num)d meeting",
                                "missed the last %(num)d meetings", last))
    if limits.no_feedback and facts.plan_shared and facts.comments_received == 0:
        reasons.append(_("no feedback received"))
    return reasons


def with_nudges(facts: list[MemberFacts], last_nudged: dict[int, datetime]
                ) -> list[MemberFacts]:
    """The facts with each member's latest nudge as it stands now."""
    return [replace(f, last_nudged_at=last_nudged.get(f.user_id)) for f in facts]


def member_rows(facts: list[MemberFacts], checkpoints: list[CheckpointInfo],
                ratings: list[FocusRating], recent: dict[int, list[str | None]],
                limits: Thresholds, now: datetime, today: date) -> list[MemberRow]:
    opened = sum(1 for cp in checkpoints if cp.opens_on <= today)
    changes = changes_by_member(ratings)
    return [
        MemberRow(f, days_between(f.last_update_at, now), f.worksheets_submitted, opened,
                  changes.get(f.user_id, []), flags(f, recent.get(f.user_id, []), limits, now))
        for f in facts
    ]


SORTS = {
    "name": ("Name", lambda r: (r.name.lower(), r.user_id)),
    "status": (_l("Plan status"), lambda r: (r.status, r.name.lower())),
    # Longest without an update first; never updated before everyone.
    "update": (_l("Last update"), lambda r: (-(r.days_since_update if r.days_since_update
                                           is not None else 10**6), r.name.lower())),
    "attendance": ("Attendance", lambda r: (r.attendance_percent if r.attendance_percent
                                            is not None else 101, r.name.lower())),
    "flags": ("Flags", lambda r: (-len(r.flags), r.name.lower())),
    "nudged": (_l("Last nudged"), lambda r: (r.facts.last_nudged_at is not None,
                                         r.facts.last_nudged_at or datetime.min,
                                         r.name.lower())),
}
FILTERS = {"all": _l("Everyone"), "nudge": _l("Needs a nudge")}


def arrange(rows: list[MemberRow], sort: str, only: str) -> list[MemberRow]:
    if only == "nudge":
        rows = [r for r in rows if r.flags]
    return sorted(rows, key=SORTS.get(sort, SORTS["name"])[1])


# --- the cohort's growth ----------------------------------------------------------------------


@dataclass(frozen=True)
class CompetencyGrowth:
    number: int
    name: str
    # checkpoint id -> level value -> people
    counts: dict[int, dict[int, int]]
    average_change: float | None  # latest minus first rating, over people rated twice or more
    people_changed: int  # how many people that average is over


def growth(checkpoints: list[CheckpointInfo], competencies: list[tuple[int, str]],
           ratings: list[PersonRating]) -> list[CompetencyGrowth]:
    counts: dict[int, dict[int, dict[int, int]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(int)))
    per_person: dict[tuple[int, int], list[PersonRating]] = defaultdict(list)
    for r in ratings:
        counts[r.number][r.checkpoint_id][r.value] += 1
        per_person[(r.number, r.user_id)].append(r)
    result = []
    for number, name in competencies:
        deltas = []
        for (n, _user), rows in per_person.items():
            if n == number and len(rows) > 1:
                rows.sort(key=lambda r: r.position)
                deltas.append(rows[-1].value - rows[0].value)
        result.append(CompetencyGrowth(
            number, name,
            {cp.id: dict(counts[number][cp.id]) for cp in checkpoints},
            sum(deltas) / len(deltas) if deltas else None, len(deltas),
        ))
    return result


# --- the programme's roll-ups -------------------------------------------------------------------


@dataclass
class Totals:
    label: str
    members: int = 0
    active: int = 0
    plans_shared: int = 0
    updates: int = 0
    meetings_held: int = 0
    meetings_attended: int = 0
    comments: int = 0
    key: int | None = None

    def add(self, g: GroupFacts) -> None:
        self.members += g.members
        self.active += g.active
        self.plans_shared += g.plans_shared
        self.updates += g.updates
        self.meetings_held += g.meetings_held
        self.meetings_attended += g.meetings_attended
        self.comments += g.comments

    @property
    def attendance_percent(self) -> int | None:
        return percent(self.meetings_attended, self.meetings_held)

    @property
    def comments_per_member(self) -> float | None:
        return self.comments / self.members if self.members else None

    def updates_per_month(self, months: int) -> float | None:
        return self.updates / months if months else None


NO_DISTRICT = N_("No district recorded")


def by_cohort(groups: list[GroupFacts], cohorts: list[tuple[int, str]]) -> list[Totals]:
    totals = {cohort_id: Totals(name, key=cohort_id) for cohort_id, name in cohorts}
    for g in groups:
        totals[g.cohort_id].add(g)
    return list(totals.values())


def by_district(groups: list[GroupFacts]) -> list[Totals]:
    totals: dict[int | None, Totals] = {}
    for g in groups:
        totals.setdefault(g.district_id, Totals(g.district or _(NO_DISTRICT), key=g.district_id))
        totals[g.district_id].add(g)
    return sorted(totals.values(), key=lambda t: (t.key is None, t.label.lower()))


def overall(groups: list[GroupFacts]) -> Totals:
    total = Totals(_("Whole programme"))
    for g in groups:
        total.add(g)
    return total


def months_so_far(first: date, last: date, today: date) -> int:
    """Months of the programme year begun by ``today`` (counting the current one)."""
    return len(calendar_months(first, min(today, last))) if today >= first else 0


def trend(first: date, last: date, facts: dict[tuple[int, int], MonthFacts]) -> list[MonthFacts]:
    return [facts.get(key, MonthFacts(*key)) for key in calendar_months(first, last)]


# Colour-blind-safe (Okabe-Ito), lowest level first; each segment also carries its count.
LEVEL_COLOURS = ("#D55E00", "#E69F00", "#56B4E9", "#0072B2", "#009E73", "#CC79A7")


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    value: int
    count: int
    colour: str


def stacked(counts: dict[int, int], levels: list[tuple[int, str]], width: float
            ) -> list[Segment]:
    """One horizontal bar: a segment per level, as wide as its share of the people."""
    total = sum(counts.values())
    segments, x = [], 0.0
    for i, (value, _label) in enumerate(levels):
        count = counts.get(value, 0)
        if not total or not count:
            continue
        w = width * count / total
        segments.append(Segment(x, w, value, count, LEVEL_COLOURS[i % len(LEVEL_COLOURS)]))
        x += w
    return segments


# --- the programme's month-by-month sparklines ----------------------------------------------


@dataclass(frozen=True)
class Sparkline:
    """A small line over the programme's months: one point per month with a value (a month
    with no value, e.g. no meeting held, leaves a gap in the points, not a zero)."""

    key: str
    label: str
    values: tuple[float | None, ...]
    points: tuple[tuple[float, float, float], ...]  # (x, y, value)
    width: int
    height: int
    suffix: str = ""

    @property
    def path(self) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y, _v in self.points)

    def show(self, value: float | None) -> str:
        if value is None:
            return "none"
        text = f"{value:.1f}" if value != int(value) else str(int(value))
        return text + self.suffix

    @property
    def highest(self) -> float | None:
        known = [v for v in self.values if v is not None]
        return max(known) if known else None

    @property
    def latest(self) -> float | None:
        """The most recent month with a value."""
        return next((v for v in reversed(self.values) if v is not None), None)


def sparkline(key: str, label: str, values: list[float | None], width: int = 160,
              height: int = 40, pad: int = 4, suffix: str = "") -> Sparkline:
    """Months across, zero at the bottom and the highest value at the top."""
    top = max([v for v in values if v is not None] or [0]) or 1
    n = len(values)
    step = (width - 2 * pad) / max(n - 1, 1)
    points = tuple(
        (pad + step * i if n > 1 else width / 2, pad + (height - 2 * pad) * (1 - v / top), v)
        for i, v in enumerate(values) if v is not None
    )
    return Sparkline(key, label, tuple(values), points, width, height, suffix)


def trend_sparklines(trend: list[MonthFacts], members: int, months_so_far: int
                     ) -> list[Sparkline]:
    """The programme dashboard's four trends, from the same month rows as its table. The
    year's months still to come keep their place across but carry no point (not a zero)."""

    def so_far(values: list[float | None]) -> list[float | None]:
        return [v if i < months_so_far else None for i, v in enumerate(values)]

    return [
        sparkline("active", _("Active members"), so_far([m.active for m in trend])),
        sparkline("updates", _("Progress updates"), so_far([m.updates for m in trend])),
        sparkline("attendance", _("Attendance rate"),
                  so_far([percent(m.meetings_attended, m.meetings_held) for m in trend]),
                  suffix="%"),
        sparkline("comments", _("Comments per member"),
                  so_far([round(m.comments / members, 2) if members else None
                          for m in trend])),
    ]
