"""The marks every static SVG chart is drawn with (unit_svg.py): escaped text, scales, point markers, lines,
grade bands, axes and legends. Pure; no I/O. The small pieces are cached: the same labels, positions and
markers recur on page after page.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

from markupsafe import Markup

from .svg_text import xml_text

WIDTH = 360  # viewBox width: text drawn at 12 units stays ~11 px on a 360 px phone


@lru_cache(maxsize=1 << 16)
def esc(text: str) -> str:
    """Text safe inside SVG markup and attributes (svg_text.xml_text, the one rule for SVG text). Cached: labels
    and figures recur from page to page."""
    return xml_text(text)


class Scale:
    """A linear map of the domain [d0, d1] onto [r0, r1]. `at` remembers each value's position: a scale lives
    in a chart's cached frame (below), and the same published values land on it page after page."""

    __slots__ = ("d0", "d1", "positions", "r0", "r1")

    def __init__(self, d0: float, d1: float, r0: float, r1: float) -> None:
        self.d0, self.d1, self.r0, self.r1 = d0, d1, r0, r1
        self.positions: dict[float, tuple[float, str]] = {}  # what `at` found, by value

    def __call__(self, value: float) -> float:
        span = self.d1 - self.d0
        return self.r0 + (value - self.d0) / span * (self.r1 - self.r0) if span else (self.r0 + self.r1) / 2

    def at(self, value: float) -> tuple[float, str]:
        """The position of `value` and the position as written (`n`)."""
        found = self.positions.get(value)
        if found is None:
            position = self(value)
            found = self.positions[value] = (position, n(position))
        return found


class Band(NamedTuple):
    low: float
    high: float
    colour: str
    letter: str


class Series(NamedTuple):
    """One line of a line chart: values per x position (None: no value, the line breaks there)."""

    values: Sequence[float | None]
    labels: Sequence[str | None]  # value labels drawn above the points (None: no label)
    css: str  # s-unit, s-province, s-national: colour, dash and marker style in rapor.css
    shape: str  # circle, square, diamond, triangle
    name: str = ""  # drawn in the legend; empty: no legend entry


class AspectRow(NamedTuple):
    label: str
    marks: Sequence[tuple[int, float | None]]  # (series position in the legend, value)
    difference: str  # the unit against its peers, formatted; drawn at the row's end


class Panel(NamedTuple):
    title: str
    values: Sequence[float | None]
    labels: Sequence[str | None]


@lru_cache(maxsize=1 << 16)
def n(value: float) -> str:
    """A coordinate as written: one decimal. Cached: the same few thousand positions recur on every page."""
    return f"{value:.1f}"


def svg(width: float, height: float, kind: str, body: str) -> Markup:
    return Markup(f"{svg_open(width, height, kind)}{body}</svg>")


def svg_open(width: float, height: float, kind: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {n(width)} {n(height)}" width="100%" '
            f'class="chart-svg chart-{kind}" aria-hidden="true">')


@lru_cache(maxsize=1 << 16)
def text(x: float, y: float, content: str, css: str = "", anchor: str = "") -> str:
    klass = f' class="{css}"' if css else ""
    align = f' text-anchor="{anchor}"' if anchor else ""
    return f'<text x="{n(x)}" y="{n(y)}"{klass}{align}>{esc(content)}</text>'


@lru_cache(maxsize=1 << 16)
def marker(shape: str, x: float, y: float, size: float, css: str) -> str:
    """A point mark; each series has its own shape so it is told apart without colour. Cached: averages and
    common values land on the same spots on page after page."""
    if shape == "square":
        return f'<rect class="{css}" x="{n(x - size)}" y="{n(y - size)}" width="{n(2 * size)}" height="{n(2 * size)}"/>'
    if shape == "diamond":
        s = size * 1.35
        return f'<path class="{css}" d="M{n(x)} {n(y - s)}L{n(x + s)} {n(y)}L{n(x)} {n(y + s)}L{n(x - s)} {n(y)}Z"/>'
    if shape == "triangle":
        s = size * 1.3
        return f'<path class="{css}" d="M{n(x)} {n(y - s)}L{n(x + s)} {n(y + 0.8 * s)}L{n(x - s)} {n(y + 0.8 * s)}Z"/>'
    return f'<circle class="{css}" cx="{n(x)}" cy="{n(y)}" r="{n(size)}"/>'


def line_path(points: Sequence[str | None]) -> str:
    """A path through the points (each written "x y"), broken where a point is missing (a year without a
    value)."""
    parts, pen_down = [], False
    for point in points:
        if point is None:
            pen_down = False
            continue
        parts.append(("L" if pen_down else "M") + point)
        pen_down = True
    return "".join(parts)


def bands_layer(bands: Sequence[Band], y: Scale, x0: float, x1: float) -> str:
    """The grade bands as tinted strips with their letters at the right edge, clipped to the y domain."""
    low_end, high_end = min(y.d0, y.d1), max(y.d0, y.d1)
    out = []
    for band in bands:
        low, high = max(band.low, low_end), min(band.high, high_end)
        if low >= high:
            continue
        top, bottom = y(high), y(low)
        out.append(f'<rect class="band" x="{n(x0)}" y="{n(top)}" width="{n(x1 - x0)}" height="{n(bottom - top)}" '
                   f'fill="{esc(band.colour)}"/>')
        if bottom - top >= 9:
            out.append(text(x1 + 4, (top + bottom) / 2 + 4, band.letter, "band-label"))
    return "".join(out)


def y_axis(ticks: Sequence[tuple[float, str]], y: Scale, x0: float, x1: float) -> str:
    return "".join(f'<line class="grid" x1="{n(x0)}" x2="{n(x1)}" y1="{n(y(v))}" y2="{n(y(v))}"/>'
                   + text(x0 - 4, y(v) + 4, label, "tick", "end") for v, label in ticks)


CHAR_WIDTH = 6.4  # estimated width of a character of 12-unit text (no font metrics at build time)


def legend(entries: Sequence[tuple[str, str, str]], y: float, x0: float = 8) -> tuple[str, float]:
    """Legend entries (shape, css, label) placed left to right, wrapping at the chart's width; a label too
    long for one line wraps at its spaces. Returns the markup and the y below it."""
    out, x = [], x0
    for shape, css, label in entries:
        width = 16 + CHAR_WIDTH * len(label)
        if x > x0 and x + width > WIDTH:
            x, y = x0, y + 16
        lines = wrap(label, int((WIDTH - x - 18) / CHAR_WIDTH))
        out.append(marker(shape, x + 5, y - 4, 4, css))
        if len(lines) == 1:
            out.append(text(x + 14, y, label, "legend-label"))
        else:
            # One text element, so the label reads as one; each line a tspan (its trailing space kept).
            spans = "".join(f'<tspan x="{n(x + 14)}" dy="{0 if i == 0 else 14}">{esc(line)}</tspan>'
                            for i, line in enumerate(lines))
            out.append(f'<text x="{n(x + 14)}" y="{n(y)}" class="legend-label">{spans}</text>')
            y += 14 * (len(lines) - 1)
            width = WIDTH  # the next entry starts on a line of its own
        x += width + 12
    return "".join(out), y + 8


def wrap(label: str, limit: int) -> list[str]:
    """`label` cut at spaces into lines of at most `limit` characters (a longer word keeps its own line);
    each line but the last keeps its trailing space, so the lines join back into the label."""
    lines = [""]
    for word in label.split(" "):
        candidate = lines[-1] + word
        if lines[-1] and len(candidate) > limit:
            lines.append(word)
        else:
            lines[-1] = candidate
        lines[-1] += " "
    lines[-1] = lines[-1][:-1]
    return lines
