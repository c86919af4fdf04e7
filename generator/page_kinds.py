"""The one table of page kinds: every kind of HTML page Rapor writes, and what derives from it. Pure.

Each row names a kind's template, how its address is made (a SiteUrls method), whether and where the main
navigation links it, whether it goes in the sitemap, whether search indexes it, whether a narrative of
content/ may accompany it (content.py derives its narrative kinds), the values its template gets
(documented for theme authors in README's "Page kinds") and what its HTML reads beyond its plan's context
(page_inputs.py, for incremental builds). Plans are made from it (pages.page_plan), and so are the theme's
built-in templates (theme.py) and the main navigation (`main_nav`, rendered by base.html); README's "Page
kinds" documents each row (tests/test_page_kinds.py checks it).
A new kind of page is a new row here, a template and a plan function that calls pages.page_plan.

Every kind exists in every language: the first language's pages at the root, the others under `<lang>/`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .urls import SiteUrls


@dataclass(frozen=True)
class NavEntry:
    """A kind's link in the main navigation of every page, in `order` (smaller first), labelled by the
    message `message`. A kind whose address takes a year is linked at the latest year, which its message may
    show as `{year}`."""

    order: int
    message: str
    latest_year: bool = False


@dataclass(frozen=True)
class PageKind:
    name: str
    template: str  # the default template; a narrative's front matter may name another (`template:`)
    url: Callable[..., str]  # the SiteUrls method: url(site_urls, lang, *arguments) -> the page's path
    url_params: tuple[str, ...]  # the arguments every page of the kind gives `url` (more are optional)
    context: tuple[str, ...]  # the keys of the page's own values (besides the common ones every page gets)
    nav: NavEntry | None = None
    in_sitemap: bool = True
    absolute: bool = False  # served at any address (a 404 page): links start from site.base_url's path
    searched: bool = False  # its template marks content for Pagefind (data-pagefind-body)
    narrated: bool = False  # a narrative of content/ may accompany it (content.py), and name its template
    # What the page's HTML reads beyond its plan's context (a PageInputs handler, page_inputs.py); "" for none.
    inputs: str = ""

    def path(self, site_urls: SiteUrls, lang: str, *arguments: Any) -> str:
        return self.url(site_urls, lang, *arguments)

    def address(self, root_language: str) -> str:
        """The kind's address as a pattern (`unit/<unit_id>/index.html`), for documentation."""
        return self.path(SiteUrls(root_language), root_language, *(f"<{p}>" for p in self.url_params))


PageKinds = Mapping[str, PageKind]


def _table(*kinds: PageKind) -> dict[str, PageKind]:
    table = {kind.name: kind for kind in kinds}
    assert len(table) == len(kinds), "two page kinds with one name"
    return table


_YEAR_CONTEXT = ("year", "previous_year", "listed", "evaluated", "national", "index_levels", "groups", "aspect_rows",
                 "top", "risers", "fallers", "scopes", "download", "findings", "narrative", "fallback")

PAGE_KINDS: PageKinds = _table(
    PageKind("home", "home.html", SiteUrls.home, (),
             ("year", "national", "evaluated", "counts", "previous_year", "top", "year_summaries",
              "province_map", "province_map_legend", "narrative", "fallback"),
             nav=NavEntry(10, "nav.home"), inputs="home_charts", narrated=True),
    PageKind("year", "year.html", SiteUrls.year, ("year",), _YEAR_CONTEXT,
             nav=NavEntry(20, "nav.year", latest_year=True), inputs="year_charts", narrated=True),
    PageKind("ranking", "ranking.html", SiteUrls.ranking, ("year",),
             ("year", "previous_year", "scopes", "scope", "key", "rows", "total", "page", "pages", "sections",
              "ranking_years", "table_tools", "download"),
             nav=NavEntry(30, "nav.ranking", latest_year=True)),
    PageKind("provinces", "provinces.html", SiteUrls.provinces, ("year",),
             ("year", "previous_year", "rows", "ranked", "has_page", "figure", "legend"),
             nav=NavEntry(40, "league.nav", latest_year=True)),
    PageKind("unit", "unit.html", SiteUrls.unit, ("unit_id",),
             ("unit", "latest", "history", "comparison", "findings", "ranking_links", "corrections",
              "regency_units", "narrative", "fallback"),
             searched=True, inputs="unit_averages", narrated=True),
    PageKind("former_unit", "redirect.html", SiteUrls.unit, ("former_id",),
             ("unit", "former_id", "former_name", "target"),
             in_sitemap=False),
    PageKind("province", "province.html", SiteUrls.province, ("code",),
             ("code", "name", "year", "previous_year", "rows", "absent", "averages", "history", "latest",
              "findings", "regencies"),
             searched=True, inputs="province_averages"),
    PageKind("regency", "regency.html", SiteUrls.regency, ("code",),
             ("code", "name", "province", "province_name", "data_years", "rows"),
             searched=True),
    PageKind("units_az", "units_az.html", SiteUrls.units_az, ("level",),
             ("level", "number", "pages", "letters", "sections", "total", "by_place")),
    PageKind("search", "search.html", SiteUrls.search, (), ("az_letters", "search_page")),
    PageKind("page", "page.html", SiteUrls.page, ("slug",), ("narrative", "fallback"), narrated=True),
    PageKind("errata", "errata.html", SiteUrls.errata, (), ("year", "rows", "errata_years", "feed")),
    PageKind("data", "data.html", SiteUrls.data_dictionary, (),
             ("download_rows", "kinds", "package", "unit_files", "columns", "license", "source_url")),
    PageKind("not_found", "404.html", SiteUrls.not_found, (), (),
             in_sitemap=False, absolute=True),
)

# Templates every page template builds on; not a page kind of its own.
LAYOUT_TEMPLATES = frozenset({"base.html"})


def builtin_templates(kinds: PageKinds = PAGE_KINDS) -> frozenset[str]:
    """The templates Rapor itself renders pages with; any other page template in a theme is the theme's own."""
    return LAYOUT_TEMPLATES | {kind.template for kind in kinds.values()}


def main_nav(site_urls: SiteUrls, lang: str, latest_year: int, t: Callable[..., str],
             kinds: PageKinds = PAGE_KINDS) -> list[dict[str, str]]:
    """The main navigation's links to page kinds, in order: each a `path` and its `label` (message `t`)."""
    entries = sorted((kind.nav.order, name) for name, kind in kinds.items() if kind.nav is not None)
    links = []
    for _, name in entries:
        kind = kinds[name]
        assert kind.nav is not None
        if kind.nav.latest_year:
            links.append({"path": kind.path(site_urls, lang, latest_year),
                          "label": t(kind.nav.message, year=latest_year)})
        else:
            links.append({"path": kind.path(site_urls, lang), "label": t(kind.nav.message)})
    return links

