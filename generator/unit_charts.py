"""The charts of unit and province pages as Figures (figures.py), in one language. Pure.

A PageCharts per language is made once per build (render.make_renderer) with what every page shares:
labels, grade bands, scale ticks. Templates ask it for a page's figures (`page_charts.unit(...)`); each
figure costs a few dozen string joins (unit_svg.py), no chart renderer and no Vega on the page. The rows
behind each figure come from unit_chart_data.py, which the Vega-Lite specs (unit_specs.py) share.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .config import Config
from .figures import DataTable, Figure
from .i18n import Locale
from .sitedata import Row, SiteData
from .unit_chart_data import (
    aspect_averages,
    aspect_domain,
    aspect_series,
    aspect_values,
    grade_count_values,
    province_domain,
    province_trend_values,
    ticks,
    trend_values,
    value_domain,
)
from .unit_svg import AspectRow, Band, Panel, Series, bars, dot_rows, line_chart, small_multiples

# Each compared series: its legend position, CSS class (colour and fill) and shape, told apart without colour.
SERIES = {"unit": ("circle", "s-unit"), "national": ("square", "s-national"),
          "level_type": ("diamond", "s-peer"), "province": ("triangle", "s-province")}


LABELLED_YEARS = 7


@dataclass(frozen=True)
class PageCharts:
    config: Config
    data: SiteData
    locale: Locale
    bands: tuple[Band, ...] = field(init=False)
    scale_ticks: tuple[tuple[float, str], ...] = field(init=False)
    aspect_labels: tuple[str, ...] = field(init=False)
    aspect_shorts: tuple[str, ...] = field(init=False)
    # Formatted figures and legends by value: the same few thousand recur on every page of the build.
    _numbers: dict[float | None, str] = field(init=False, default_factory=dict)
    _signs: dict[float | None, str] = field(init=False, default_factory=dict)
    _levels_of_type: dict[str, int] = field(init=False, default_factory=dict)
    _names: dict[tuple[str, str, str], tuple[str, dict[str, str]]] = field(init=False, default_factory=dict)
    # What pages share, kept once made: the averages a unit is compared with, by (year, level, type, province);
    # scale ticks by domain.
    _averages: dict[tuple[int, str, str, str], list[dict[str, Any]]] = field(init=False, default_factory=dict)
    _tick_labels: dict[tuple[float, float], tuple[tuple[float, str], ...]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        scheme, lang = self.config.scheme, self.locale.lang
        set_value = object.__setattr__
        set_value(self, "bands", tuple(Band(g.min, g.max, g.color, g.letter) for g in scheme.grades))
        set_value(self, "scale_ticks", self._ticks((scheme.scale_min, scheme.scale_max)))
        set_value(self, "aspect_labels", tuple(a.label(lang) for a in scheme.aspects))
        levels: dict[str, set[str]] = {}
        for unit in self.data.units.values():
            levels.setdefault(unit["type"], set()).add(unit["level"])
        self._levels_of_type.update({unit_type: len(found) for unit_type, found in levels.items()})
        set_value(self, "aspect_shorts", tuple(self.locale.messages.get(f"aspect_short.{a.key}", a.key)
                                               for a in scheme.aspects))

    # --- shared pieces ------------------------------------------------------------------------------------

    def _ticks(self, domain: tuple[float, float]) -> tuple[tuple[float, str], ...]:
        found = self._tick_labels.get(domain)
        if found is None:
            scheme = self.config.scheme
            values = ticks(domain, scheme.scale_max - scheme.scale_min)
            decimals = next(d for d in (0, 1, 2, 6) if all(abs(round(v, d) - v) < 1e-9 for v in values))
            found = self._tick_labels[domain] = tuple((v, self.locale.number(v, decimals)) for v in values)
        return found

    def _number(self, value: float | None) -> str:
        text = self._numbers.get(value)
        if text is None:
            text = self._numbers[value] = self.locale.number(value, self.config.scheme.precision)
        return text

    def _numbers_of(self, values: Sequence[float | None]) -> list[str]:
        """`_number` of each value (looked up inline: a page formats a hundred figures)."""
        known = self._numbers
        return [known.get(value) or self._number(value) for value in values]

    def _signed(self, value: float | None) -> str:
        text = self._signs.get(value)
        if text is None:
            text = self._signs[value] = self.locale.signed(value, self.config.scheme.precision)
        return text

    def _compared(self, unit: Row) -> tuple[str, dict[str, str]]:
        """The unit's peers' name ("DPMPTSP Kabupaten/Kota") and the legend name of each compared series."""
        key = (unit["level"], unit["type"], unit["province"] or "")
        found = self._names.get(key)
        if found is None:
            lang, t = self.locale.lang, self.locale.t
            types = {c.key: c.label(lang) for c in self.config.unit_types}
            levels = {c.key: c.label(lang) for c in self.config.levels}
            type_name = str(types.get(unit["type"], unit["type"]))
            # A type found at one level only (a ministry's service unit) needs no level beside its name.
            peer = type_name if self._levels_of_type.get(unit["type"], 0) <= 1 else t(
                "unit_chart.peer_name", type=type_name, level=levels.get(unit["level"], unit["level"]))
            names = {"unit": t("unit_chart.this_unit"), "national": t("unit_chart.national"),
                     "level_type": t("unit_chart.peer", peer=peer)}
            if unit["province"]:
                province = self.data.province_names.get(unit["province"], unit["province"])
                names["province"] = t("unit_chart.province", province=province)
            found = self._names[key] = (peer, names)
        return found

    # --- unit pages ---------------------------------------------------------------------------------------

    def unit(self, unit: Row, latest: Row | None, history: Sequence[Row]) -> list[Figure]:
        """The unit page's figures: its index over the years, its aspects against the averages of its latest
        year, and each aspect's history. None for a unit never evaluated; no history of aspects for a unit
        evaluated once."""
        if latest is None or not latest["evaluated"]:
            return []
        trend = trend_values(history, self.data.years)
        figures = [self.unit_trend(trend), self.unit_aspects(unit, latest)]
        if sum(1 for point in trend if point["index"] is not None) > 1:
            figures.append(self.unit_aspect_history(history, trend))
        return figures

    def unit_trend(self, trend: list[dict[str, Any]]) -> Figure:
        t = self.locale.t
        scheme = self.config.scheme
        scored = [p for p in trend if p["index"] is not None]
        first, last = scored[0], scored[-1]
        if len(scored) == 1:
            summary = t("unit_chart.trend_summary_one", year=last["year"], value=self._number(last["index"]),
                        grade=last["grade"])
        else:
            summary = t("unit_chart.trend_summary", first_year=first["year"], first=self._number(first["index"]),
                        first_grade=first["grade"], last_year=last["year"], last=self._number(last["index"]),
                        last_grade=last["grade"])
        # Up to LABELLED_YEARS points are each labelled; on longer histories the labels would overlap, so the
        # first, last, highest and lowest are (the table has every year).
        crowded = len(trend) > LABELLED_YEARS
        positions = [i for i, p in enumerate(trend) if p["index"] is not None]
        shown = {positions[0], positions[-1], max(positions, key=lambda i: trend[i]["index"]),
                 min(positions, key=lambda i: trend[i]["index"])}
        gaps = [str(p["year"]) for p in trend if p["index"] is None]
        if gaps:
            summary += " " + t("unit_chart.trend_gaps", years=", ".join(gaps))
        labels = [self._number(p["index"]) if p["index"] is not None and (i in shown or not crowded) else None
                  for i, p in enumerate(trend)]
        series = Series([p["index"] for p in trend], labels, "s-unit", "circle")
        svg = line_chart([str(p["year"]) for p in trend], [series], (scheme.scale_min, scheme.scale_max),
                         self.scale_ticks, self.bands, "unit-trend")
        not_evaluated = t("unit.not_evaluated")
        known, rank_of, integer = self._numbers, self.locale.messages["unit.rank_of"], self.locale.integer
        rows = tuple([(str(p["year"]), p["grade"] or not_evaluated, known.get(index) or self._number(index),
                       rank_of.format(rank=integer(p["rank"]), total=integer(p["of"])) if p["rank"] is not None
                       else "–") for p in reversed(trend) for index in (p["index"],)])
        table = DataTable((t("table.year"), t("table.grade"), scheme.index_label[self.locale.lang],
                           t("unit.rank_national")), rows)
        return Figure("unit-trend", t("unit_chart.trend_title"), summary, svg, table)

    def unit_aspects(self, unit: Row, latest: Row) -> Figure:
        t = self.locale.t
        scheme = self.config.scheme
        year = int(latest["year"])
        group = (year, unit["level"], unit["type"], unit["province"] or "")
        averages = self._averages.get(group)
        if averages is None:
            averages = self._averages[group] = aspect_averages(self.data, scheme, unit, year)
        values = aspect_values(self.data, scheme, unit, latest, averages)
        peer, names = self._compared(unit)
        order = list(names)
        entries = [(SERIES[s][0], SERIES[s][1], names[s]) for s in order]
        labels = self.aspect_labels
        compared_values = [[row.get(s) for s in order] for row in values]  # per aspect, in legend order
        differences = [self._signed(row["difference"]) for row in values]
        rows = [AspectRow(label, list(enumerate(marks)), difference)
                for label, marks, difference in zip(labels, compared_values, differences, strict=True)]
        domain = aspect_domain(values, scheme)
        svg = dot_rows(rows, entries, domain, self._ticks(domain), order.index("level_type"), "unit-aspects")
        compared = [row for row in zip(labels, values, strict=True) if row[1]["difference"] is not None]
        above = sum(1 for _, row in compared if row["difference"] > 0)
        summary = t("unit_chart.aspects_summary", above=above, total=len(values), peer=peer)
        if compared:
            best = max(compared, key=lambda pair: pair[1]["difference"])
            worst = min(compared, key=lambda pair: pair[1]["difference"])
            summary += " " + t("unit_chart.aspects_extremes", best=best[0], best_difference=self._signed(
                best[1]["difference"]), worst=worst[0], worst_difference=self._signed(worst[1]["difference"]))
        table = DataTable(
            (t("table.aspect"), *(names[s] for s in order), t("unit_chart.difference", peer=peer)),
            tuple([(label, *self._numbers_of(marks), difference)
                   for label, marks, difference in zip(labels, compared_values, differences, strict=True)]))
        return Figure("unit-aspects", t("unit_chart.aspects_title", year=latest["year"]), summary, svg, table,
                      notes=(t("unit_chart.aspects_note", peer=peer),))

    def unit_aspect_history(self, history: Sequence[Row], trend: list[dict[str, Any]]) -> Figure:
        t = self.locale.t
        scheme = self.config.scheme
        by_aspect = list(aspect_series(history, trend, scheme).values())
        texts = [self._numbers_of(series) for series in by_aspect]
        years = [str(p["year"]) for p in trend]
        panels = []
        for short, series, shown in zip(self.aspect_shorts, by_aspect, texts, strict=True):
            labels: list[str | None] = [None] * len(series)
            present = [i for i, v in enumerate(series) if v is not None]
            for i in present[:1] + present[-1:]:  # first and last value labelled
                labels[i] = shown[i]
            panels.append(Panel(short, series, labels))
        domain = value_domain([v for series in by_aspect for v in series], scheme)
        svg = small_multiples(years, panels, domain, "unit-aspect-history")
        scored = [p["year"] for p in trend if p["index"] is not None]
        summary = t("unit_chart.history_summary", count=len(by_aspect), first_year=scored[0], last_year=scored[-1])
        rows = tuple(zip(years, *texts, strict=True))[::-1]  # newest first
        return Figure("unit-aspect-history", t("unit_chart.history_title"), summary, svg,
                      DataTable((t("table.year"), *self.aspect_shorts), rows))

    # --- province pages -----------------------------------------------------------------------------------

    def province(self, name: str, rows: Sequence[Row], history: Sequence[Row], year: int) -> list[Figure]:
        """The province page's figures: its average against the national average over the years, and its
        units' grades in the latest year. None for a province without an evaluated unit."""
        figures = []
        trend = province_trend_values(self.data, history, self.config.scheme.precision)
        if trend:
            figures.append(self.province_trend(name, trend))
        if rows:
            figures.append(self.province_grades(name, rows, year))
        return figures

    def province_trend(self, name: str, trend: list[dict[str, Any]]) -> Figure:
        t = self.locale.t
        scheme = self.config.scheme
        present = [p for p in trend if p["province"] is not None]
        last = present[-1]
        summary = t("province_chart.trend_summary", year=last["year"], name=name,
                    value=self._number(last["province"]), national=self._number(last["national"]),
                    difference=self._signed(last["difference"]))
        province = Series([p["province"] for p in trend], [self._number(p["province"]) if p["province"] is not None
                                                            else None for p in trend], "s-unit", "circle", name)
        national = Series([p["national"] for p in trend], [None] * len(trend), "s-national", "square",
                          t("province_chart.national"))
        domain = province_domain(trend, scheme)
        svg = line_chart([str(p["year"]) for p in trend], [province, national], domain, self._ticks(domain),
                         self.bands, "province-trend")
        rows = tuple((str(p["year"]), self._number(p["province"]), self._number(p["national"]),
                      self._signed(p["difference"])) for p in reversed(trend))
        table = DataTable((t("table.year"), name, t("province_chart.national"), t("province_chart.difference")),
                          rows)
        return Figure("province-trend", t("province_chart.trend_title", name=name), summary, svg, table)

    def province_grades(self, name: str, rows: Sequence[Row], year: int) -> Figure:
        t = self.locale.t
        scheme = self.config.scheme
        counts = grade_count_values(rows, scheme)
        lang = self.locale.lang
        colours = {g.letter: g.color for g in scheme.grades}
        predikat = {g.letter: g.predikat(lang) for g in scheme.grades}
        svg = bars([(c["grade"], c["count"], self.locale.integer(c["count"]), colours[c["grade"]]) for c in counts],
                   "province-grades")
        most = max(counts, key=lambda c: c["count"])
        summary = t("province_chart.grades_summary", count=self.locale.integer(sum(c["count"] for c in counts)),
                    year=year, grade=most["grade"], predikat=predikat[most["grade"]],
                    n=self.locale.integer(most["count"]))
        table = DataTable((t("table.grade"), t("province_chart.predikat"), t("province_chart.count")),
                          tuple((c["grade"], predikat[c["grade"]], self.locale.integer(c["count"])) for c in counts))
        return Figure("province-grades", t("province_chart.grades_title", name=name, year=year), summary, svg, table)

