"""What a page shows besides its plan's context: the values its template reads through a global (the chart
makers), named so that the page's fingerprint (incremental.py) changes when they do. Pure.

A unit page's charts read the national, level-and-type and province averages of its latest year; a province
page's the national average of every year; the year overview's and home page's charts are figures made once
per build. Only the published (rounded) values count: a correction that leaves them as they were leaves these
pages as they were.
"""

from __future__ import annotations

from typing import Any

from .chart_figures import ChartFigures
from .names import aspect_column
from .pages import PagePlan
from .sitedata import SiteData
from .unit_chart_data import peer_averages
from .urls import SiteUrls


class PageInputs:
    def __init__(self, data: SiteData, figures: ChartFigures, site_urls: SiteUrls, languages: tuple[str, ...],
                 aspect_keys: tuple[str, ...]) -> None:
        self.data = data
        self.figures = figures
        self.fields = ["index", *(aspect_column(key) for key in aspect_keys)]
        self.home = {site_urls.home(lang): lang for lang in languages}
        self.years = {site_urls.year(lang, year): (lang, year) for lang in languages for year in data.years}
        self.national = [data.average(year, "all", "", "index") for year in data.years]

    def of(self, plan: PagePlan) -> Any:
        """The values beyond `plan.context` that the page's HTML depends on (None: nothing beyond it)."""
        context = plan.context
        if plan.path in self.home:
            return [(f.svg, f.table, f.summary) for f in self.figures.home(self.home[plan.path])]
        if plan.path in self.years:
            lang, year = self.years[plan.path]
            return [(f.svg, f.table, f.summary) for f in self.figures.year(lang, year)]
        latest = context.get("latest")
        unit = context.get("unit")
        if isinstance(unit, dict) and isinstance(latest, dict) and "history" in context:
            if not latest.get("evaluated"):
                return None
            year = int(latest["year"])
            return (self.data.years, [self.data.averages.get((year, group, key, field))
                                      for group, key in peer_averages(unit).values() for field in self.fields])
        if "code" in context and "history" in context:  # a province page
            return (self.data.years, self.national)
        return None
