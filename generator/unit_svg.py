"""Static SVG charts for unit and province pages, drawn without a chart renderer. Pure; no I/O.

Thousands of unit pages each need a few small charts, and a Vega renderer costs ~12 ms a chart, so these
pictures are drawn here as plain SVG text: a page's charts cost well under a millisecond. They follow the
Vega-Lite specs of unit_specs.py (same data, scales and grade colours); the specs are what tests check.

Every text put into the SVG is escaped here (`esc`), whatever it is; numbers arrive already formatted in
the page's language. What charts over the same years, rows and scale share (legend, bands, axes, grid) is
drawn once per build as a frame (LineFrame, DotGrid, PanelFrame), which keeps each mark and label by
position and value and each scale the positions of the values put on it: the same averages and values land
on the same spots page after page, so most of a page's SVG is looked up rather than formatted
(bench/bench_unit_charts.py).
The pictures carry no ids (two charts on a page cannot collide), scale with their container (viewBox,
width 100%), and tell their marks apart without colour (shapes, dashes and direct labels), so they stay
readable on a black-and-white printout. Colours and type come from rapor.css classes. The marks they are
drawn with are svg_marks.py's.
"""
from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from operator import add

from markupsafe import Markup

from .svg_marks import (
    WIDTH,
    AspectRow,
    Band,
    Panel,
    Scale,
    Series,
    bands_layer,
    esc,
    legend,
    line_path,
    marker,
    n,
    svg,
    svg_open,
    text,
    y_axis,
)


def line_chart(x_labels: Sequence[str], series: Sequence[Series], domain: tuple[float, float],
               ticks: Sequence[tuple[float, str]], bands: Sequence[Band], kind: str) -> Markup:
    """Lines over the years (evenly spaced), the grade bands behind them, a legend when series are named."""
    entries = tuple((s.shape, s.css, s.name) for s in series if s.name)
    return line_frame(tuple(x_labels), entries, domain, tuple(ticks), tuple(bands), kind).draw(series)


class LineFrame:
    """What line charts over the same years, legend and scale share, drawn once per build: the picture up to its
    marks (legend, bands, axes), the x positions and the y scale. Each point's mark (and the start of its label)
    is kept by series style, position and value: the same published values land on the same spots."""

    __slots__ = ("head", "marks", "x_texts", "xs", "y")

    def __init__(self, x_labels: tuple[str, ...], entries: tuple[tuple[str, str, str], ...],
                 domain: tuple[float, float], ticks: tuple[tuple[float, str], ...], bands: tuple[Band, ...],
                 kind: str) -> None:
        head, top = legend(entries, 14) if entries else ("", 8.0)
        left, right, plot_height = 34.0, WIDTH - 28.0, 150.0
        y = Scale(domain[0], domain[1], top + 10 + plot_height, top + 10)
        count = len(x_labels)
        step = (right - left - 24) / (count - 1) if count > 1 else 0.0
        xs = [left + 12 + i * step for i in range(count)] if count > 1 else [(left + right) / 2]
        bottom = y(domain[0])
        body = [head, bands_layer(bands, y, left, right), y_axis(ticks, y, left, right)]
        body.extend(text(x, bottom + 16, label, "tick", "middle") for x, label in zip(xs, x_labels, strict=True))
        self.head = svg_open(WIDTH, bottom + 24, kind) + "".join(body)
        self.xs, self.x_texts, self.y = xs, [n(x) for x in xs], y
        # (shape, css, first series) -> per x position: value -> ("x y" of the point, its mark, its label's start)
        self.marks: dict[tuple[str, str, bool], list[dict[float, tuple[str, str, str]]]] = {}

    def draw(self, series: Sequence[Series]) -> Markup:
        body = [self.head]
        for s in series:
            first = s is series[0]
            cells = self.marks.get((s.shape, s.css, first))
            if cells is None:
                cells = self.marks[(s.shape, s.css, first)] = [{} for _ in self.xs]
            points: list[str | None] = []
            marks = []
            for i, (value, label) in enumerate(zip(s.values, s.labels, strict=True)):
                if value is None:
                    points.append(None)
                    continue
                found = cells[i].get(value)
                if found is None:
                    found = cells[i][value] = self._point(i, value, s, first)
                points.append(found[0])
                marks.append(found[1])
                if label is not None:
                    marks.append(f"{found[2]}{esc(label)}</text>")
            body.append(f'<path class="line {s.css}" d="{line_path(points)}"/>')
            body.extend(marks)
        body.append("</svg>")
        return Markup("".join(body))

    def _point(self, i: int, value: float, s: Series, first: bool) -> tuple[str, str, str]:
        x, (y, y_text) = self.xs[i], self.y.at(value)
        above = y - 8 if first else y + 16
        return (f"{self.x_texts[i]} {y_text}", marker(s.shape, x, y, 4, s.css),
                f'<text x="{n(x)}" y="{n(above)}" class="value" text-anchor="middle">')


@lru_cache(maxsize=256)
def line_frame(x_labels: tuple[str, ...], entries: tuple[tuple[str, str, str], ...], domain: tuple[float, float],
               ticks: tuple[tuple[float, str], ...], bands: tuple[Band, ...], kind: str) -> LineFrame:
    return LineFrame(x_labels, entries, domain, ticks, bands, kind)


def dot_rows(rows: Sequence[AspectRow], entries: Sequence[tuple[str, str, str]], domain: tuple[float, float],
             ticks: Sequence[tuple[float, str]], peer: int, kind: str) -> Markup:
    """One row per aspect: each series as a point of its own shape; a bar joins the unit (entry 0) to its
    peers' average (entry `peer`) and the difference is written at the row's end."""
    entries = tuple(entries)
    head, top = _legend_above(entries)
    grid = dot_grid(tuple(row.label for row in rows), domain, tuple(ticks), top)
    return grid.draw(rows, entries, peer, svg_open(WIDTH, grid.height, kind) + head)


@lru_cache(maxsize=4096)  # one per language and peer group: type, level and province
def _legend_above(entries: tuple[tuple[str, str, str], ...]) -> tuple[str, float]:
    return legend(entries, 14)


class DotGrid:
    """What dot rows with the same rows and scale below the same legend height share, drawn once per build: the
    grid and row labels, the x scale, each row's track, the height. The legend (which names the unit's peers and
    province) is kept apart, so units of every group share the grid, its marks and its row ends."""

    __slots__ = ("chrome", "ends", "height", "marks", "track_texts", "tracks", "x")

    def __init__(self, labels: tuple[str, ...], domain: tuple[float, float], ticks: tuple[tuple[float, str], ...],
                 top: float) -> None:
        left, right, row_height = 8.0, WIDTH - 44.0, 34.0
        x = Scale(domain[0], domain[1], left + 4, right - 4)
        bottom = top + 6 + row_height * len(labels)
        body = [f'<line class="grid" x1="{n(x(v))}" x2="{n(x(v))}" y1="{n(top + 6)}" y2="{n(bottom)}"/>'
                + text(x(v), bottom + 14, label, "tick", "middle") for v, label in ticks]
        tracks = []
        for i, label in enumerate(labels):
            label_y = top + 6 + i * row_height + 13
            body.append(text(left, label_y, label, "row-label"))
            tracks.append(label_y + 12)
        self.chrome, self.x, self.height = "".join(body), x, bottom + 20
        self.tracks, self.track_texts = tracks, [n(track) for track in tracks]
        # per row: (the unit's mark, shape, css, value) -> the mark; the difference written -> its text
        self.marks: list[dict[tuple[bool, str, str, float], str]] = [{} for _ in labels]
        self.ends: list[dict[str, str]] = [{} for _ in labels]

    def draw(self, rows: Sequence[AspectRow], entries: tuple[tuple[str, str, str], ...], peer: int,
             head: str) -> Markup:
        body = [head, self.chrome]
        at = self.x.at
        for i, row in enumerate(rows):
            values = dict(row.marks)
            unit, other = values.get(0), values.get(peer)
            if unit is not None and other is not None:
                track = self.track_texts[i]
                body.append(f'<line class="gap" x1="{at(unit)[1]}" x2="{at(other)[1]}" y1="{track}" y2="{track}"/>')
            for position, value in reversed(row.marks):  # the unit (position 0) drawn last, on top
                if value is not None:
                    shape, css, _ = entries[position]
                    body.append(self.mark(i, position == 0, shape, css, value))
            end = self.ends[i].get(row.difference)
            body.append(end if end is not None else self.end(i, row.difference))
        body.append("</svg>")
        return Markup("".join(body))

    def mark(self, row: int, unit: bool, shape: str, css: str, value: float) -> str:
        """The mark of `value` on row `row`: the unit's larger than the averages'."""
        key = (unit, shape, css, value)
        found = self.marks[row].get(key)
        if found is None:
            found = self.marks[row][key] = marker(shape, self.x.at(value)[0], self.tracks[row], 5 if unit else 4, css)
        return found

    def end(self, row: int, difference: str) -> str:
        """The difference written at the end of row `row`."""
        found = self.ends[row][difference] = text(WIDTH - 4, self.tracks[row] + 4, difference, "value", "end")
        return found


@lru_cache(maxsize=1024)
def dot_grid(labels: tuple[str, ...], domain: tuple[float, float], ticks: tuple[tuple[float, str], ...],
             top: float) -> DotGrid:
    return DotGrid(labels, domain, ticks, top)


def small_multiples(x_labels: Sequence[str], panels: Sequence[Panel], domain: tuple[float, float],
                    kind: str, columns: int = 2) -> Markup:
    """One small line chart per panel on a shared scale, in a grid; first and last years under each. A dot
    marks each labelled value and each value standing alone between gaps (which a line cannot show)."""
    frame = panel_frame(tuple(x_labels), tuple(panel.title for panel in panels), domain, columns, kind)
    return frame.draw(panels)


class PanelCell:
    """One panel of small multiples: its x positions (also as written, each followed by a space, as a path
    takes them), its y scale, and its dots and labels kept by position, value and text."""

    __slots__ = ("dots", "x_starts", "xs", "y", "y_texts")

    def __init__(self, xs: list[float], y: Scale) -> None:
        self.xs, self.y = xs, y
        self.x_starts = [f"{n(x)} " for x in xs]
        self.y_texts: dict[float, str] = {}  # a value's y position as written
        self.dots: dict[tuple[int, float, str | None], str] = {}

    def place(self, value: float) -> str:
        """The y position of `value` as written, kept."""
        found = self.y_texts[value] = self.y.at(value)[1]
        return found

    def dot(self, i: int, value: float, label: str | None) -> str:
        """The dot at position `i` for `value`, with its label above it unless None."""
        key = (i, value, label)
        found = self.dots.get(key)
        if found is None:
            y = self.y.at(value)[0]
            found = marker("circle", self.xs[i], y, 2.5, "s-unit")
            if label is not None:
                found += text(self.xs[i], y - 6, label, "value small", "middle")
            self.dots[key] = found
        return found


class PanelFrame:
    """What small multiples over the same years, panels and scale share, drawn once per build: the picture up
    to its lines (titles, axes, year labels) and each panel's cell."""

    __slots__ = ("cells", "head")

    def __init__(self, x_labels: tuple[str, ...], titles: tuple[str, ...], domain: tuple[float, float],
                 columns: int, kind: str) -> None:
        cell_width, cell_height, gutter = (WIDTH - 8) / columns, 84.0, 12.0
        body, cells = [], []
        count = len(x_labels)
        for i, title in enumerate(titles):
            x0 = 4 + (i % columns) * cell_width
            y0 = (i // columns) * cell_height
            left, right = x0 + 6, x0 + cell_width - gutter
            y = Scale(domain[0], domain[1], y0 + 64, y0 + 26)
            step = (right - left - 20) / (count - 1) if count > 1 else 0.0
            xs = [left + 10 + k * step for k in range(count)] if count > 1 else [(left + right) / 2]
            cells.append(PanelCell(xs, y))
            body.append(text(left, y0 + 13, title, "row-label"))
            body.append(f'<line class="axis" x1="{n(left)}" x2="{n(right)}" y1="{n(y0 + 68)}" y2="{n(y0 + 68)}"/>')
            body.append(text(xs[0], y0 + 80, x_labels[0], "tick small", "middle"))
            if count > 1:
                body.append(text(xs[-1], y0 + 80, x_labels[-1], "tick small", "middle"))
        rows = (len(titles) + columns - 1) // columns
        self.head = svg_open(WIDTH, rows * cell_height, kind) + "".join(body)
        self.cells: list[PanelCell] = cells

    def draw(self, panels: Sequence[Panel]) -> Markup:
        body = [self.head]
        for panel, cell in zip(panels, self.cells, strict=True):
            values, labels = panel.values, panel.labels
            ys: list[str | None] = list(map(cell.y_texts.get, values))  # type: ignore[arg-type]
            last = len(ys) - 1
            if None in ys:  # a gap, or a value not placed before
                ys = [None if v is None else cell.y_texts.get(v) or cell.place(v) for v in values]
            if None in ys or not ys:
                path = line_path([None if y is None else start + y for start, y in zip(cell.x_starts, ys, strict=True)])
                alone = {i for i, y in enumerate(ys) if y is not None
                         and (i == 0 or ys[i - 1] is None) and (i == last or ys[i + 1] is None)}
            else:  # no gap (most panels): one stroke, and a dot only for a single value
                path = "M" + "L".join(map(add, cell.x_starts, ys))
                alone = {0} if last == 0 else set()
            body.append(f'<path class="line s-unit" d="{path}"/>')
            if not alone and last > 0 and labels.count(None) == last - 1 and labels[0] is not None \
                    and labels[last] is not None:  # the first and last labelled (most panels)
                body.append(cell.dot(0, values[0], labels[0]))  # type: ignore[arg-type]
                body.append(cell.dot(last, values[last], labels[last]))  # type: ignore[arg-type]
                continue
            for i, label in enumerate(labels):
                if (label is not None or i in alone) and values[i] is not None:
                    body.append(cell.dot(i, values[i], label))  # type: ignore[arg-type]
        body.append("</svg>")
        return Markup("".join(body))


@lru_cache(maxsize=1024)
def panel_frame(x_labels: tuple[str, ...], titles: tuple[str, ...], domain: tuple[float, float], columns: int,
                kind: str) -> PanelFrame:
    return PanelFrame(x_labels, titles, domain, columns, kind)


def bars(items: Sequence[tuple[str, int, str, str]], kind: str) -> Markup:
    """Vertical bars (label, count, formatted count, colour): the count above each bar and the label under
    it, so bars read without their colour."""
    top, plot_height = 16.0, 110.0
    highest = max((count for _, count, _, _ in items), default=0) or 1
    slot = (WIDTH - 8) / max(len(items), 1)
    width = min(28.0, slot - 6)
    y = Scale(0, highest, top + plot_height, top)
    body = [f'<line class="axis" x1="4" x2="{n(WIDTH - 4)}" y1="{n(y(0))}" y2="{n(y(0))}"/>']
    for i, (label, count, shown, colour) in enumerate(items):
        centre = 4 + slot * (i + 0.5)
        if count:
            body.append(f'<rect class="bar" x="{n(centre - width / 2)}" y="{n(y(count))}" width="{n(width)}" '
                        f'height="{n(y(0) - y(count))}" fill="{esc(colour)}"/>')
        body.append(text(centre, y(count) - 4, shown, "value", "middle"))
        body.append(text(centre, y(0) + 15, label, "bar-label", "middle"))
    return svg(WIDTH, top + plot_height + 22, kind, "".join(body))
