"""The province map as a static SVG, and the colour scale it shares with its Vega-Lite version. Pure.

Colours come from a ColorBrewer sequential scheme (YlGnBu: colour-blind safe and ordered light to dark, so it
also reads on a black-and-white print); every province carries a dark outline, so even the lightest class
stands out from the page. The legend is the page's own text (templates/_province_map.html), readable at any
screen width, with swatches drawn by `swatch`. Provinces without an evaluated unit are hatched,
never coloured as a low value. Every value written into the SVG is escaped here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from .boundaries import Boundaries

# ColorBrewer YlGnBu, by number of classes (Cynthia Brewer, colorbrewer2.org; Apache-2.0 licensed scheme).
PALETTES = {
    1: ("#41b6c4",),
    2: ("#a1dab4", "#225ea8"),
    3: ("#edf8b1", "#7fcdbb", "#2c7fb8"),
    4: ("#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"),
    5: ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"),
    6: ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494"),
}
MAX_CLASSES = 6
NICE_STEPS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 2.5, 5.0, 10.0, 20.0, 25.0, 50.0, 100.0)
OUTLINE = "#3d3d3d"
HATCH = "#767676"  # 4.5:1 on white: thin stripes that stay visible without outweighing the coloured shapes


@dataclass(frozen=True)
class ColourScale:
    """Classes of equal width: class i holds values from lows[i] up to (not including) lows[i + 1]; the last
    class also holds `top`."""

    lows: tuple[float, ...]
    top: float
    colours: tuple[str, ...]

    def colour(self, value: float) -> str:
        position = sum(1 for low in self.lows[1:] if value >= low - 1e-9)
        return self.colours[position]

    def thresholds(self) -> list[float]:
        """The lows of every class but the first: a Vega-Lite threshold scale's domain."""
        return list(self.lows[1:])


def fit_scale(values: Sequence[float], precision: int = 2) -> ColourScale:
    """At most MAX_CLASSES classes of a round width covering `values`; a width is a whole number of the
    published values' last digit (10 ** -precision), so that each class's range can be written exactly."""
    if not values:
        return ColourScale((0.0,), 0.0, PALETTES[1])
    smallest, largest = min(values), max(values)
    digit = 10 ** -precision
    steps = [step for step in NICE_STEPS if step >= digit - 1e-12 and abs(step / digit - round(step / digit)) < 1e-9]
    for step in steps:
        low = math.floor(smallest / step + 1e-9) * step
        count = max(1, math.ceil((largest - low) / step - 1e-9))
        if count <= MAX_CLASSES:
            break
    else:
        step = (largest - smallest) / MAX_CLASSES or 1.0
        low, count = smallest, MAX_CLASSES
    lows = tuple(round(low + i * step, 6) for i in range(count))
    return ColourScale(lows, round(low + count * step, 6), PALETTES[count])


@dataclass(frozen=True)
class MapShape:
    code: str
    label: str  # the shape's tooltip and accessible text: "Jawa Timur: 3,68"
    value: float | None  # None: no data


def hatch_pattern(pattern_id: str) -> str:
    return (f'<pattern id="{pattern_id}" width="8" height="8" patternUnits="userSpaceOnUse" '
            f'patternTransform="rotate(45)"><rect width="8" height="8" fill="#fff"/>'
            f'<rect width="1.6" height="8" fill="{HATCH}"/></pattern>')


def map_svg(boundaries: Boundaries, key: str, shapes: Sequence[MapShape], scale: ColourScale) -> Markup:
    """The map: one path per province, in code order so that output is stable. Ids start with `key`, unique
    per page; the hatch of provinces without data is `<key>-nodata`.

    The shapes are not links: the figure's picture is one image to assistive technology (role="img"), which
    may hold nothing focusable, so the league table beside the map links each province; the interactive
    version (Vega-Lite) makes shapes clickable."""
    hatch = f"{key}-nodata"
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="-4 -4 {boundaries.width + 8} {boundaries.height + 8}" '
             f'class="province-map" focusable="false">',
             f'<defs>{hatch_pattern(hatch)}</defs>',
             f'<g stroke="{OUTLINE}" stroke-width="0.7" stroke-linejoin="round">']
    for shape in sorted(shapes, key=lambda s: s.code):
        d = boundaries.paths.get(shape.code)
        if not d:
            continue
        fill, kind = ((f"url(#{hatch})", "no-data") if shape.value is None
                      else (scale.colour(shape.value), "has-data"))
        parts.append(f'<path id="{key}-p{escape(shape.code)}" class="{kind}" fill="{fill}" d="{d}">'
                     f'<title>{escape(shape.label)}</title></path>')
    parts.append("</g></svg>")
    return Markup("".join(parts))


def swatch(fill: str | None, pattern_id: str) -> Markup:
    """A legend's colour sample: `fill`, or the no-data hatch (None), outlined like the map's shapes."""
    defs = f"<defs>{hatch_pattern(pattern_id)}</defs>" if fill is None else ""
    return Markup(f'<svg xmlns="http://www.w3.org/2000/svg" class="swatch" viewBox="0 0 20 14" width="20" '
                  f'height="14" aria-hidden="true" focusable="false">{defs}<rect x="0.5" y="0.5" width="19" '
                  f'height="13" fill="{escape(fill) if fill else f"url(#{pattern_id})"}" stroke="{OUTLINE}"/></svg>')
