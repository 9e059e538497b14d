"""The programme's ratings overview for program leads: per checkpoint and competency, how many
people rated themselves and, for groups of MIN_AGGREGATE_GROUP or more only, how their ratings
spread over the levels and their average. Pure functions over the grouped counts of
queries.rating_counts; ``cell`` is the one place where small groups are suppressed.

Figures that cannot be differenced: a checkpoint shows figures only once it has closed. While
it is open each submission would change them, and two looks, before and after one more
person submits, would give that person's ratings away; its table says instead that its
figures are shown when it closes (PENDING cells). After closing no worksheet on it changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from plc.assessments import queries
from plc.assessments.queries import RatingCount
from plc.permissions import MIN_AGGREGATE_GROUP
from plc.programs import queries as program_queries


@dataclass(frozen=True)
class Cell:
    """One competency at one checkpoint in one group. A suppressed cell carries no figure."""

    people: int | None = None  # None: fewer than MIN_AGGREGATE_GROUP (or protecting them)
    counts: tuple[int, ...] = ()  # people per level, in the order of Overview.levels
    average: float | None = None
    protects: bool = False  # hidden although large enough: it would reveal a smaller group
    pending: bool = False  # the checkpoint is still open: nothing shown until it closes

    @property
    def shown(self) -> bool:
        return self.people is not None

    @property
    def average_text(self) -> str:
        return f"{self.average:.2f}" if self.average is not None else ""


SUPPRESSED = Cell()
PROTECTING = Cell(protects=True)
PENDING = Cell(pending=True)


def cell(by_value: dict[int, int], values: tuple[int, ...]) -> Cell:
    """The figures for one group, or none at all when fewer than MIN_AGGREGATE_GROUP people
    are in it (docs/product.md: program leads see aggregates of 5 or more people only)."""
    people = sum(by_value.values())
    if people < MIN_AGGREGATE_GROUP:
        return SUPPRESSED
    average = sum(value * n for value, n in by_value.items()) / people
    return Cell(people, tuple(by_value.get(value, 0) for value in values), average)


def hidden_cohorts(program_people: int, cohort_people: dict[int, int]) -> set[int]:
    """The cohorts whose figures must not be shown for one competency at one checkpoint.

    A cohort under MIN_AGGREGATE_GROUP is hidden; but the programme total minus the cohorts
    that are shown would still give away the hidden remainder when it is under the threshold
    too. So further cohorts are hidden, smallest first, until the remainder is either nobody
    or at least MIN_AGGREGATE_GROUP people (once every cohort is hidden, the remainder is the
    programme total, itself shown only from MIN_AGGREGATE_GROUP people)."""
    hidden = {cid for cid, n in cohort_people.items() if n < MIN_AGGREGATE_GROUP}
    shown = sorted((n, cid) for cid, n in cohort_people.items() if cid not in hidden)
    while shown and 0 < program_people - sum(n for n, _cid in shown) < MIN_AGGREGATE_GROUP:
        hidden.add(shown.pop(0)[1])
    return hidden


@dataclass(frozen=True)
class Row:
    number: int
    name: str
    cell: Cell


@dataclass(frozen=True)
class Table:
    checkpoint_name: str
    rows: tuple[Row, ...]
    open_until: date | None = None  # set while the checkpoint has not closed: no figures

    @property
    def pending(self) -> bool:
        return self.open_until is not None


@dataclass(frozen=True)
class Group:
    cohort_id: int | None  # None: the whole programme
    name: str
    tables: tuple[Table, ...]  # one per checkpoint, in order


@dataclass(frozen=True)
class Overview:
    levels: tuple[tuple[int, str], ...]  # (value, label): the columns of every table
    groups: tuple[Group, ...]  # the whole programme first, then each cohort


def overview(checkpoints: list[tuple[int, str]], cohorts: list[tuple[int, str]],
             competencies: list[tuple[int, str]], levels: list[tuple[int, str]],
             counts: list[RatingCount], program_name: str = "Whole programme",
             open_until: dict[int, date] | None = None) -> Overview:
    """Competencies are matched by number across framework versions and named as in the
    programme's framework; a level value only an older version has gets a column of its own.
    ``open_until`` gives the checkpoints that have not closed (id -> closing day): their
    tables hold PENDING cells whatever ``counts`` says of them."""
    open_until = open_until or {}
    scale = dict(levels)
    for c in counts:
        scale.setdefault(c.value, _("Level %(value)s", value=c.value))
    values = tuple(sorted(scale))
    names = dict(competencies)
    for c in counts:
        names.setdefault(c.number, _("Competency %(number)s", number=c.number))
    order = [number for number, _name in competencies]
    order += sorted(set(names) - set(order))
    found: dict[tuple[int | None, int, int], dict[int, int]] = {}
    for c in counts:
        found.setdefault((c.cohort_id, c.checkpoint_id, c.number), {})[c.value] = c.people
    hidden = {
        (cp_id, number): hidden_cohorts(
            sum(found.get((None, cp_id, number), {}).values()),
            {cid: sum(found.get((cid, cp_id, number), {}).values()) for cid, _name in cohorts},
        )
        for cp_id, _cp_name in checkpoints
        for number in order
    }

    def figures(cohort_id: int | None, cp_id: int, number: int) -> Cell:
        if cp_id in open_until:
            return PENDING
        shown = cell(found.get((cohort_id, cp_id, number), {}), values)
        if shown.shown and cohort_id in hidden[(cp_id, number)]:
            return PROTECTING
        return shown

    def group(cohort_id: int | None, name: str) -> Group:
        return Group(cohort_id, name, tuple(
            Table(cp_name, tuple(
                Row(number, names[number], figures(cohort_id, cp_id, number))
                for number in order
            ), open_until.get(cp_id))
            for cp_id, cp_name in checkpoints
        ))

    return Overview(
        tuple((value, scale[value]) for value in values),
        (group(None, program_name), *(group(cid, name) for cid, name in cohorts)),
    )


@dataclass(frozen=True)
class FrameworkOverview:
    """The overview of the cohorts that rate on one of the programme's frameworks: a
    programme offering two frameworks has two, never one figure mixing them."""

    framework_id: int
    framework_name: str
    overview: Overview


def program_overviews(program, today: date | None = None) -> list[FrameworkOverview]:
    """The programme's overviews as the ratings overview page shows them, for any reader of
    them (the page, the dashboards' exports): one per framework the programme offers, its
    first first, each with the cohorts rating on it and only the worksheets made on it (any
    version of it: same key); empty while the programme has no rubric. ``today`` is the
    programme's (its time zone's) date unless given. Figures only for the checkpoints that
    closed before today. Three statements, and four per framework."""
    frameworks = program_queries.offered_framework_rows(program)
    if not frameworks:
        return []
    today = today or queries.today_in(program.time_zone)
    checkpoints = queries.checkpoints(program.id)
    cohorts = program_queries.cohorts_with_frameworks(program)
    found = []
    for framework in frameworks:
        framework_id, name = framework.id, framework.name
        found.append(FrameworkOverview(framework_id, name, overview(
            [(cp.id, cp.name) for cp in checkpoints],
            [(cid, cname) for cid, cname, chosen in cohorts if chosen == framework_id],
            queries.competency_names(framework_id),
            queries.level_scale(framework_id),
            queries.rating_counts(program.id, framework_id, closed_before=today),
            program_name=_("Whole programme") if len(frameworks) == 1
            else _("Whole programme · %(name)s", name=name),
            open_until={cp.id: cp.closes_on for cp in checkpoints if not cp.has_closed(today)},
        )))
    return found


def program_overview(program, today: date | None = None) -> Overview | None:
    """The overview of the programme's first framework (None while it has none)."""
    found = program_overviews(program, today)
    return found[0].overview if found else None
