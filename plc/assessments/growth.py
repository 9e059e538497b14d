"""A member's ratings across checkpoints: the table, the changes, and the SVG chart's geometry.
Pure functions over plain values; the template draws what these compute."""

from __future__ import annotations

from dataclasses import dataclass, replace

from plc.assessments.queries import GrowthRating

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


# --- in words ------------------------------------------------------------------------------


def changes_in_words(data: Table) -> list[str]:
    """Each competency rated twice or more: "Delivers results: Baseline 1 → Mid-year 2 (+1)",
    from its first to its latest rating."""
    sentences = []
    for row in data.rows:
        rated = [(name, cell.value) for (_id, name), cell in zip(data.checkpoints, row.cells,
                                                                 strict=True)
                 if cell.value is not None]
        if len(rated) < 2:
            continue
        (first_name, first), (latest_name, latest) = rated[0], rated[-1]
        change = f"{latest - first:+d}" if latest != first else "no change"
        sentences.append(f"{row.name}: {first_name} {first} → {latest_name} {latest} ({change})")
    return sentences


# --- the chart ----------------------------------------------------------------------------

# Colour-blind-safe (Okabe-Ito); each line also has its own marker shape, its own dash and
# its competency's name beside it, so colour is never the only way to tell lines apart.
SHAPES = ("circle", "square", "triangle", "diamond", "triangle-down", "plus", "cross")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "12 4", "4 4", "1 2")
LABEL_GAP = 15  # px between two labels' baselines at the right of the chart
MARKER = 5  # px from a marker's centre to its edge


def marker_path(shape: str, x: float, y: float, r: float = MARKER) -> str:
    """SVG path data of one marker centred on (x, y)."""
    if shape == "circle":
        return (f"M{x - r:.1f},{y:.1f}a{r},{r} 0 1,0 {2 * r},0a{r},{r} 0 1,0 {-2 * r},0z")
    if shape == "square":
        return f"M{x - r:.1f},{y - r:.1f}h{2 * r}v{2 * r}h{-2 * r}z"
    if shape == "triangle":
        return f"M{x:.1f},{y - r:.1f}L{x + r:.1f},{y + r:.1f}L{x - r:.1f},{y + r:.1f}z"
    if shape == "triangle-down":
        return f"M{x:.1f},{y + r:.1f}L{x + r:.1f},{y - r:.1f}L{x - r:.1f},{y - r:.1f}z"
    if shape == "diamond":
        return f"M{x:.1f},{y - r:.1f}L{x + r:.1f},{y:.1f}L{x:.1f},{y + r:.1f}L{x - r:.1f},{y:.1f}z"
    if shape == "plus":
        w = r / 2.5
        return (f"M{x - w:.1f},{y - r:.1f}h{2 * w}v{r - w:.1f}h{r - w:.1f}v{2 * w}"
                f"h{w - r:.1f}v{r - w:.1f}h{-2 * w}v{w - r:.1f}h{w - r:.1f}v{-2 * w}"
                f"h{r - w:.1f}z")
    # cross: the plus turned a quarter
    return (f"M{x - r:.1f},{y - r:.1f}L{x + r:.1f},{y + r:.1f}"
            f"M{x + r:.1f},{y - r:.1f}L{x - r:.1f},{y + r:.1f}")


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
    shape: str
    dash: str
    points: tuple[Point, ...]
    label_y: float = 0.0  # where its name stands at the right, kept apart from the others

    @property
    def path(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)

    @property
    def markers(self) -> tuple[str, ...]:
        return tuple(marker_path(self.shape, p.x, p.y) for p in self.points)

    @property
    def filled(self) -> bool:
        return self.shape not in ("cross",)  # a cross is drawn with its stroke alone


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    top: int
    bottom: int
    label_x: float  # where the competencies' names start, right of the last checkpoint
    x_ticks: tuple[tuple[float, str], ...]
    y_ticks: tuple[tuple[float, str], ...]
    series: tuple[Series, ...]


def chart(data: Table, levels: list[tuple[int, str]], width: int = 760) -> Chart:
    """Checkpoints across, levels up, a line per competency with its name at the right.
    Markers on the same level are offset a little sideways so they stay apart."""
    left, right, top, bottom = 150, 190, 20, 40
    height = max(60 * max(len(levels), 1), LABEL_GAP * len(data.rows)) + top + bottom
    top_value = max([v for v, _ in levels] or [1])
    low_value = min([v for v, _ in levels] or [1])
    span = max(top_value - low_value, 1)
    n = max(len(data.checkpoints), 1)
    pad = 24  # the first checkpoint's markers (offset sideways) clear the level names
    inner = width - left - right - pad
    step = inner / max(n - 1, 1)

    def x_at(i: int) -> float:
        return left + pad + (step * i if n > 1 else inner / 2)

    def y_at(value: int) -> float:
        return top + (top_value - value) * (height - top - bottom) / span

    drawn = []
    for k, row in enumerate(data.rows):
        nudge = (k - (len(data.rows) - 1) / 2) * 3
        points = tuple(
            Point(x_at(i) + nudge, y_at(cell.value), cell.value)
            for i, cell in enumerate(row.cells)
            if cell.value is not None
        )
        drawn.append(Series(row.number, row.name, PALETTE[k % len(PALETTE)],
                            SHAPES[k % len(SHAPES)], DASHES[k % len(DASHES)], points))
    return Chart(
        width, height, left, top, height - bottom, x_at(n - 1) + 24,
        tuple((x_at(i), name) for i, (_id, name) in enumerate(data.checkpoints)),
        tuple((y_at(value), f"{value} {label}") for value, label in levels),
        tuple(_labels_apart(drawn, top + 4, height - 4)),
    )


def _labels_apart(series: list[Series], highest: float, lowest: float) -> list[Series]:
    """Each line's name beside its latest point, moved just enough that no two names overlap
    (competencies on the same level would otherwise print on top of each other): pushed down
    from the top, then up from the bottom edge where they ran past it."""
    order = sorted((s for s in series if s.points), key=lambda s: (s.points[-1].y, s.number))
    ys, floor = [], highest
    for s in order:
        ys.append(max(s.points[-1].y + 4, floor))
        floor = ys[-1] + LABEL_GAP
    ceiling = lowest
    for i in reversed(range(len(ys))):
        ys[i] = min(ys[i], ceiling)
        ceiling = ys[i] - LABEL_GAP
    placed = {s.number: y for s, y in zip(order, ys, strict=True)}
    return [replace(s, label_y=placed.get(s.number, 0.0)) for s in series]


# --- one checkpoint so far: the baseline ------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    name: str
    value: int
    label: str
    y: float  # the bar's top
    end: float  # where the bar ends, right of ``Baseline.left``


@dataclass(frozen=True)
class Baseline:
    """With a single checkpoint there is no line to draw: a bar per competency, labelled."""

    width: int
    height: int
    left: int
    bar_height: int
    x_ticks: tuple[tuple[float, str], ...]
    bars: tuple[Bar, ...]


def baseline(data: Table, levels: list[tuple[int, str]], width: int = 760) -> Baseline:
    left, right, top, row_height, bar_height = 180, 150, 30, 30, 18
    low = min([v for v, _ in levels] or [1])
    high = max([v for v, _ in levels] or [1])
    inner = width - left - right

    def x_at(value: int) -> float:
        # Level 1 still gets a visible bar: the scale starts half a step below the lowest.
        return left + inner * (value - low + 0.5) / (high - low + 0.5)

    rated = [r for r in data.rows if r.cells[0].value is not None]
    bars = tuple(Bar(r.name, r.cells[0].value, r.cells[0].label, top + i * row_height,
                     x_at(r.cells[0].value)) for i, r in enumerate(rated))
    return Baseline(width, top + row_height * len(bars) + 10, left, bar_height,
                    tuple((x_at(v), f"{v} {label}") for v, label in levels), bars)
