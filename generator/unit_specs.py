"""The unit and province charts as Vega-Lite specs, defined with Altair. Pure.

Each spec is built ONCE (per scheme) around an empty placeholder dataset; a page's chart is that spec with
the page's rows (unit_chart_data.py) swapped in: a shallow dict copy, ~0.4 ms less than building a chart
(Altair's to_dict costs ~11 ms). The static SVG of unit_svg.py draws the same rows on the same scales with
the same grade colours; unit pages do not load Vega, so these specs are what tests (and anyone re-drawing
the charts) check the picture against. Altair is imported only here, so a build that does not ask for a
spec does not pay for importing it.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import altair as alt

from .scheme import Scheme
from .sitedata import Row, SiteData
from .unit_chart_data import (
    aspect_domain,
    aspect_history_values,
    aspect_values,
    grade_count_values,
    history_domain,
    province_domain,
    province_trend_values,
    trend_values,
)

Spec = dict[str, Any]
PLACEHOLDER = alt.Data(values=[])  # type: ignore[no-untyped-call]
# Shapes per compared series, as unit_svg draws them (unit_charts.SERIES).
SHAPES = {"unit": "circle", "national": "square", "level_type": "diamond", "province": "triangle-up"}


def _bands_layer(scheme: Scheme) -> alt.Chart:
    """The grade bands behind a chart of the index: one rect per band in its scheme colour."""
    bands = [{"grade": g.letter, "low": g.min, "high": g.max} for g in scheme.grades]
    data = alt.Data(values=bands)  # type: ignore[no-untyped-call]
    chart: alt.Chart = alt.Chart(data).mark_rect(opacity=0.16, clip=True).encode(
        y=alt.Y("low:Q"), y2="high:Q",
        color=alt.Color("grade:N", scale=grade_scale(scheme), legend=None))
    return chart


def grade_scale(scheme: Scheme) -> alt.Scale:
    return alt.Scale(domain=[g.letter for g in scheme.grades], range=[g.color for g in scheme.grades])


# Templates per scheme (a Scheme holds dicts, so it is not hashable): id -> (the scheme, kept alive, templates).
_BUILT: dict[int, tuple[Scheme, dict[str, Spec]]] = {}


def _templates(scheme: Scheme) -> dict[str, Spec]:
    """The specs with placeholder data, built once per scheme."""
    built = _BUILT.get(id(scheme))
    if built is None or built[0] is not scheme:
        built = _BUILT[id(scheme)] = (scheme, _build_templates(scheme))
    return built[1]


def _build_templates(scheme: Scheme) -> dict[str, Spec]:
    scale = alt.Scale(domain=[scheme.scale_min, scheme.scale_max])
    # Layers other than the bands take the spec's top-level data, which is what a page swaps.
    index = alt.Chart().encode(
        x=alt.X("year:O", title=None),
        y=alt.Y("index:Q", scale=scale, title=None),
    )
    trend = alt.layer(
        _bands_layer(scheme),
        index.mark_line(color="#1b1f24"),
        index.mark_point(shape="circle", filled=True, color="#1b1f24").encode(
            tooltip=["year:O", "index:Q", "grade:N", "rank:Q"]),
        index.mark_text(dy=-8).encode(text=alt.Text("index:Q", format=f".{scheme.precision}f")),
        data=PLACEHOLDER,
    )
    compared: list[str | alt.FieldName] = ["unit", "national", "level_type", "province"]
    aspects = alt.layer(
        alt.Chart().mark_rule(strokeWidth=4).encode(
            y=alt.Y("aspect:N", sort=None, title=None), x=alt.X("unit:Q"), x2="level_type:Q"),
        alt.Chart().transform_fold(compared, as_=["series", "value"]).mark_point(filled=True).encode(
            y=alt.Y("aspect:N", sort=None, title=None),
            x=alt.X("value:Q", scale=alt.Scale(domain=[scheme.scale_min, scheme.scale_max]), title=None),
            shape=alt.Shape("series:N", scale=alt.Scale(domain=compared, range=[SHAPES[str(s)] for s in compared])),
            tooltip=["aspect:N", "series:N", "value:Q"]),
        alt.Chart().mark_text(align="right", x="width").encode(
            y=alt.Y("aspect:N", sort=None), text=alt.Text("difference:Q", format=f"+.{scheme.precision}f")),
        data=PLACEHOLDER,
    )
    history = alt.Chart(PLACEHOLDER).mark_line(point=True, color="#1b1f24").encode(
        x=alt.X("year:O", title=None),
        y=alt.Y("value:Q", scale=alt.Scale(domain=[scheme.scale_min, scheme.scale_max]), title=None),
        facet=alt.Facet("aspect:N", columns=2, sort=list(scheme.aspect_keys), title=None),
    )
    series: list[str | alt.FieldName] = ["province", "national"]
    province = alt.layer(
        _bands_layer(scheme),
        alt.Chart().transform_fold(series, as_=["series", "value"]).mark_line(point=True, color="#1b1f24").encode(
            x=alt.X("year:O", title=None),
            y=alt.Y("value:Q", scale=alt.Scale(domain=[scheme.scale_min, scheme.scale_max]), title=None),
            strokeDash=alt.StrokeDash("series:N", scale=alt.Scale(domain=series, range=[[1, 0], [6, 3]])),
            shape=alt.Shape("series:N", scale=alt.Scale(domain=series, range=["circle", "square"])),
            tooltip=["year:O", "series:N", "value:Q"]),
        data=PLACEHOLDER,
    )
    grades = alt.Chart(PLACEHOLDER).mark_bar(stroke="#1b1f24").encode(
        x=alt.X("grade:N", sort=[g.letter for g in scheme.grades], title=None),
        y=alt.Y("count:Q", title=None),
        color=alt.Color("grade:N", scale=grade_scale(scheme), legend=None),
    )
    return {name: chart.to_dict() for name, chart in {
        "unit-trend": trend, "unit-aspects": aspects, "unit-aspect-history": history,
        "province-trend": province, "province-grades": grades}.items()}


def spec(scheme: Scheme, kind: str, values: list[dict[str, Any]],
         domain: tuple[float, float] | None = None) -> Spec:
    """The spec of chart `kind` with `values` (unit_chart_data rows) as its data, and the value scale
    narrowed to `domain` where the static picture zooms in (aspects, aspect history, province trend)."""
    template = _templates(scheme)[kind]
    out = dict(template)
    out["data"] = {"values": values}
    if domain is not None:
        out = copy.deepcopy(out)
        for encoding in _value_encodings(out):
            encoding["scale"] = {**encoding.get("scale", {}), "domain": list(domain)}
    return out


def _value_encodings(node: Any) -> list[dict[str, Any]]:
    """The x and y encodings of the value scale (fields `value` and `index`) anywhere in a spec."""
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        for channel in ("x", "y"):
            encoding = node.get("encoding", {}).get(channel)
            if isinstance(encoding, dict) and encoding.get("field") in ("value", "index") and "scale" in encoding:
                found.append(encoding)
        for key in ("layer", "spec"):
            children = node.get(key)
            for child in children if isinstance(children, list) else [children]:
                found.extend(_value_encodings(child))
    return found


def unit_chart_specs(scheme: Scheme, data: SiteData, unit: Row, latest: Row | None,
                     history: Sequence[Row]) -> dict[str, Spec]:
    """The specs of the charts a unit page shows (unit_charts.PageCharts.unit), by figure key."""
    if latest is None or not latest["evaluated"]:
        return {}
    trend = trend_values(history, data.years)
    aspects = aspect_values(data, scheme, unit, latest)
    out = {"unit-trend": spec(scheme, "unit-trend", trend),
           "unit-aspects": spec(scheme, "unit-aspects", aspects, aspect_domain(aspects, scheme))}
    if sum(1 for point in trend if point["index"] is not None) > 1:
        values = aspect_history_values(history, data.years, scheme)
        out["unit-aspect-history"] = spec(scheme, "unit-aspect-history", values, history_domain(values, scheme))
    return out


def province_chart_specs(scheme: Scheme, data: SiteData, rows: Sequence[Row],
                         history: Sequence[Row]) -> dict[str, Spec]:
    """The specs of the charts a province page shows (unit_charts.PageCharts.province), by figure key."""
    out = {}
    trend = province_trend_values(data, history, scheme.precision)
    if trend:
        out["province-trend"] = spec(scheme, "province-trend", trend, province_domain(trend, scheme))
    if rows:
        out["province-grades"] = spec(scheme, "province-grades", grade_count_values(rows, scheme))
    return out
