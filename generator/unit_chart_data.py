"""What the unit and province charts show, as plain rows: the one source of both the static SVG
(unit_charts.py) and the Vega-Lite specs (unit_specs.py), so the two describe the same picture. Pure.

Values are the published ones (rounded by the site's one rule, rounding.py): a chart never shows a figure
the page's tables do not. Each function looks up only one unit's or one province's rows.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

from .names import aspect_column, level_type_key
from .rounding import round_float
from .scheme import Scheme
from .sitedata import Row, SiteData

Values = list[dict[str, Any]]


def published(value: float | None, precision: int) -> float | None:
    """`value` as the site publishes it (rounded by the one rule); None for a missing value."""
    if value is None or math.isnan(value):
        return None
    known = _PUBLISHED.setdefault(precision, {})
    found = known.get(value)
    if found is None:
        if len(known) >= _PUBLISHED_LIMIT:  # values with more decimals than published ones do not recur
            known.clear()
        found = known[value] = round_float(value, precision)
    return found


# published() by precision and value: the same few thousand values recur across a build's pages. Emptied when
# full, so memory stays bounded whatever the data hold.
_PUBLISHED: dict[int, dict[float, float]] = {}
_PUBLISHED_LIMIT = 1 << 16


def difference(value: float | None, other: float | None, precision: int) -> float | None:
    """The difference of two published figures, itself rounded, so it is what a reader computes."""
    return None if value is None or other is None else round_float(value - other, precision)


def span_years(years: Sequence[int], first: int, last: int) -> list[int]:
    """The site's years from `first` to `last`: a year in between without a result stays on the axis."""
    return [year for year in years if first <= year <= last]


def trend_values(history: Sequence[Row], years: Sequence[int]) -> Values:
    """The unit's index, grade and national rank per year, from its first to its last listed year; a year it
    was not evaluated (or not listed) has no index."""
    if not history:
        return []
    by_year = {int(row["year"]): row for row in history}
    out = []
    for year in span_years(years, int(history[0]["year"]), int(history[-1]["year"])):
        row = by_year.get(year)
        scored = row is not None and bool(row["evaluated"])
        out.append({"year": year, "index": row["score"] if scored and row else None,
                    "grade": row["grade"] if scored and row else None,
                    "rank": row["rank_national"] if scored and row else None,
                    "of": row["count_national"] if scored and row else None})
    return out


def peer_averages(unit: Row) -> dict[str, tuple[str, str]]:
    """The averages a unit is compared with: series name -> (averages group, key). The province only for a
    unit that has one."""
    groups = {"national": ("all", ""), "level_type": ("level_type", level_type_key(unit["level"], unit["type"]))}
    if unit["province"]:
        groups["province"] = ("province", unit["province"])
    return groups


def aspect_values(data: SiteData, scheme: Scheme, unit: Row, latest: Row,
                  averages: Values | None = None) -> Values:
    """Per aspect, in scheme order: the unit's value in its latest evaluated year, the national,
    level-and-type and province averages of that year (`aspect_averages`, unless given), and the unit's
    difference from its level-and-type peers."""
    if averages is None:
        averages = aspect_averages(data, scheme, unit, int(latest["year"]))
    out = []
    for key, value, peers in zip(scheme.aspect_keys, latest["aspects"], averages, strict=True):
        row: dict[str, Any] = {"aspect": key, "unit": published(value, scheme.precision), **peers}
        row["difference"] = difference(row["unit"], row["level_type"], scheme.precision)
        out.append(row)
    return out


def aspect_averages(data: SiteData, scheme: Scheme, unit: Row, year: int) -> Values:
    """Per aspect, in scheme order, the averages `year` compares `unit` with (peer_averages): the same for
    every unit of its level, type and province, so chart builders may keep them by those."""
    groups = peer_averages(unit).items()
    averages = data.averages
    out = []
    for key in scheme.aspect_keys:
        column = aspect_column(key)
        row: dict[str, Any] = {}
        for series, (group, group_key) in groups:
            average = averages.get((year, group, group_key, column))
            row[series] = average["mean"] if average else None
        out.append(row)
    return out


def aspect_series(history: Sequence[Row], trend: Values, scheme: Scheme) -> dict[str, list[float | None]]:
    """Each aspect's published value per year of `trend` (trend_values' years; None where not evaluated)."""
    by_year = {int(row["year"]): row for row in history}
    rows = [by_year[point["year"]]["aspects"] if point["index"] is not None else None for point in trend]
    precision = scheme.precision
    known = _PUBLISHED.setdefault(precision, {})  # published(), looked up inline: sixty values a page
    return {key: [None if row is None else known.get(row[i]) or published(row[i], precision) for row in rows]
            for i, key in enumerate(scheme.aspect_keys)}


def aspect_history_values(history: Sequence[Row], years: Sequence[int], scheme: Scheme) -> Values:
    """aspect_series in long form (year, aspect, value), year by year, as a chart spec takes it."""
    trend = trend_values(history, years)
    series = aspect_series(history, trend, scheme)
    return [{"year": point["year"], "aspect": key, "value": series[key][i]}
            for i, point in enumerate(trend) for key in scheme.aspect_keys]


def province_trend_values(data: SiteData, history: Sequence[Row], precision: int) -> Values:
    """The province's average index per year it was ranked, with the national average and the difference."""
    if not history:
        return []
    by_year = {int(row["year"]): row for row in history}
    out = []
    for year in span_years(data.years, int(history[0]["year"]), int(history[-1]["year"])):
        row = by_year.get(year)
        national = data.average(year, "all", "", "index")
        mean = row["mean"] if row else None
        national_mean = national["mean"] if national else None
        out.append({"year": year, "province": mean, "national": national_mean,
                    "difference": difference(mean, national_mean, precision)})
    return out


def grade_count_values(rows: Sequence[Row], scheme: Scheme) -> Values:
    """Units per grade (every grade of the scheme, best first, zeros included) among evaluated rows."""
    counts = Counter(row["grade"] for row in rows if row["evaluated"])
    return [{"grade": band.letter, "count": counts.get(band.letter, 0)} for band in scheme.grades]


def value_domain(values: Sequence[float | None], scheme: Scheme) -> tuple[float, float]:
    """A scale around the values, on tenths of the scheme's scale (0.5 on a 0-5 index) and inside it; the
    whole scale if there are no values."""
    present = [v for v in values if v is not None]
    if not present:
        return scheme.scale_min, scheme.scale_max
    return domain_around(min(present), max(present), scheme)


def domain_around(lowest: float, highest: float, scheme: Scheme) -> tuple[float, float]:
    """value_domain of values from `lowest` to `highest`."""
    span = scheme.scale_max - scheme.scale_min
    unit, pad = span / 10, span / 50
    low = max(scheme.scale_min, round(math.floor((lowest - pad) / unit) * unit, 6))
    high = min(scheme.scale_max, round(math.ceil((highest + pad) / unit) * unit, 6))
    return (low, high) if high > low else (scheme.scale_min, scheme.scale_max)


def ticks(domain: tuple[float, float], scale_span: float) -> list[float]:
    """Tick values at 1, 2, 2.5 or 5 times a power of ten: the finest step giving at most six ticks, but
    never finer than a tenth of the scale, so a tick label does not look like one of the published figures
    (no 4,50 beside a unit shown as 4,51 on a 0-5 index)."""
    low, high = domain
    finest = scale_span / 10
    steps = sorted(m * 10.0**k for k in range(-3, 10) for m in (1, 2, 2.5, 5) if m * 10.0**k >= finest - 1e-9)
    step = next((s for s in steps if (high - low) / s <= 6 + 1e-9), steps[-1])
    first = math.ceil(low / step - 1e-9) * step
    count = math.floor((high - first) / step + 1e-9) + 1
    return [round(first + i * step, 6) for i in range(count)]


COMPARED = ("unit", "national", "level_type", "province")


def aspect_domain(values: Values, scheme: Scheme) -> tuple[float, float]:
    """The value scale of the aspects chart: around every compared value."""
    return value_domain([row.get(series) for row in values for series in COMPARED], scheme)


def history_domain(values: Values, scheme: Scheme) -> tuple[float, float]:
    """The shared value scale of the aspect history panels."""
    return value_domain([row["value"] for row in values], scheme)


def province_domain(values: Values, scheme: Scheme) -> tuple[float, float]:
    """The value scale of a province's trend: around its and the national averages."""
    return value_domain([row[series] for row in values for series in ("province", "national")], scheme)
