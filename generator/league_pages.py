"""The province league pages (`<year>/provinces/`, mirrored per language) with their choropleth map. Pure.

The league rows come from league.py (computed once in pandas); this module only shapes them per page and
language: the map Figure (static SVG, summary, compact data table, Vega-Lite spec) is built once per year and
language, as its words and numbers are the language's.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from functools import lru_cache
from typing import Any

from .boundaries import Boundaries
from .chart_structures import STRUCTURES
from .charts import format_locale
from .config import Config
from .figures import DataTable, Figure
from .i18n import Locale
from .map_svg import ColourScale, MapShape, fit_scale, map_svg, swatch
from .pages import PagePlan, page_plan, previous_year
from .sitedata import Row, SiteData
from .urls import SiteUrls, relative

# Where the boundaries are published for the interactive map (one copy, shared by every page).
TOPOJSON_PATH = "static/map/provinces.topo.json"
FIGURE_KEY = "province-map"


def league_scale(rows: Sequence[Row], precision: int = 2) -> ColourScale:
    """The year's colour classes: fitted to that year's averages, which lie close together, so that the map
    tells provinces apart; the legend says what each colour holds."""
    return fit_scale([row["mean"] for row in rows if row["has_data"]], precision)


def map_legend(scale: ColourScale, locale: Locale, precision: int) -> list[dict[str, Any]]:
    """The legend's entries: a swatch and its label per class, then the hatch of provinces without data."""
    labels = legend_labels(scale, locale, precision)
    entries = [{"swatch": swatch(colour, ""), "label": label} for colour, label in zip(scale.colours, labels,
                                                                                        strict=True)]
    return [*entries, {"swatch": swatch(None, f"{FIGURE_KEY}-legend-nodata"), "label": locale.t("league.no_data")}]


def legend_labels(scale: ColourScale, locale: Locale, precision: int) -> list[str]:
    """Each class as "low–high": the highest value a class holds as published, e.g. 3,50–3,74."""
    unit = 10 ** -precision
    highs = [*(low - unit for low in scale.lows[1:]), scale.top]
    return [locale.t("league.legend_range", low=locale.number(low, precision), high=locale.number(high, precision))
            for low, high in zip(scale.lows, highs, strict=True)]


def shape_label(row: Row, locale: Locale, precision: int) -> str:
    if not row["has_data"]:
        return locale.t("league.shape", name=row["name"], value=locale.t("league.no_data"))
    return locale.t("league.shape_ranked", name=row["name"], value=locale.number(row["mean"], precision),
                    rank=locale.integer(row["rank"]), total=locale.integer(row["of"]))


def map_summary(rows: Sequence[Row], year: int, locale: Locale, precision: int) -> str:
    ranked = [row for row in rows if row["has_data"]]
    if not ranked:
        return locale.t("league.map_summary_empty", year=year)
    best, worst = ranked[0], ranked[-1]
    key = "league.map_summary" if len(ranked) < len(rows) else "league.map_summary_all"
    return locale.t(key, year=year, best=best["name"], best_value=locale.number(best["mean"], precision),
                    worst=worst["name"], worst_value=locale.number(worst["mean"], precision),
                    missing=locale.integer(len(rows) - len(ranked)), total=locale.integer(len(rows)))


@lru_cache(maxsize=1)
def _map_spec_template() -> str:
    """The map's Vega-Lite spec, made by Altair once per process with placeholder values (Altair validates
    each chart it builds, ~0.3 s for this one under load), or read from the project's chart cache with the
    year charts' structures (chart_structures.py): a build whose charts are all cached imports no Altair.
    Every page then fills in its own data."""
    return json.dumps(STRUCTURES.get("league map", _made_map_spec_template, maker="league_pages.py"))


def _made_map_spec_template() -> dict[str, Any]:
    import altair as alt

    chart = (
        alt.Chart({"url": "", "format": {"type": "topojson", "feature": ""}})
        .mark_geoshape(stroke="#3d3d3d", strokeWidth=0.5)
        .transform_lookup(lookup="id", from_=alt.LookupData(alt.InlineData(values=[]), "province",
                                                            ["name", "mean", "shown", "href"]))
        .encode(
            color=alt.condition("isValid(datum.mean)",
                                # No legend of its own: the page's key is right below the map.
                                alt.Color("mean:Q", title="", legend=None,
                                          scale=alt.Scale(type="threshold", domain=[], range=["#ffffff"])),
                                alt.value("#d9d9d9")),
            href=alt.Href("href:N"),
            tooltip=[alt.Tooltip("name:N", title=""), alt.Tooltip("shown:N", title="")],
        )
        .project(type="equirectangular")
        .properties(width="container", height=320)
    )
    spec: dict[str, Any] = chart.to_dict()
    spec["data"] = {}  # each page's (map_spec), in this place: the cache holds no address (chart_structures.py)
    return spec


def map_spec(rows: Sequence[Row], locale: Locale, precision: int, scale: ColourScale, topojson_url: str,
             feature: str, legend_title: str, links: dict[str, str]) -> dict[str, Any]:
    """The same map in Vega-Lite: the boundaries from the site's own copy, each province's values looked up by
    code, the same threshold colours, a click leading to the province's page; provinces without data stay grey
    and say so in their tooltip."""
    values = [{"province": row["province"], "name": row["name"], "href": links.get(row["province"]),
               "mean": row["mean"] if row["has_data"] else None,
               "shown": locale.number(row["mean"], precision) if row["has_data"] else locale.t("league.no_data")}
              for row in rows]
    spec: dict[str, Any] = json.loads(_map_spec_template())
    spec["data"] = {"url": topojson_url, "format": {"type": "topojson", "feature": feature}}
    spec["datasets"] = {"provinces": values}
    spec["transform"][0]["from"]["data"] = {"name": "provinces"}
    colour = spec["encoding"]["color"]["condition"]
    colour["title"] = legend_title
    colour["scale"].update(domain=scale.thresholds(), range=list(scale.colours))
    name, shown = spec["encoding"]["tooltip"]
    name["title"], shown["title"] = locale.t("league.province"), legend_title
    # The page's number format, as the year charts have it (charts._finish): the legend's "3,8", not "3.8".
    spec["usermeta"] = {"embedOptions": {"actions": False, "renderer": "svg", "formatLocale": format_locale(locale)}}
    return spec


def league_figure(page: str, rows: Sequence[Row], year: int, locale: Locale, precision: int, scale: ColourScale,
                  boundaries: Boundaries, province_pages: dict[str, str], credit: str) -> Figure:
    """The map of one year's province averages, in one language, for the page at `page`."""
    shapes = [MapShape(row["province"], shape_label(row, locale, precision), row["mean"] if row["has_data"] else None)
              for row in rows]
    links = {code: relative(page, path) for code, path in province_pages.items()}
    svg = map_svg(boundaries, FIGURE_KEY, shapes, scale)
    table = DataTable(
        (locale.t("league.province"), locale.t("league.mean"), locale.t("table.rank")),
        tuple((row["name"], locale.number(row["mean"], precision) if row["has_data"] else locale.t("league.no_data"),
               locale.integer(row["rank"]) if row["has_data"] else "–") for row in rows))
    return Figure(
        key=FIGURE_KEY,
        title=locale.t("league.map_title", year=year),
        summary=map_summary(rows, year, locale, precision),
        svg=svg,
        table=table,
        spec=map_spec(rows, locale, precision, scale, relative(page, TOPOJSON_PATH), boundaries.feature,
                      locale.t("league.mean"), links),
        notes=(locale.t("league.map_note"), *([locale.t("league.map_credit", credit=credit)] if credit else [])),
    )


def league_plans(config: Config, data: SiteData, league: dict[int, list[Row]], boundaries: Boundaries | None,
                 locales: dict[str, Locale]) -> Iterator[PagePlan]:
    """A league page per year and language; the map is drawn when the project has boundaries."""
    site_urls = SiteUrls(config.site.languages[0])
    precision = config.scheme.precision
    with_page = sorted({unit["province"] for unit in data.units.values() if unit["province"]})
    for lang in config.site.languages:
        locale = locales[lang]
        province_pages = {code: site_urls.province(lang, code) for code in with_page}
        for year in data.years:
            rows = league.get(year, [])
            path = site_urls.provinces(lang, year)
            scale = league_scale(rows, precision)
            figure = (league_figure(path, rows, year, locale, precision, scale, boundaries, province_pages,
                                    config.data.province_map_credit.get(lang, ""))
                      if boundaries is not None else None)
            yield page_plan("provinces", site_urls, lang, (year,), {
                "year": year,
                "previous_year": previous_year(data, year),
                "rows": rows,
                "ranked": sum(1 for row in rows if row["has_data"]),
                "has_page": set(with_page),
                "figure": figure,
                "legend": map_legend(scale, locale, precision) if figure is not None else [],
            })


def with_home_maps(plans: Iterable[PagePlan], config: Config, data: SiteData, league: dict[int, list[Row]],
                   boundaries: Boundaries | None, locales: dict[str, Locale]) -> Iterator[PagePlan]:
    """`plans` with each home page given the latest year's map (`province_map`, None without boundaries) and
    its key (`province_map_legend`), drawn for the home page's own address."""
    site_urls = SiteUrls(config.site.languages[0])
    precision = config.scheme.precision
    year = data.years[-1]
    rows = league.get(year, [])
    scale = league_scale(rows, precision)
    with_page = sorted({unit["province"] for unit in data.units.values() if unit["province"]})
    for plan in plans:
        if plan.kind != "home":
            yield plan
            continue
        locale = locales[plan.lang]
        pages = {code: site_urls.province(plan.lang, code) for code in with_page}
        credit = config.data.province_map_credit.get(plan.lang, "")
        figure = (league_figure(plan.path, rows, year, locale, precision, scale, boundaries, pages, credit)
                  if boundaries is not None and rows else None)
        legend = map_legend(scale, locale, precision) if figure is not None else []
        yield replace(plan, context=plan.context | {"province_map": figure, "province_map_legend": legend})
