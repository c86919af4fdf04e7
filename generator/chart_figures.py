"""Year-level charts as Figures (figures.py): spec, static SVG, title, summary and data table in one language.

Used by the year overview and the home page, and by ```chart blocks in narrative (narrative_charts.py), which
show the same figures. Every word comes from the theme's messages (`year_chart.*`), every number from the
page's Locale; the table lists the numbers the chart draws, as the page shows them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from .chart_kinds import HOME_KINDS, YEAR_KINDS, Selection
from .chart_svg import ChartDrawer, inline_svg
from .charts import (
    Spec,
    aspect_data,
    aspect_spec,
    format_locale,
    grade_distribution_data,
    grade_distribution_spec,
    index_distribution_data,
    index_distribution_spec,
    trend_data,
    trend_spec,
)
from .config import Config
from .figures import DataTable, Figure
from .i18n import Locale
from .sitedata import SiteData

T = TypeVar("T")


@dataclass
class ChartFigures:
    """The year-level figures of one build, made once per (kind, selection, language) and kept."""

    config: Config
    data: SiteData
    locales: dict[str, Locale]
    drawer: ChartDrawer
    made: dict[tuple[str, Selection, str], tuple[Spec, str, str, DataTable, tuple[str, ...]]] = field(
        default_factory=dict)
    seconds: float = 0.0  # time spent making figures (specs, tables and pictures), for the benchmark
    numbers: dict[tuple[str, Selection], Any] = field(default_factory=dict)  # a chart's numbers, in any language
    shown: dict[tuple[str, Selection, str, str], Figure] = field(default_factory=dict)  # figures as pages show them

    def numbers_of(self, pick: Callable[[Config, SiteData, Selection], T], selection: Selection) -> T:
        """`pick`'s numbers for the selection, picked once for every language."""
        key = (pick.__name__, selection)
        if key not in self.numbers:
            self.numbers[key] = pick(self.config, self.data, selection)
        return cast(T, self.numbers[key])

    def year(self, lang: str, year: int) -> list[Figure]:
        """The year overview's charts (no aspect averages in a scheme without aspects)."""
        return [self.figure(kind, Selection(year), lang, kind) for kind in YEAR_KINDS
                if kind != "aspect-averages" or self.config.scheme.aspects]

    def home(self, lang: str) -> list[Figure]:
        """The home page's charts: the trend over all years and the latest year's grades."""
        return [self.figure(kind, Selection(self.data.years[-1]), lang, kind) for kind in HOME_KINDS]

    def prepare(self) -> None:
        """Make every built-in page's figures now, so building them is timed apart from rendering pages."""
        for lang in self.config.site.languages:
            self.home(lang)
            for year in self.data.years:
                self.year(lang, year)

    def figure(self, kind: str, selection: Selection, lang: str, key: str) -> Figure:
        """The figure of `kind` for `selection` in `lang`; `key` names it on its page (ids in its SVG too)."""
        found = self.made.get((kind, selection, lang))
        if found is None:
            started = time.perf_counter()
            fmt = self.locales[lang]
            title, summary, table, notes, spec = MAKERS[kind](self, selection, fmt)
            raw = self.drawer.svg(spec, format_locale(fmt))
            found = self.made[(kind, selection, lang)] = (spec, raw, title, table, (summary, *notes))
            self.seconds += time.perf_counter() - started
        shown = self.shown.get((kind, selection, lang, key))
        if shown is None:
            spec, raw, title, table, texts = found
            shown = Figure(key, title, texts[0], inline_svg(raw, key), table, spec, texts[1:])
            self.shown[(kind, selection, lang, key)] = shown
        return shown

    # --- the parts figures share -----------------------------------------------------------------------

    def _t(self, fmt: Locale, key: str, **values: object) -> str:
        return fmt.t(f"year_chart.{key}", **values)

    def _titled(self, fmt: Locale, title: str, selection: Selection) -> str:
        """The title with the selection it shows (a narrative chart of one province, level or type)."""
        parts = [self.config_label(fmt.lang, "level", selection.level),
                 self.config_label(fmt.lang, "type", selection.type),
                 self.data.province_names.get(selection.province, selection.province)]
        chosen = " · ".join(p for p in parts if p)
        return self._t(fmt, "selected", title=title, selection=chosen) if chosen else title

    def config_label(self, lang: str, what: str, key: str) -> str:
        choices = self.config.levels if what == "level" else self.config.unit_types
        return next((c.label(lang) for c in choices if c.key == key), key)

    def _number(self, fmt: Locale, value: float | None) -> str:
        return fmt.number(value, self.config.scheme.precision)

    def _signed(self, fmt: Locale, value: float | None) -> str:
        return fmt.signed(value, self.config.scheme.precision) if value is not None else "–"


Made = tuple[str, str, DataTable, tuple[str, ...], Spec]


def _grades(charts: ChartFigures, selection: Selection, fmt: Locale) -> Made:
    scheme = charts.config.scheme
    groups = charts.numbers_of(grade_distribution_data, selection)
    names = {f"{g.level}/{g.type}": f"{charts.config_label(fmt.lang, 'type', g.type)} · "
             f"{charts.config_label(fmt.lang, 'level', g.level)}" for g in groups}
    title = charts._titled(fmt, charts._t(fmt, "grades_title", year=selection.year), selection)
    total = sum(g.evaluated for g in groups)
    totals = {band.letter: sum(g.counts.get(band.letter, 0) for g in groups) for band in scheme.grades}
    if total:
        top = max(scheme.grades, key=lambda band: totals[band.letter])  # the first of equals: the better grade
        summary = charts._t(fmt, "grades_summary", total=fmt.integer(total), year=selection.year, grade=top.letter,
                            predikat=top.predikat(fmt.lang), n=fmt.integer(totals[top.letter]),
                            share=fmt.number(100 * totals[top.letter] / total, 0) + "%")
    else:
        summary = charts._t(fmt, "empty", year=selection.year)
    table = DataTable((charts._t(fmt, "group"), *(band.letter for band in scheme.grades), charts._t(fmt, "evaluated")),
                      tuple((names[f"{g.level}/{g.type}"], *(fmt.integer(g.counts.get(band.letter, 0))
                                                            for band in scheme.grades), fmt.integer(g.evaluated))
                            for g in groups))
    labels = names | {key: charts._t(fmt, key) for key in ("share", "grade", "units", "group", "predikat")}
    return title, summary, table, (), grade_distribution_spec(groups, scheme, fmt, labels, summary)


def _trend(charts: ChartFigures, selection: Selection, fmt: Locale) -> Made:
    points = trend_data(charts.data, selection)
    group, _ = selection.average_group()
    first_year = points[0].year if points else selection.year
    period = f"{first_year}–{selection.year}" if first_year != selection.year else str(selection.year)
    title = charts._titled(fmt, charts._t(fmt, "trend_title" if group == "all" else "trend_group_title",
                                          period=period), selection)
    if len(points) > 1:
        first, last = points[0], points[-1]
        summary = charts._t(fmt, "trend_summary", first_year=first.year, first=charts._number(fmt, first.mean),
                            year=last.year, value=charts._number(fmt, last.mean),
                            change=charts._signed(fmt, last.mean - first.mean))
    elif points:
        summary = charts._t(fmt, "trend_single", year=points[0].year, value=charts._number(fmt, points[0].mean))
    else:
        summary = charts._t(fmt, "empty", year=selection.year)
    table = DataTable((charts._t(fmt, "year"), charts._t(fmt, "mean"), charts._t(fmt, "change")),
                      tuple((str(p.year), charts._number(fmt, p.mean), charts._signed(fmt, p.delta)) for p in points))
    labels = {key: charts._t(fmt, key) for key in ("year", "mean", "change")}
    return title, summary, table, (), trend_spec(points, charts.config.scheme, fmt, labels, summary)


def _aspects(charts: ChartFigures, selection: Selection, fmt: Locale) -> Made:
    scheme = charts.config.scheme
    points = aspect_data(charts.config, charts.data, selection)
    names = {a.key: a.label(fmt.lang) for a in scheme.aspects}
    title = charts._titled(fmt, charts._t(fmt, "aspects_title", year=selection.year), selection)
    shown = [p for p in points if p.mean is not None]
    previous_year = next((y for y in reversed(charts.data.years) if y < selection.year), None)
    compared = previous_year is not None and any(p.previous is not None for p in shown)
    notes: tuple[str, ...] = ()
    if shown:
        high = max(shown, key=lambda p: p.mean or 0.0)
        low = min(shown, key=lambda p: p.mean or 0.0)
        summary = charts._t(fmt, "aspects_summary", high=names[high.key], high_value=charts._number(fmt, high.mean),
                            low=names[low.key], low_value=charts._number(fmt, low.mean))
        moved = [p for p in shown if p.delta is not None]
        if compared and moved:
            biggest = max(moved, key=lambda p: abs(p.delta or 0.0))
            summary += " " + charts._t(fmt, "aspects_change", previous=previous_year, aspect=names[biggest.key],
                                       change=charts._signed(fmt, biggest.delta))
            notes = (charts._t(fmt, "aspects_note", previous=previous_year),)
    else:
        summary = charts._t(fmt, "empty", year=selection.year)
    columns: tuple[str, ...] = (charts._t(fmt, "aspect"), str(selection.year))
    if compared:
        columns += (str(previous_year), charts._t(fmt, "change"))
    rows = tuple((names[p.key], charts._number(fmt, p.mean),
                  *((charts._number(fmt, p.previous), charts._signed(fmt, p.delta)) if compared else ()))
                 for p in shown)
    labels = names | {"aspect": charts._t(fmt, "aspect"), "mean": charts._t(fmt, "mean_in", year=selection.year),
                      "previous": charts._t(fmt, "mean_in", year=previous_year or "–"),
                      "change": charts._t(fmt, "change")}
    return title, summary, DataTable(columns, rows), notes, aspect_spec(points, scheme, fmt, labels, summary)


def _distribution(charts: ChartFigures, selection: Selection, fmt: Locale) -> Made:
    scheme = charts.config.scheme
    bins = charts.numbers_of(index_distribution_data, selection)
    title = charts._titled(fmt, charts._t(fmt, "distribution_title", year=selection.year), selection)
    ranges = [f"{charts._number(fmt, b.low)}–{charts._number(fmt, b.high)}" for b in bins]
    if bins:
        densest = max(range(len(bins)), key=lambda i: bins[i].count)
        summary = charts._t(fmt, "distribution_summary", n=fmt.integer(sum(b.count for b in bins)),
                            year=selection.year, low=charts._number(fmt, bins[0].low),
                            high=charts._number(fmt, bins[-1].high), range=ranges[densest],
                            count=fmt.integer(bins[densest].count))
    else:
        summary = charts._t(fmt, "empty", year=selection.year)
    table = DataTable((charts._t(fmt, "range"), charts._t(fmt, "grade"), charts._t(fmt, "units")),
                      tuple((ranges[i], b.grade, fmt.integer(b.count)) for i, b in enumerate(bins)))
    labels = {key: charts._t(fmt, key) for key in ("index", "units", "range", "grade")}
    return title, summary, table, (), index_distribution_spec(bins, scheme, fmt, labels, summary)


MAKERS: dict[str, Callable[[ChartFigures, Selection, Locale], Made]] = {
    "grade-distribution": _grades,
    "national-trend": _trend,
    "aspect-averages": _aspects,
    "index-distribution": _distribution,
}
