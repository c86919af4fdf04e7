"""Page plans: which page goes where, with which template and which already-computed values. Pure.

A plan's context holds only the values that page shows; the common parts (site title, navigation,
language links) are added by `render.py`. Nothing here loops over all units for a single page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from . import urls
from .config import Config
from .content import Page
from .sitedata import Row, SiteData

TOP = 10


@dataclass(frozen=True)
class PagePlan:
    path: str  # in the default language; other languages are mirrored under <lang>/
    template: str
    lang: str
    context: dict[str, Any] = field(default_factory=dict)
    absolute: bool = False  # served at any address (a 404 page): links start from site.base_url's path
    in_sitemap: bool = True


@dataclass(frozen=True)
class Narratives:
    """Narrative pages by (kind, key, lang); content.py has already added fallbacks for missing languages."""

    pages: dict[tuple[str, str, str], Page]

    def find(self, kind: str, key: str, lang: str) -> tuple[Page | None, bool]:
        """The narrative for a page and whether it is shown in another language than the page's."""
        page = self.pages.get((kind, key, lang))
        return page, page is not None and bool(page.fallback_from)


def _scope_rows(rows: list[Row]) -> dict[str, dict[str, list[Row]]]:
    grouped: dict[str, dict[str, list[Row]]] = {"level": defaultdict(list), "type": defaultdict(list),
                                                "province": defaultdict(list)}
    for row in rows:
        for scope in grouped:
            if row[scope]:
                grouped[scope][row[scope]].append(row)
    for scope, groups in grouped.items():
        for rows_in_group in groups.values():
            rows_in_group.sort(key=lambda r: (r[f"rank_{scope}"] is None, r[f"rank_{scope}"] or 0, r["unit_id"]))
    return grouped


def plan_year_pages(config: Config, data: SiteData, narratives: Narratives, lang: str) -> Iterator[PagePlan]:
    aspects = config.scheme.aspect_keys
    for year in data.years:
        rows = data.rows_by_year[year]
        scored = [r for r in rows if r["evaluated"]]
        moved = [r for r in scored if r["delta"] is not None]
        groups = []
        level_order = {c.key: i for i, c in enumerate(config.levels)}
        type_order = {c.key: i for i, c in enumerate(config.unit_types)}
        totals = sorted(data.group_totals.get(year, []),
                        key=lambda g: (level_order.get(g["level"], 99), type_order.get(g["type"], 99)))
        for total in totals:
            counts = data.grade_counts.get((year, total["level"], total["type"]), {})
            groups.append(total | {"counts": counts})
        narrative, fallback = narratives.find("year", str(year), lang)
        national = data.average(year, "all", "", "index")
        aspect_rows = []
        for key in aspects:
            per_level = {level.key: data.average(year, "level", level.key, key) for level in config.levels}
            aspect_rows.append({"key": key, "national": data.average(year, "all", "", key), "levels": per_level})
        index_levels = {level.key: data.average(year, "level", level.key, "index") for level in config.levels}
        grouped = _scope_rows(rows)
        yield PagePlan(urls.year(lang, year), narrative.template if narrative and narrative.template else "year.html",
                       lang, {
            "year": year,
            "listed": len(rows),
            "evaluated": len(scored),
            "national": national,
            "index_levels": index_levels,
            "groups": groups,
            "aspect_rows": aspect_rows,
            "top": [r for r in scored if r["rank_national"] <= TOP],
            "risers": sorted((r for r in moved if r["delta"] > 0), key=lambda r: (-r["delta"], r["unit_id"]))[:TOP],
            "fallers": sorted((r for r in moved if r["delta"] < 0), key=lambda r: (r["delta"], r["unit_id"]))[:TOP],
            "narrative": narrative,
            "fallback": fallback,
            "scopes": {scope: sorted(keys) for scope, keys in grouped.items()},
            "download": urls.download(year),
        })
        yield PagePlan(urls.ranking(lang, year), "ranking.html", lang,
                       {"year": year, "scope": "national", "key": "", "rows": rows})
        for scope, groups_by_key in grouped.items():
            for key, scope_rows in sorted(groups_by_key.items()):
                yield PagePlan(urls.ranking(lang, year, scope, key), "ranking.html", lang,
                               {"year": year, "scope": scope, "key": key, "rows": scope_rows})


def plan_unit_pages(config: Config, data: SiteData, narratives: Narratives, lang: str) -> Iterator[PagePlan]:
    aspects = config.scheme.aspect_keys
    for unit_id, unit in sorted(data.units.items()):
        latest = data.latest_row(unit_id)
        comparison = []
        if latest is not None and latest["evaluated"]:
            year = int(latest["year"])
            for key in aspects:
                comparison.append({
                    "key": key,
                    "value": latest[key],
                    "national": data.average(year, "all", "", key),
                    "level": data.average(year, "level", unit["level"], key),
                })
        narrative, fallback = narratives.find("unit", unit_id, lang)
        template = narrative.template if narrative and narrative.template else "unit.html"
        yield PagePlan(urls.unit(lang, unit_id), template, lang, {
            "unit": unit,
            "latest": latest,
            "history": data.history.get(unit_id, []),
            "comparison": comparison,
            "narrative": narrative,
            "fallback": fallback,
        })
        # A unit's former ids keep their old addresses working: each points readers to the unit's page.
        for former in unit["former_ids"]:
            yield PagePlan(urls.unit(lang, former), "redirect.html", lang,
                           {"unit": unit, "former_id": former, "target": urls.unit(lang, unit_id)}, in_sitemap=False)


def plan_province_pages(config: Config, data: SiteData, lang: str) -> Iterator[PagePlan]:
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
    codes = sorted({u["province"] for u in data.units.values() if u["province"]})
    fields = ("index", *config.scheme.aspect_keys)
    for code in codes:
        units = sorted(evaluated_now.get(code, []),
                       key=lambda r: (r["rank_province"] is None, r["rank_province"] or 0, r["unit_id"]))
        history = ranks.get(code, [])
        averages = [{"key": key, "province": data.average(latest_year, "province", code, key),
                     "national": data.average(latest_year, "all", "", key)} for key in fields]
        yield PagePlan(urls.province(lang, code), "province.html", lang, {
            "code": code,
            "name": data.province_names.get(code, code),
            "year": latest_year,
            "rows": units,
            "absent": absent.get(code, []),
            "averages": averages if any(a["province"] for a in averages) else [],
            "history": history,
            "latest": history[-1] if history and history[-1]["year"] == latest_year else None,
        })


def plan_content_pages(narratives: Narratives, lang: str) -> Iterator[PagePlan]:
    slugs = sorted({key for kind, key, _ in narratives.pages if kind == "page"})
    for slug in slugs:
        page, fallback = narratives.find("page", slug, lang)
        assert page is not None, "every slug comes from a page that exists"
        yield PagePlan(urls.page(lang, slug), page.template or "page.html", lang,
                       {"narrative": page, "fallback": fallback})


def plan_site(config: Config, data: SiteData, pages: tuple[Page, ...]) -> Iterator[PagePlan]:
    """Every HTML page of the site, in every language."""
    narratives = Narratives({(p.kind, p.key, p.lang): p for p in pages})
    for lang in config.site.languages:
        latest = data.years[-1]
        home, fallback = narratives.find("home", "", lang)
        national = data.average(latest, "all", "", "index")
        counts: dict[str, int] = defaultdict(int)
        for (year, _level, _type), by_grade in data.grade_counts.items():
            if year == latest:
                for grade, n in by_grade.items():
                    counts[grade] += n
        scored = [r for r in data.rows_by_year[latest] if r["evaluated"]]
        yield PagePlan(urls.home(lang), home.template if home and home.template else "home.html", lang, {
            "year": latest,
            "national": national,
            "evaluated": len(scored),
            "counts": dict(counts),
            "top": [r for r in scored if r["rank_national"] <= 5],
            "narrative": home,
            "fallback": fallback,
            "year_summaries": [
                {"year": y, "national": data.average(y, "all", "", "index"),
                 "evaluated": sum(1 for r in data.rows_by_year[y] if r["evaluated"])}
                for y in reversed(data.years)
            ],
        })
        yield from plan_year_pages(config, data, narratives, lang)
        yield from plan_unit_pages(config, data, narratives, lang)
        yield from plan_province_pages(config, data, lang)
        yield from plan_content_pages(narratives, lang)
        yield PagePlan(urls.not_found(lang), "404.html", lang, {}, absolute=True, in_sitemap=False)
