"""What a page shows besides its plan's context: the values its template reads through a global (the chart
makers), named so that the page's fingerprint (incremental.py) changes when they do. Pure.

A unit page's charts read the national, level-and-type and province averages of its latest year; a province
page's the national average of every year; the year overview's and home page's charts are figures made once
per build. Only the published (rounded) values count: a correction that leaves them as they were leaves these
pages as they were.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .chart_figures import ChartFigures
from .names import aspect_column
from .page_kinds import PAGE_KINDS, PageKinds
from .pages import PagePlan
from .sitedata import SiteData
from .unit_chart_data import peer_averages


class PageInputs:
    """Each page kind's extra inputs, by the name its row in page_kinds.PAGE_KINDS gives (`inputs`)."""

    def __init__(self, data: SiteData, figures: ChartFigures, aspect_keys: tuple[str, ...],
                 kinds: PageKinds = PAGE_KINDS) -> None:
        self.data = data
        self.figures = figures
        self.kinds = kinds
        self.fields = ["index", *(aspect_column(key) for key in aspect_keys)]
        self.national = [data.average(year, "all", "", "index") for year in data.years]
        self.handlers: dict[str, Callable[[PagePlan], Any]] = {
            "home_charts": self.home_charts, "year_charts": self.year_charts,
            "unit_averages": self.unit_averages, "province_averages": self.province_averages}

    def of(self, plan: PagePlan) -> Any:
        """The values beyond `plan.context` that the page's HTML depends on (None: nothing beyond it)."""
        inputs = self.kinds[plan.kind].inputs
        return self.handlers[inputs](plan) if inputs else None

    def home_charts(self, plan: PagePlan) -> Any:
        return [(f.svg, f.table, f.summary) for f in self.figures.home(plan.lang)]

    def year_charts(self, plan: PagePlan) -> Any:
        return [(f.svg, f.table, f.summary) for f in self.figures.year(plan.lang, plan.context["year"])]

    def unit_averages(self, plan: PagePlan) -> Any:
        """The averages its charts compare the unit's latest evaluated result with."""
        latest, unit = plan.context["latest"], plan.context["unit"]
        if latest is None or not latest.get("evaluated"):
            return None
        year = int(latest["year"])
        return (self.data.years, [self.data.averages.get((year, group, key, field))
                                  for group, key in peer_averages(unit).values() for field in self.fields])

    def province_averages(self, plan: PagePlan) -> Any:
        return (self.data.years, self.national)
