"""A member's ratings across checkpoints: the table, the changes, and the SVG chart's geometry.
Pure functions over plain values; the template draws what these compute."""

from __future__ import annotations

from dataclasses import dataclass

from plc.assessments.queries import GrowthRating

# Colour-blind-safe (Okabe-Ito); every line also carries its competency number as text.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#7a6500", "#56B4E9", "#000000")


@dataclass(frozen=True)
class Cell:
    value: int | None
    label: str = ""
    change: int | None = None  # against the previous checkpoint this person rated

    @property
    def arrow(self) -> str:
        if not self.change:
            return ""
        return "↑" if self.change > 0 else "↓"

    @property
    def change_text(self) -> str:
        return f"{self.change:+d}" if self.change else ""


@dataclass(frozen=True)
class Row:
    number: int
    name: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Table:
    checkpoints: tuple[tuple[int, str], ...]  # (id, name), in order
    rows: tuple[Row, ...]


def table(checkpoints: list[tuple[int, str]], ratings: list[GrowthRating]) -> Table:
    """Rows are competencies (by number, across framework versions), columns checkpoints."""
    seen = {cp_id for cp_id, _ in checkpoints}
    found: dict[tuple[int, int], GrowthRating] = {
        (r.number, r.checkpoint_id): r for r in ratings if r.checkpoint_id in seen
    }
    names = {r.number: r.name for r in sorted(ratings, key=lambda r: _order(checkpoints, r))}
    rows = []
    for number in sorted(names):
        cells, previous = [], None
        for cp_id, _name in checkpoints:
            rating = found.get((number, cp_id))
            if rating is None:
                cells.append(Cell(None))
                continue
            change = rating.value - previous if previous is not None else None
            cells.append(Cell(rating.value, rating.label, change))
            previous = rating.value
        rows.append(Row(number, names[number], tuple(cells)))
    return Table(tuple(checkpoints), tuple(rows))


def _order(checkpoints, rating: GrowthRating) -> int:
    ids = [cp_id for cp_id, _ in checkpoints]
    return ids.index(rating.checkpoint_id) if rating.checkpoint_id in ids else -1


# --- the chart ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: int


@dataclass(frozen=True)
class Series:
    number: int
    name: str
    colour: str
    points: tuple[Point, ...]

    @property
    def path(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    top: int
    bottom: int
    x_ticks: tuple[tuple[float, str], ...]
    y_ticks: tuple[tuple[float, str], ...]
    series: tuple[Series, ...]


def chart(data: Table, levels: list[tuple[int, str]], width: int = 640) -> Chart:
    """Checkpoints across, levels up. A competency's numbers are offset a little sideways so
    lines on the same level stay apart."""
    left, right, top, bottom = 150, 40, 20, 40
    height = 60 * max(len(levels), 1) + top + bottom
    top_value = max([v for v, _ in levels] or [1])
    low_value = min([v for v, _ in levels] or [1])
    span = max(top_value - low_value, 1)
    n = max(len(data.checkpoints), 1)
    step = (width - left - right) / max(n - 1, 1)

    def x_at(i: int) -> float:
        return left + (step * i if n > 1 else (width - left - right) / 2)

    def y_at(value: int) -> float:
        return top + (top_value - value) * (height - top - bottom) / span

    series = []
    for k, row in enumerate(data.rows):
        nudge = (k - (len(data.rows) - 1) / 2) * 3
        points = tuple(
            Point(x_at(i) + nudge, y_at(cell.value), cell.value)
            for i, cell in enumerate(row.cells)
            if cell.value is not None
        )
        series.append(Series(row.number, row.name, PALETTE[k % len(PALETTE)], points))
    return Chart(
        width, height, left, top, height - bottom,
        tuple((x_at(i), name) for i, (_id, name) in enumerate(data.checkpoints)),
        tuple((y_at(value), f"{value} {label}") for value, label in levels),
        tuple(series),
    )
