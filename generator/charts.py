"""Year-level charts as Vega-Lite specs: the model's numbers picked out for one chart, and Altair specs of them.
Pure: no I/O, no messages of its own (labels are passed in), grade colours from the scheme.

Each chart kind has a `*_data` function (SiteData -> the numbers it shows, the same numbers its data table
lists) and a `*_spec` function (those numbers + labels -> spec dict). Figures (chart_figures.py) pair them
with a title, a summary and a table; chart_svg.py draws the static picture.

Text the chart writes (bar labels, tooltips) is formatted here by the page's Locale, so the picture, the
tooltip and the table show the same figures; axis numbers are formatted by Vega with the same symbols
(`format_locale`, see chart_svg.py).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .chart_kinds import Selection
from .chart_structures import STRUCTURES
from .config import Config
from .i18n import Locale
from .scheme import Scheme
from .sitedata import SiteData

# altair, numpy and pandas are imported by the functions that use them: the render workers (parallel.py) read
# this module's values (the charts' data) but never make a chart, and spare importing them.
if TYPE_CHECKING:
    import altair as alt

Spec = dict[str, Any]
# Width of the plotting area: with the labels beside it a chart stays near 460 px, so it scales down to a
# 360 px phone without its text becoming too small to read.
# A year chart is drawn some 400 units wide with 13-unit text: shrunk to a 360 px phone's column (328 px) its
# labels stay above 10 px (at 300 wide plots, 180-unit labels and Vega's 10-unit text they were 6-7 px).
WIDTH = 240
BAR_STEP = 34  # room for a label on two lines
TEXT_SIZE = 13
LABEL_LIMIT = 170
# A label longer than a line is cut after its last space within 24 characters and shown on two lines (a Vega
# text given as an array), as the static picture and the interactive one both draw it.
WRAPPED_LABEL = ("length(datum.label) > 24 ? split(replace(datum.label, regexp('^(.{3,24}) '), '$1\\n'), '\\n')"
                 " : datum.label")
INK = "#1b1b1b"  # bars and lines that are not grade-coloured: near-black on white (contrast 17:1)
SCHEMA_CHECK = False  # Altair's JSON-schema check of every spec costs ~10 ms; the tests run it (validate=True)


@dataclass(frozen=True)
class GroupCounts:
    level: str
    type: str
    counts: dict[str, int]  # grade letter -> evaluated units
    evaluated: int


@dataclass(frozen=True)
class TrendPoint:
    year: int
    mean: float
    delta: float | None


@dataclass(frozen=True)
class AspectPoint:
    key: str
    mean: float | None
    previous: float | None
    delta: float | None


@dataclass(frozen=True)
class IndexBin:
    low: float  # the lowest published index in the bin
    high: float  # the highest published index in the bin
    count: int
    grade: str  # the grade of the bin's lowest value


def _selected(data: SiteData, selection: Selection) -> list[dict[str, Any]]:
    """The year's evaluated rows that match the selection."""
    return [row for row in data.rows_by_year.get(selection.year, [])
            if row["evaluated"] and (not selection.level or row["level"] == selection.level)
            and (not selection.type or row["type"] == selection.type)
            and (not selection.province or row["province"] == selection.province)]


def grade_distribution_data(config: Config, data: SiteData, selection: Selection) -> list[GroupCounts]:
    """Evaluated units per grade for each level and type (in the configured order) that has any."""
    groups: dict[tuple[str, str], dict[str, int]] = {}
    for row in _selected(data, selection):
        counts = groups.setdefault((row["level"], row["type"]), {})
        counts[row["grade"]] = counts.get(row["grade"], 0) + 1
    level_order = {c.key: i for i, c in enumerate(config.levels)}
    type_order = {c.key: i for i, c in enumerate(config.unit_types)}
    ordered = sorted(groups, key=lambda g: (level_order.get(g[0], 99), g[0], type_order.get(g[1], 99), g[1]))
    return [GroupCounts(level, kind, groups[(level, kind)], sum(groups[(level, kind)].values()))
            for level, kind in ordered]


def trend_data(data: SiteData, selection: Selection) -> list[TrendPoint]:
    """The group's mean index in each year up to the selection's year (years without one are left out)."""
    group, key = selection.average_group()
    points = []
    for year in data.years:
        average = data.average(year, group, key, "index")
        if year <= selection.year and average is not None and average["mean"] is not None:
            points.append(TrendPoint(year, float(average["mean"]), _number(average["delta"])))
    return points


def aspect_data(config: Config, data: SiteData, selection: Selection) -> list[AspectPoint]:
    """Each aspect's mean in the selection's group and year, with the previous year's and the change."""
    group, key = selection.average_group()
    points = []
    for aspect in config.scheme.aspect_keys:
        average = data.aspect_average(selection.year, group, key, aspect) or {}
        points.append(AspectPoint(aspect, _number(average.get("mean")), _number(average.get("previous")),
                                  _number(average.get("delta"))))
    return points


def index_bins(scheme: Scheme, scores: list[float]) -> list[IndexBin]:
    """The published indexes counted in bins of a fiftieth of the scale (0.1 on a 0–5 scale), from the first
    bin with a unit to the last. Bins start where grade bands start (3.51–3.60 for bands from x.01 and x.51),
    so a bin does not straddle two grades; they are counted in whole steps of the published precision, so no
    float error moves a value into the next bin."""
    import numpy as np
    if not scores:
        return []
    unit = 10**scheme.precision
    step = max(1, round((scheme.scale_max - scheme.scale_min) * unit / 50))
    start, top = round(scheme.scale_min * unit), round(scheme.scale_max * unit)
    band_starts = sorted(round(g.min * unit) for g in scheme.grades if round(g.min * unit) > start)
    anchor = band_starts[0] if band_starts else start
    steps = np.clip(np.rint(np.asarray(scores, dtype=np.float64) * unit).astype(np.int64), start, top)
    positions = np.floor_divide(steps - anchor, step)
    found, tally = np.unique(positions, return_counts=True)
    counts = {int(p): int(n) for p, n in zip(found, tally, strict=True)}
    bins = []
    for position in range(min(counts), max(counts) + 1):
        low = anchor + position * step
        high = min(low + step - 1, top)
        low = max(low, start)
        bins.append(IndexBin(low / unit, high / unit, counts.get(position, 0), _grade_of(scheme, low, unit)))
    return bins


def _grade_of(scheme: Scheme, steps: int, unit: int) -> str:
    """The grade of a published index given in whole steps of the precision (as Scheme.grade_letters)."""
    for band in scheme.grades:
        if round(band.min * unit) <= steps <= round(band.max * unit):
            return band.letter
    return ""


def index_distribution_data(config: Config, data: SiteData, selection: Selection) -> list[IndexBin]:
    return index_bins(config.scheme, [float(row["score"]) for row in _selected(data, selection)])


def _number(value: Any) -> float | None:
    import pandas as pd
    return None if value is None or pd.isna(value) else float(value)


def _grade_scale(scheme: Scheme) -> alt.Scale:
    import altair as alt
    return alt.Scale(domain=[g.letter for g in scheme.grades], range=[g.color for g in scheme.grades])


# Altair's to_dict costs ~10 ms a chart, far more than the rest of a figure. A chart's structure (marks,
# encodings, titles, colours) depends only on its kind, language and a few settings, and its numbers are
# named datasets; so each structure is made once with Altair and each figure gets a copy with its own data.
_STRUCTURES: dict[str, Spec] = {}


def _finish(make: Callable[[], alt.TopLevelMixin], structure: list[Any], datasets: dict[str, list[dict[str, Any]]],
            fmt: Locale, description: str) -> Spec:
    """The spec of a chart `make()` builds over the named `datasets`: with its own data, the page's number format
    for the interactive version (vega-embed reads usermeta.embedOptions) and a description (the chart's
    accessible name there). `structure` lists everything besides the data that `make` depends on."""
    key = json.dumps([structure, fmt.lang, SCHEMA_CHECK], sort_keys=True, default=str)
    made = _STRUCTURES.get(key)
    if made is None:
        made = _STRUCTURES[key] = STRUCTURES.get(key, lambda: make().to_dict(validate=SCHEMA_CHECK))
    spec = copy.deepcopy(made)
    spec["datasets"] = datasets
    spec["description"] = description
    spec["usermeta"] = {"embedOptions": {"actions": False, "renderer": "svg", "formatLocale": format_locale(fmt)}}
    text = {"labelFontSize": TEXT_SIZE, "titleFontSize": TEXT_SIZE}
    spec["config"] = {**spec.get("config", {}), "axis": text, "legend": text}
    return spec


def _label_axis() -> alt.Axis:
    """The axis of a chart's group or aspect names: long ones on two lines."""
    import altair as alt
    return alt.Axis(labelLimit=LABEL_LIMIT, labelExpr=WRAPPED_LABEL)


def _named(name: str) -> alt.NamedData:
    import altair as alt
    return alt.NamedData(name=name)


def _by_position() -> alt.EncodingSortField:
    """Sort a nominal axis by the rows' `position`: the order is data, not part of the shared structure."""
    import altair as alt
    return alt.EncodingSortField(field="position", op="min")


def format_locale(fmt: Locale) -> dict[str, Any]:
    """d3-format's locale for the page's language: the same symbols as Locale.number."""
    return {"decimal": fmt.decimal, "thousands": fmt.group, "grouping": [3], "currency": ["", ""],
            "minus": fmt.minus, "percent": "%"}


def grade_distribution_spec(groups: list[GroupCounts], scheme: Scheme, fmt: Locale, labels: Mapping[str, str],
                            description: str) -> Spec:
    """Stacked bars, one per level and type: the share of each grade, in the scheme's colours.

    labels: group (level, type) -> shown name under (level, type) keys flattened as 'level/type', plus
    'share', 'grade', 'units' (axis and tooltip titles)."""
    rows = []
    for position, group in enumerate(groups):
        name = labels[f"{group.level}/{group.type}"]
        for order, band in enumerate(scheme.grades):
            count = group.counts.get(band.letter, 0)
            if count:
                rows.append({"group": name, "grade": band.letter, "predikat": band.predikat(fmt.lang),
                             "count": count, "order": order, "position": position, "units": fmt.integer(count),
                             "share": fmt.number(100 * count / group.evaluated, 0) + "%"})
    titles = {key: labels[key] for key in ("share", "grade", "group", "predikat", "units")}
    return _finish(lambda: _grade_chart(scheme, titles), ["grades", titles, _grade_colours(scheme)], {"rows": rows},
                   fmt, description)


def _grade_colours(scheme: Scheme) -> list[tuple[str, str]]:
    return [(g.letter, g.color) for g in scheme.grades]


def _grade_chart(scheme: Scheme, labels: Mapping[str, str]) -> alt.TopLevelMixin:
    import altair as alt
    chart: alt.TopLevelMixin = alt.Chart(_named("rows")).mark_bar().encode(
        y=alt.Y("group:N", sort=_by_position(), title=None, axis=_label_axis()),
        x=alt.X("count:Q", stack="normalize", title=labels["share"],
                axis=alt.Axis(format="%", values=[0, 0.25, 0.5, 0.75, 1])),
        color=alt.Color("grade:N", scale=_grade_scale(scheme), title=labels["grade"],
                        legend=alt.Legend(orient="bottom", direction="horizontal", columns=5)),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("group:N", title=labels["group"]), alt.Tooltip("grade:N", title=labels["grade"]),
                 alt.Tooltip("predikat:N", title=labels["predikat"]), alt.Tooltip("units:N", title=labels["units"]),
                 alt.Tooltip("share:N", title=labels["share"])],
    ).properties(width=WIDTH, height=alt.Step(BAR_STEP))
    return chart


def trend_spec(points: list[TrendPoint], scheme: Scheme, fmt: Locale, labels: Mapping[str, str],
               description: str) -> Spec:
    """The mean index per year as a line with labelled points."""
    rows = [{"year": str(p.year), "mean": p.mean, "value": fmt.number(p.mean, scheme.precision),
             "change": fmt.signed(p.delta, scheme.precision) if p.delta is not None else "–"} for p in points]
    titles = {key: labels[key] for key in ("year", "mean", "change")}
    spec = _finish(lambda: _trend_chart(titles), ["trend", titles], {"rows": rows}, fmt, description)
    means = {p.mean for p in points}
    if len(means) == 1:
        # One value (a project's first year) spans no range: Vega then labels its only tick with no decimals,
        # so 3.73 sat on a line marked "4". A range around it, within the scale, gives ticks that read true.
        (mean,) = means
        pad = (scheme.scale_max - scheme.scale_min) / 50
        domain = [max(scheme.scale_min, mean - pad), min(scheme.scale_max, mean + pad)]
        for layer in spec["layer"]:
            layer["encoding"]["y"]["scale"]["domain"] = domain
    return spec


def _trend_chart(labels: Mapping[str, str]) -> alt.TopLevelMixin:
    import altair as alt
    base = alt.Chart(_named("rows")).encode(
        x=alt.X("year:O", title=labels["year"], axis=alt.Axis(labelAngle=0)),
        y=alt.Y("mean:Q", title=labels["mean"], scale=alt.Scale(zero=False, nice=True, padding=12)),
        tooltip=[alt.Tooltip("year:N", title=labels["year"]), alt.Tooltip("value:N", title=labels["mean"]),
                 alt.Tooltip("change:N", title=labels["change"])],
    )
    return alt.layer(
        base.mark_line(color=INK, strokeWidth=2),
        base.mark_point(color=INK, filled=True, size=60),
        base.mark_text(dy=-12, color=INK, fontSize=TEXT_SIZE).encode(text="value:N"),
    ).properties(width=WIDTH, height=180)


def aspect_spec(points: list[AspectPoint], scheme: Scheme, fmt: Locale, labels: Mapping[str, str],
                description: str) -> Spec:
    """A dot per aspect at its mean, led to by a line from a ring at the previous year's mean, with the value
    and its change written beside it. The scale is fitted to the values, so a change of 0.10 is visible.

    labels: each aspect key -> its name, plus 'aspect', 'mean', 'previous', 'change'."""
    rows: list[dict[str, Any]] = []
    for position, p in enumerate(points):
        if p.mean is None:
            continue
        text = fmt.number(p.mean, scheme.precision)
        change = fmt.signed(p.delta, scheme.precision) if p.delta is not None else ""
        rows.append({"aspect": labels[p.key], "position": position, "mean": p.mean, "previous": p.previous,
                     "value": text, "change": change or "–", "label": f"{text} ({change})" if change else text,
                     "before": fmt.number(p.previous, scheme.precision) if p.previous is not None else "–"})
    compared = any(r["previous"] is not None for r in rows)
    titles = {key: labels[key] for key in ("aspect", "mean", "previous", "change")}
    return _finish(lambda: _aspect_chart(titles, compared), ["aspects", titles, compared], {"rows": rows}, fmt,
                   description)


def _aspect_chart(labels: Mapping[str, str], compared: bool) -> alt.TopLevelMixin:
    import altair as alt
    base = alt.Chart(_named("rows")).encode(
        y=alt.Y("aspect:N", sort=_by_position(), title=None, axis=_label_axis()),
        tooltip=[alt.Tooltip("aspect:N", title=labels["aspect"]), alt.Tooltip("value:N", title=labels["mean"]),
                 alt.Tooltip("before:N", title=labels["previous"]), alt.Tooltip("change:N", title=labels["change"])],
    )
    x = alt.X("mean:Q", title=labels["mean"], scale=alt.Scale(zero=False, nice=True, padding=16),
              axis=alt.Axis(tickCount=4))
    layers = [base.mark_point(color=INK, filled=True, size=70, opacity=1).encode(x=x),
              base.mark_text(align="left", dx=8, color=INK, fontSize=TEXT_SIZE).encode(x=x, text="label:N")]
    if compared:
        earlier = base.transform_filter("datum.previous != null")
        layers[:0] = [earlier.mark_rule(color="#595959", strokeWidth=2).encode(x=alt.X("previous:Q"), x2="mean:Q"),
                      earlier.mark_point(color=INK, filled=False, size=50, strokeWidth=1.5, opacity=1).encode(
                          x=alt.X("previous:Q"))]
    return alt.layer(*layers).properties(width=WIDTH - 60, height=alt.Step(BAR_STEP))


def index_distribution_spec(bins: list[IndexBin], scheme: Scheme, fmt: Locale, labels: Mapping[str, str],
                            description: str) -> Spec:
    """A histogram of the published index, with the grade bands it crosses drawn behind it."""
    half = 0.5 * 10.0**-scheme.precision
    low = bins[0].low if bins else scheme.scale_min
    high = bins[-1].high if bins else scheme.scale_max
    bands: list[dict[str, Any]] = [
        {"grade": g.letter, "start": max(g.min - half, scheme.scale_min), "end": min(g.max + half, scheme.scale_max),
         "middle": (max(g.min, low) + min(g.max, high)) / 2}
        for g in scheme.grades if g.max + half > low and g.min - half < high]
    domain = [min([float(b["start"]) for b in bands] or [scheme.scale_min]),
              max([float(b["end"]) for b in bands] or [scheme.scale_max])]
    step = 10.0**-scheme.precision
    rows = [{"low": b.low, "high": b.high + step, "count": b.count, "grade": b.grade, "units": fmt.integer(b.count),
             "range": f"{fmt.number(b.low, scheme.precision)}–{fmt.number(b.high, scheme.precision)}"} for b in bins]
    titles = {key: labels[key] for key in ("index", "units", "range", "grade")}
    return _finish(lambda: _distribution_chart(scheme, titles, domain),
                   ["distribution", titles, _grade_colours(scheme), domain], {"rows": rows, "bands": bands}, fmt,
                   description)


def _distribution_chart(scheme: Scheme, labels: Mapping[str, str], domain: list[float]) -> alt.TopLevelMixin:
    import altair as alt
    x_scale = alt.Scale(domain=domain, nice=False, zero=False)
    band_layer = alt.Chart(_named("bands")).mark_rect(opacity=0.18).encode(
        x=alt.X("start:Q", scale=x_scale, title=labels["index"]), x2="end:Q",
        color=alt.Color("grade:N", scale=_grade_scale(scheme), legend=None))
    band_names = alt.Chart(_named("bands")).mark_text(baseline="top", y=2, color=INK, fontSize=TEXT_SIZE,
                                                       fontWeight="bold").encode(
        x=alt.X("middle:Q", scale=x_scale), text="grade:N")
    bars = alt.Chart(_named("rows")).mark_rect(color=INK, stroke="white", strokeWidth=0.5).encode(
        x=alt.X("low:Q", scale=x_scale), x2="high:Q",
        y=alt.Y("count:Q", title=labels["units"], scale=alt.Scale(nice=True)),
        tooltip=[alt.Tooltip("range:N", title=labels["range"]), alt.Tooltip("grade:N", title=labels["grade"]),
                 alt.Tooltip("units:N", title=labels["units"])])
    return alt.layer(band_layer, band_names, bars).properties(width=WIDTH + 60, height=200)
