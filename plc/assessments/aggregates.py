"""The programme's ratings overview for program leads: per checkpoint and competency, how many
people rated themselves and, for groups of MIN_AGGREGATE_GROUP or more only, how their ratings
spread over the levels and their average. Pure functions over the grouped counts of
queries.rating_counts; ``cell`` is the one place where small groups are suppressed."""

from __future__ import annotations

from dataclasses import dataclass

from plc.assessments.queries import RatingCount
from plc.permissions import MIN_AGGREGATE_GROUP


@dataclass(frozen=True)
class Cell:
    """One competency at one checkpoint in one group. A suppressed cell carries no figure."""

    people: int | None = None  # None: fewer than MIN_AGGREGATE_GROUP
    counts: tuple[int, ...] = ()  # people per level, in the order of Overview.levels
    average: float | None = None

    @property
    def shown(self) -> bool:
        return self.people is not None

    @property
    def average_text(self) -> str:
        return f"{self.average:.2f}" if self.average is not None else ""


SUPPRESSED = Cell()


def cell(by_value: dict[int, int], values: tuple[int, ...]) -> Cell:
    """The figures for one group, or none at all when fewer than MIN_AGGREGATE_GROUP people
    are in it (PRODUCT.md: program leads see aggregates of 5 or more people only)."""
    people = sum(by_value.values())
    if people < MIN_AGGREGATE_GROUP:
        return SUPPRESSED
    average = sum(value * n for value, n in by_value.items()) / people
    return Cell(people, tuple(by_value.get(value, 0) for value in values), average)


@dataclass(frozen=True)
class Row:
    number: int
    name: str
    cell: Cell


@dataclass(frozen=True)
class Table:
    checkpoint_name: str
    rows: tuple[Row, ...]


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
             counts: list[RatingCount], program_name: str = "Whole programme") -> Overview:
    """Competencies are matched by number across framework versions and named as in the
    programme's framework; a level value only an older version has gets a column of its own."""
    scale = dict(levels)
    for c in counts:
        scale.setdefault(c.value, f"Level {c.value}")
    values = tuple(sorted(scale))
    names = dict(competencies)
    for c in counts:
        names.setdefault(c.number, f"Competency {c.number}")
    order = [number for number, _name in competencies]
    order += sorted(set(names) - set(order))
    found: dict[tuple[int | None, int, int], dict[int, int]] = {}
    for c in counts:
        found.setdefault((c.cohort_id, c.checkpoint_id, c.number), {})[c.value] = c.people

    def group(cohort_id: int | None, name: str) -> Group:
        return Group(cohort_id, name, tuple(
            Table(cp_name, tuple(
                Row(number, names[number],
                    cell(found.get((cohort_id, cp_id, number), {}), values))
                for number in order
            ))
            for cp_id, cp_name in checkpoints
        ))

    return Overview(
        tuple((value, scale[value]) for value in values),
        (group(None, program_name), *(group(cid, name) for cid, name in cohorts)),
    )
