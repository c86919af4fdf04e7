"""Page plans: which page goes where, with which template and which already-computed values. Pure.

A plan's context holds only the values that page shows; the common parts (site title, navigation,
language links) are added by `render.py`. Nothing here loops over all units for a single page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .config import Config
from .content import Page
from .findings import build_findings
from .names import aspect_column
from .page_kinds import PAGE_KINDS, PageKinds
from .regions import build_regions, region_plans
from .sitedata import Row, SiteData
from .table_tools import TableTools, ranking_years
from .urls import SiteUrls

if TYPE_CHECKING:  # (corrections.py reads CSV with pandas, which a render worker does not load: parallel.py)
    from .corrections import Correction

TOP = 10
# Rows per ranking page: long rankings are split so that no page grows past ~150 KB (a phone on a slow
# connection, and a screen reader's page list, stay usable); tests check every built page's size.
RANKING_PAGE_ROWS = 200
HOME_TOP = 5


@dataclass(frozen=True)
class PagePlan:
    path: str  # in the default language; other languages are mirrored under <lang>/
    template: str
    lang: str
    context: dict[str, Any] = field(default_factory=dict)
    absolute: bool = False  # served at any address (a 404 page): links start from site.base_url's path
    in_sitemap: bool = True
    kind: str = field(kw_only=True)  # its row in page_kinds.PAGE_KINDS


def page_plan(kind: str, site_urls: SiteUrls, lang: str, arguments: tuple[Any, ...], context: dict[str, Any],
              template: str | None = None, kinds: PageKinds = PAGE_KINDS) -> PagePlan:
    """The plan of a page of `kind`: its address, template, sitemap and 404 handling as the table says; the
    address from `arguments` (the kind's SiteUrls method's, after the language), the template unless a
    narrative names another."""
    row = kinds[kind]
    return PagePlan(row.path(site_urls, lang, *arguments), template or row.template, lang, context,
                    absolute=row.absolute, in_sitemap=row.in_sitemap, kind=kind)


@dataclass(frozen=True)
class Narratives:
    """Narrative pages by (kind, key, lang); content.py has already added fallbacks for missing languages."""

    pages: dict[tuple[str, str, str], Page]

    def find(self, kind: str, key: str, lang: str) -> tuple[Page | None, bool]:
        """The narrative for a page and whether it is shown in another language than the page's."""
        page = self.pages.get((kind, key, lang))
        return page, page is not None and bool(page.fallback_from)


def _scope_rows(rows: list[Row], level_order: dict[str, int]) -> dict[str, dict[str, list[Row]]]:
    """Rows per scope and key in rank order; a type's rows come level by level (in the configured order of
    levels), so its ranking page shows each level's units together."""
    grouped: dict[str, dict[str, list[Row]]] = {"level": defaultdict(list), "type": defaultdict(list),
                                                "province": defaultdict(list)}
    for row in rows:
        for scope in grouped:
            if row[scope]:
                grouped[scope][row[scope]].append(row)
    for scope, groups in grouped.items():
        order = _rank_order(f"rank_{scope}", level_order if scope == "type" else None)
        for rows_in_group in groups.values():
            rows_in_group.sort(key=order)
    return grouped


def _rank_order(rank: str, level_order: dict[str, int] | None) -> Callable[[Row], tuple[int, bool, int, str]]:
    """A ranking's sort key: by level first (in `level_order`, if given), then rank (unranked rows last), then
    id. Made once per scope: a large project sorts its rows some 600,000 times."""
    def order(r: Row) -> tuple[int, bool, int, str]:
        position = r[rank]
        return (level_order.get(r["level"], 99) if level_order is not None else 0, position is None, position or 0,
                r["unit_id"])
    return order


@dataclass(frozen=True)
class YearFacts:
    context: dict[str, Any]  # what the year's overview shows, in any language
    scopes: dict[str, dict[str, list[Row]]]  # scope -> key -> rows in rank order


def previous_year(data: SiteData, year: int) -> int | None:
    """The year the changes shown for `year` compare with: the previous year present in the data."""
    earlier = [y for y in data.years if y < year]
    return earlier[-1] if earlier else None


def top_rows(scored: list[Row], n: int) -> dict[str, Any]:
    """The units ranked n or better: more than n when units tie at the edge, and the page says so."""
    rows = [r for r in scored if r["rank_national"] <= n]
    return {"rows": rows, "n": n, "tied": len(rows) > n}


def year_facts(config: Config, data: SiteData, year: int) -> YearFacts:
    """What a year's overview and rankings show; the same in every language, so computed once."""
    rows = data.rows_by_year[year]
    scored = [r for r in rows if r["evaluated"]]
    moved = [r for r in scored if r["delta"] is not None]
    level_order = {c.key: i for i, c in enumerate(config.levels)}
    type_order = {c.key: i for i, c in enumerate(config.unit_types)}
    totals = sorted(data.group_totals.get(year, []),
                    key=lambda g: (level_order.get(g["level"], 99), type_order.get(g["type"], 99)))
    groups = [total | {"counts": data.grade_counts.get((year, total["level"], total["type"]), {})}
              for total in totals]
    aspect_rows = [{"key": key, "national": data.aspect_average(year, "all", "", key),
                    "levels": {level.key: data.aspect_average(year, "level", level.key, key)
                               for level in config.levels}}
                   for key in config.scheme.aspect_keys]
    scopes = _scope_rows(rows, level_order)
    order = {"level": level_order, "type": type_order}
    return YearFacts({
        "year": year,
        "previous_year": previous_year(data, year),
        "listed": len(rows),
        "evaluated": len(scored),
        "national": data.average(year, "all", "", "index"),
        "index_levels": {level.key: data.average(year, "level", level.key, "index") for level in config.levels},
        "groups": groups,
        "aspect_rows": aspect_rows,
        "top": top_rows(scored, TOP),
        "risers": sorted((r for r in moved if r["delta"] > 0), key=lambda r: (-r["delta"], r["unit_id"]))[:TOP],
        "fallers": sorted((r for r in moved if r["delta"] < 0), key=lambda r: (r["delta"], r["unit_id"]))[:TOP],
        # Levels and types in the order the configuration lists them; provinces by code.
        "scopes": {scope: sorted(keys, key=lambda k: (order.get(scope, {}).get(k, 99), k))
                   for scope, keys in scopes.items()},
        "download": SiteUrls.download(year),
    }, scopes)


def unit_facts(config: Config, data: SiteData, unit_id: str, unit: Row) -> dict[str, Any]:
    latest = data.latest_row(unit_id)
    comparison = []
    if latest is not None and latest["evaluated"]:
        year = int(latest["year"])
        comparison = [{"key": key, "value": value, "national": data.aspect_average(year, "all", "", key),
                       "level": data.aspect_average(year, "level", unit["level"], key)}
                      for key, value in zip(config.scheme.aspect_keys, latest["aspects"], strict=True)]
    return {"unit": unit, "latest": latest, "history": data.history.get(unit_id, []), "comparison": comparison}


def province_facts(config: Config, data: SiteData) -> dict[str, dict[str, Any]]:
    """Each province page's values, keyed by province code; the same in every language."""
    latest_year = data.years[-1]
    evaluated_now: dict[str, list[Row]] = defaultdict(list)
    for row in data.rows_by_year[latest_year]:
        if row["province"] and row["evaluated"]:
            evaluated_now[row["province"]].append(row)
    # Units listed under a province but not evaluated in the latest year still belong on its page.
    absent: dict[str, list[Row]] = defaultdict(list)
    scored_now = {row["unit_id"] for rows in evaluated_now.values() for row in rows}
    for unit_id, unit in sorted(data.units.items()):
        if unit["province"] and unit_id not in scored_now:
            last = data.latest_row(unit_id)
            absent[unit["province"]].append({"unit_id": unit_id, "name": unit["name"], "type": unit["type"],
                                             "last": last if last is not None and last["evaluated"] else None})
    ranks: dict[str, list[Row]] = defaultdict(list)
    counts = {year: len(rows) for year, rows in data.provinces.items()}
    for year in data.years:
        for row in data.provinces.get(year, []):
            ranks[row["province"]].append(row | {"of": counts[year]})
    fields = {"index": "index"} | {key: aspect_column(key) for key in config.scheme.aspect_keys}
    facts = {}
    for code in sorted({u["province"] for u in data.units.values() if u["province"]}):
        history = ranks.get(code, [])
        averages = [{"key": key, "province": data.average(latest_year, "province", code, field),
                     "national": data.average(latest_year, "all", "", field)} for key, field in fields.items()]
        facts[code] = {
            "code": code,
            "name": data.province_names.get(code, code),
            "year": latest_year,
            "previous_year": previous_year(data, latest_year),
            "rows": sorted(evaluated_now.get(code, []),
                           key=lambda r: (r["rank_province"] is None, r["rank_province"] or 0, r["unit_id"])),
            "absent": absent.get(code, []),
            "averages": averages if any(a["province"] for a in averages) else [],
            "history": history,
            "latest": history[-1] if history and history[-1]["year"] == latest_year else None,
        }
    return facts


def home_facts(data: SiteData) -> dict[str, Any]:
    latest = data.years[-1]
    counts: dict[str, int] = defaultdict(int)
    for (year, _level, _type), by_grade in data.grade_counts.items():
        if year == latest:
            for grade, n in by_grade.items():
                counts[grade] += n
    scored = [r for r in data.rows_by_year[latest] if r["evaluated"]]
    return {
        "year": latest,
        "national": data.average(latest, "all", "", "index"),
        "evaluated": len(scored),
        "counts": dict(counts),
        "previous_year": previous_year(data, latest),
        "top": top_rows(scored, HOME_TOP),
        "year_summaries": [
            {"year": y, "national": data.average(y, "all", "", "index"),
             "evaluated": sum(1 for r in data.rows_by_year[y] if r["evaluated"])}
            for y in reversed(data.years)
        ],
    }


def ranking_page_numbers(data: SiteData, years: dict[int, YearFacts],
                         wanted: set[int] | None = None) -> dict[tuple[int, str, str], int]:
    """(year, scope, unit id) -> the page of that ranking the unit's row is on, so a unit's page links there;
    for the `wanted` years only if given (a unit's page links its latest evaluated year's rankings: most units
    share a few such years, and a large project's other years held most of the numbers)."""
    numbers = {}
    for year, year_page in years.items():
        if wanted is not None and year not in wanted:
            continue
        for position, row in enumerate(data.rows_by_year[year]):
            numbers[(year, "national", row["unit_id"])] = position // RANKING_PAGE_ROWS + 1
        for scope, groups in year_page.scopes.items():
            for rows in groups.values():
                for position, row in enumerate(rows):
                    numbers[(year, scope, row["unit_id"])] = position // RANKING_PAGE_ROWS + 1
    return numbers


def unit_ranking_links(site_urls: SiteUrls, lang: str, unit_page: dict[str, Any],
                       numbers: dict[tuple[int, str, str], int]) -> dict[str, str]:
    """The ranking pages (per scope) that hold the unit's latest evaluated row."""
    latest, unit = unit_page["latest"], unit_page["unit"]
    if latest is None or not latest["evaluated"]:
        return {}
    year, unit_id = int(latest["year"]), latest["unit_id"]
    keys = {"national": "", "level": unit["level"], "type": unit["type"], "province": unit["province"]}
    return {scope: site_urls.ranking(lang, year, scope, key, numbers[(year, scope, unit_id)])
            for scope, key in keys.items() if (year, scope, unit_id) in numbers}


def level_sections(rows: list[Row]) -> list[tuple[str, list[Row]]]:
    """A ranking's rows cut wherever the level changes (a type's ranking comes level by level)."""
    sections: list[tuple[str, list[Row]]] = []
    for row in rows:
        if not sections or sections[-1][0] != row["level"]:
            sections.append((row["level"], []))
        sections[-1][1].append(row)
    return sections


def ranking_plans(site_urls: SiteUrls, lang: str, year_page: YearFacts, scope: str, key: str,
                  rows: list[Row], tools: TableTools) -> Iterator[PagePlan]:
    """A ranking's pages of at most RANKING_PAGE_ROWS rows each; every page lists all of them by the
    positions they hold ("201–400"), and the year's other rankings."""
    chunks = [rows[start:start + RANKING_PAGE_ROWS] for start in range(0, len(rows), RANKING_PAGE_ROWS)] or [[]]
    year = year_page.context["year"]
    pages = [{"number": n, "path": site_urls.ranking(lang, year, scope, key, n),
              "first": (n - 1) * RANKING_PAGE_ROWS + 1, "last": (n - 1) * RANKING_PAGE_ROWS + len(chunk)}
             for n, chunk in enumerate(chunks, start=1)]
    shared = {key: year_page.context[key] for key in ("year", "previous_year", "scopes")}
    for number, (page, chunk) in enumerate(zip(pages, chunks, strict=True), start=1):
        own = tools.context(year, scope, key, number, chunk)
        chunk = own["table_tools"].rows  # the very rows its table values are made from (table_tools.PageTools)
        yield page_plan("ranking", site_urls, lang, (year, scope, key, number),
                        shared | {"scope": scope, "key": key, "rows": chunk, "total": len(rows), "page": page,
                                  "pages": pages, "sections": level_sections(chunk) if scope == "type" else []}
                        | own)


def former_names(unit: Row) -> dict[str, str | None]:
    """Each former id with the name the unit had under it: the `former_names` entry at the same position when
    both lists are equally long, else none (the id alone changed, or the names cannot be told apart)."""
    ids, names = list(unit["former_ids"]), list(unit["former_names"])
    paired = len(ids) == len(names)
    return {former: (names[i] if paired and names[i] != unit["name"] else None) for i, former in enumerate(ids)}


def _with_narrative(kind: str, key: str, lang: str, narratives: Narratives, default: str) -> tuple[str, dict[str, Any]]:
    """The template for a page that may have narrative, and the narrative's part of its context."""
    narrative, fallback = narratives.find(kind, key, lang)
    template = narrative.template if narrative and narrative.template else default
    return template, {"narrative": narrative, "fallback": fallback}


def plan_site(config: Config, data: SiteData, pages: tuple[Page, ...],
              corrections: tuple[Correction, ...] = ()) -> Iterator[PagePlan]:
    """Every HTML page of the site, in every language. What a page shows is computed once; each language
    only adds its narrative."""
    from .errata import corrections_by_unit, errata_plans, unit_corrections  # errata plans are PagePlans

    corrected = corrections_by_unit(corrections)
    unit_names = {unit_id: str(unit["name"]) for unit_id, unit in data.units.items()}
    site_urls = SiteUrls(config.site.languages[0])
    narratives = Narratives({(p.kind, p.key, p.lang): p for p in pages})
    home = home_facts(data)
    years = {year: year_facts(config, data, year) for year in data.years}
    units = {unit_id: unit_facts(config, data, unit_id, unit) for unit_id, unit in sorted(data.units.items())}
    provinces = province_facts(config, data)
    page_numbers = ranking_page_numbers(data, years, {int(unit_page["latest"]["year"]) for unit_page in units.values()
                                                      if unit_page["latest"] is not None
                                                      and unit_page["latest"]["evaluated"]})
    tools = TableTools([g.letter for g in config.scheme.grades], config.scheme.precision,
                       ranking_years({year: facts.scopes for year, facts in years.items()}),
                       {"level": [c.key for c in config.levels], "type": [c.key for c in config.unit_types],
                        "province": sorted(data.province_names)})
    found = build_findings(config, data)  # plain-language findings, once for the whole site
    for year, year_page in years.items():
        year_page.context["findings"] = found.years.get(year, [])
    for unit_id, unit_page in units.items():
        unit_page["findings"] = found.units.get(unit_id, [])
    for code, province_page in provinces.items():
        province_page["findings"] = found.provinces.get(code, [])
    slugs = sorted({key for kind, key, _ in narratives.pages if kind == "page"})
    regions = build_regions(config, data)
    for lang in config.site.languages:
        template, told = _with_narrative("home", "", lang, narratives, PAGE_KINDS["home"].template)
        yield page_plan("home", site_urls, lang, (), home | told, template)
        for year, year_page in years.items():
            template, told = _with_narrative("year", str(year), lang, narratives, PAGE_KINDS["year"].template)
            yield page_plan("year", site_urls, lang, (year,), year_page.context | told, template)
            yield from ranking_plans(site_urls, lang, year_page, "national", "", data.rows_by_year[year], tools)
            for scope, groups in year_page.scopes.items():
                for key, rows in sorted(groups.items()):
                    yield from ranking_plans(site_urls, lang, year_page, scope, key, rows, tools)
        for unit_id, unit_page in units.items():
            template, told = _with_narrative("unit", unit_id, lang, narratives, PAGE_KINDS["unit"].template)
            links = {"ranking_links": unit_ranking_links(site_urls, lang, unit_page, page_numbers),
                     "corrections": unit_corrections(corrected.get(unit_id, []), lang),
                     "regency_units": regions.neighbours.get(unit_id, [])}
            yield page_plan("unit", site_urls, lang, (unit_id,), unit_page | told | links, template)
            # A unit's former ids keep their old addresses working: each points readers to the unit's page.
            for former, former_name in former_names(unit_page["unit"]).items():
                yield page_plan("former_unit", site_urls, lang, (former,),
                                {"unit": unit_page["unit"], "former_id": former, "former_name": former_name,
                                 "target": site_urls.unit(lang, unit_id)})
        for code, province_page in provinces.items():
            yield page_plan("province", site_urls, lang, (code,),
                            province_page | {"regencies": regions.by_province.get(code, [])})
        for kind, arguments, context in region_plans(regions):
            yield page_plan(kind, site_urls, lang, arguments, context)
        for slug in slugs:
            template, told = _with_narrative("page", slug, lang, narratives, PAGE_KINDS["page"].template)
            yield page_plan("page", site_urls, lang, (slug,), told, template)
        has_feed = bool(config.site.base_url and corrections)
        yield from errata_plans(site_urls, lang, corrections, unit_names, has_feed)
        yield page_plan("not_found", site_urls, lang, (), {})
