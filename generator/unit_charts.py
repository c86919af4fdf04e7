"""The charts of unit and province pages as Figures (figures.py), in one language. Pure.

A PageCharts per language is made once per build (render.make_renderer) with what every page shares:
labels, grade bands, scale ticks, formatted figures. Templates ask it for a page's figures
(`page_charts.unit(...)`, written by unit_figures.py from pieces kept for the build;
`page_charts.province(...)`); each figure is SVG text (unit_svg.py), no chart renderer and no Vega on the
page. The rows behind the province figures come from unit_chart_data.py, which the Vega-Lite specs
(unit_specs.py) share; tests check the unit figures and the specs against the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .config import Config
from .figures import DataTable, Figure
from .i18n import Locale
from .sitedata import Row, SiteData
from .svg_marks import Band, Series
from .unit_chart_data import aspect_averages, grade_count_values, province_domain, province_trend_values
from .unit_chart_data import ticks as tick_values
from .unit_figures import UnitFigures
from .unit_svg import bars, line_chart


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
    numbers: dict[float | None, str] = field(init=False, default_factory=dict)
    _signs: dict[float | None, str] = field(init=False, default_factory=dict)
    _levels_of_type: dict[str, int] = field(init=False, default_factory=dict)
    _names: dict[tuple[str, str, str], tuple[str, dict[str, str]]] = field(init=False, default_factory=dict)
    # What pages share, kept once made: the averages a unit is compared with, by (year, level, type, province);
    # scale ticks by domain.
    _averages: dict[tuple[int, str, str, str], list[dict[str, Any]]] = field(init=False, default_factory=dict)
    _tick_labels: dict[tuple[float, float], tuple[tuple[float, str], ...]] = field(init=False, default_factory=dict)
    unit_figures: UnitFigures = field(init=False)

    def __post_init__(self) -> None:
        scheme, lang = self.config.scheme, self.locale.lang
        set_value = object.__setattr__
        set_value(self, "bands", tuple(Band(g.min, g.max, g.color, g.letter) for g in scheme.grades))
        set_value(self, "scale_ticks", self.ticks((scheme.scale_min, scheme.scale_max)))
        set_value(self, "aspect_labels", tuple(a.label(lang) for a in scheme.aspects))
        levels: dict[str, set[str]] = {}
        for unit in self.data.units.values():
            levels.setdefault(unit["type"], set()).add(unit["level"])
        self._levels_of_type.update({unit_type: len(found) for unit_type, found in levels.items()})
        set_value(self, "aspect_shorts", tuple(self.locale.messages.get(f"aspect_short.{a.key}", a.key)
                                               for a in scheme.aspects))
        set_value(self, "unit_figures", UnitFigures(self))

    # --- shared pieces ------------------------------------------------------------------------------------

    def ticks(self, domain: tuple[float, float]) -> tuple[tuple[float, str], ...]:
        """The scale's ticks over `domain`, each with its label."""
        found = self._tick_labels.get(domain)
        if found is None:
            scheme = self.config.scheme
            values = tick_values(domain, scheme.scale_max - scheme.scale_min)
            decimals = next(d for d in (0, 1, 2, 6) if all(abs(round(v, d) - v) < 1e-9 for v in values))
            found = self._tick_labels[domain] = tuple((v, self.locale.number(v, decimals)) for v in values)
        return found

    def number(self, value: float | None) -> str:
        """A published value as written in this language (– for none)."""
        text = self.numbers.get(value)
        if text is None:
            text = self.numbers[value] = self.locale.number(value, self.config.scheme.precision)
        return text

    def signed(self, value: float | None) -> str:
        """A difference as written in this language, with its sign."""
        text = self._signs.get(value)
        if text is None:
            text = self._signs[value] = self.locale.signed(value, self.config.scheme.precision)
        return text

    def compared(self, unit: Row) -> tuple[str, dict[str, str]]:
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

    def averages(self, unit: Row, year: int) -> list[dict[str, Any]]:
        """Per aspect, the averages of `year` a unit is compared with (unit_chart_data.aspect_averages): the same
        for every unit of its level, type and province."""
        group = (year, unit["level"], unit["type"], unit["province"] or "")
        found = self._averages.get(group)
        if found is None:
            found = self._averages[group] = aspect_averages(self.data, self.config.scheme, unit, year)
        return found

    # --- unit pages ---------------------------------------------------------------------------------------

    def unit(self, unit: Row, latest: Row | None, history: Sequence[Row]) -> list[Figure]:
        """The unit page's figures (unit_figures.py): its index over the years, its aspects against the averages
        of its latest year, and each aspect's history. None for a unit never evaluated; no history of aspects
        for a unit evaluated once."""
        return self.unit_figures.figures(unit, latest, history)

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
                    value=self.number(last["province"]), national=self.number(last["national"]),
                    difference=self.signed(last["difference"]))
        province = Series([p["province"] for p in trend], [self.number(p["province"]) if p["province"] is not None
                                                            else None for p in trend], "s-unit", "circle", name)
        national = Series([p["national"] for p in trend], [None] * len(trend), "s-national", "square",
                          t("province_chart.national"))
        domain = province_domain(trend, scheme)
        svg = line_chart([str(p["year"]) for p in trend], [province, national], domain, self.ticks(domain),
                         self.bands, "province-trend")
        rows = tuple((str(p["year"]), self.number(p["province"]), self.number(p["national"]),
                      self.signed(p["difference"])) for p in reversed(trend))
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

