"""Finding one's own unit: regency (kabupaten/kota) pages, the A–Z lists of units per level, the search page.

Everything here is computed once per build: units are grouped by regency and by level in one pass each, and
each page's plan only holds its own slice. Pure, like pages.py.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .config import Config
from .sitedata import Row, SiteData

# Entries per A–Z page: about 170 bytes each in HTML, so a page stays under ~150 KB (as ranking pages do).
AZ_PAGE_UNITS = 800
OTHER = "#"  # the A–Z section of names that do not start with a letter A–Z


@dataclass(frozen=True)
class Regions:
    regencies: dict[str, dict[str, Any]]  # regency code -> its page's values
    by_province: dict[str, list[dict[str, Any]]]  # province code -> its regencies (code, name, units)
    neighbours: dict[str, list[dict[str, Any]]]  # unit id -> the other units of its regency
    az: dict[str, list[dict[str, Any]]]  # level key -> its A–Z pages' values (one or more)


def sort_key(name: str, unit_id: str) -> tuple[str, str]:
    """A–Z order: the name casefolded (Indonesian needs no other collation), then the id for equal names."""
    return name.casefold(), unit_id


# The words an official place name opens with ("Kabupaten Aceh Selatan", "Kota Administrasi Jakarta Utara"):
# they tell no place apart, so the A–Z lists file a unit named after its place under what follows them.
_PLACE_WORDS = re.compile(r"(?:(?:kabupaten|kota)(?:\s+administrasi)?|kab\.|provinsi)\s+", re.IGNORECASE)


def filing_name(name: str, place: str) -> str:
    """What an A–Z list files a unit under: the name of its place (regency, else province) without the words
    every such name opens with, when the unit's name holds it ("DPMPTSP Kabupaten Aceh Selatan" under Aceh
    Selatan, where a reader looks for it, not among hundreds of D's); else its own name (a ministry, or a unit
    whose name is not its place's: "RSUD Dr. Soetomo" under R)."""
    place = place.strip()
    opening = _PLACE_WORDS.match(place)
    core = place[opening.end():].strip() if opening else place
    return core if core and core.casefold() in name.casefold() else name


def initial(name: str) -> str:
    """The A–Z section a name belongs in."""
    first = name.strip()[:1].upper()
    return first if "A" <= first <= "Z" else OTHER


def _unit_row(data: SiteData, unit_id: str, unit: Row) -> dict[str, Any]:
    """A unit as a regency page lists it: latest evaluated row and its result in every year of the data."""
    by_year = {int(row["year"]): row for row in data.history.get(unit_id, [])}
    latest = data.latest_row(unit_id)
    return {"unit_id": unit_id, "name": unit["name"], "level": unit["level"], "type": unit["type"],
            "latest": latest if latest is not None and latest["evaluated"] else None,
            "years": [by_year.get(year) for year in data.years]}


def regency_facts(config: Config, data: SiteData) -> tuple[dict[str, dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """Each regency page's values by regency code, and each province's regencies; one pass over the units."""
    members: dict[str, list[str]] = defaultdict(list)
    for unit_id, unit in sorted(data.units.items()):
        if unit["regency"]:
            members[unit["regency"]].append(unit_id)
    type_order = {c.key: i for i, c in enumerate(config.unit_types)}
    level_order = {c.key: i for i, c in enumerate(config.levels)}
    facts: dict[str, dict[str, Any]] = {}
    by_province: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for code, unit_ids in sorted(members.items()):
        first = data.units[unit_ids[0]]
        rows = sorted((_unit_row(data, unit_id, data.units[unit_id]) for unit_id in unit_ids),
                      key=lambda r: (level_order.get(r["level"], 99), type_order.get(r["type"], 99),
                                     *sort_key(r["name"], r["unit_id"])))
        facts[code] = {"code": code, "name": first["regency_name"] or code, "province": first["province"],
                       "province_name": first["province_name"], "data_years": list(data.years), "rows": rows}
        if first["province"]:
            by_province[first["province"]].append({"code": code, "name": facts[code]["name"], "units": len(rows)})
    for regencies in by_province.values():
        regencies.sort(key=lambda r: (r["name"].casefold(), r["code"]))
    return facts, dict(by_province)


def regency_neighbours(regencies: dict[str, dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """unit id -> the other units of its regency, so a unit's page links to them (DPMPTSP to Disdukcapil)."""
    neighbours: dict[str, list[dict[str, Any]]] = {}
    for regency in regencies.values():
        listed = [{"unit_id": r["unit_id"], "name": r["name"], "type": r["type"]} for r in regency["rows"]]
        for entry in listed:
            neighbours[entry["unit_id"]] = [other for other in listed if other is not entry]
    return neighbours


def az_pages(config: Config, data: SiteData) -> dict[str, list[dict[str, Any]]]:
    """Per level, its units in A–Z order of their filing names (filing_name) cut into pages of at most
    AZ_PAGE_UNITS, grouped by initial letter.
    Every page shows every letter of the level, each linking to the page (and anchor) where it starts."""
    by_level: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for unit_id, unit in data.units.items():
        place = unit["regency_name"] or unit["province_name"]
        filed = filing_name(unit["name"], place)
        by_level[unit["level"]].append({"unit_id": unit_id, "name": unit["name"], "type": unit["type"],
                                        "place": place, "filed": filed, "letter": initial(filed)})
    pages: dict[str, list[dict[str, Any]]] = {}
    for level in (c.key for c in config.levels):
        units = sorted(by_level.get(level, []), key=lambda u: (u["filed"].casefold(), *sort_key(u["name"],
                                                                                                u["unit_id"])))
        if not units:
            continue
        by_place = any(unit["filed"] != unit["name"] for unit in units)
        chunks = [units[start:start + AZ_PAGE_UNITS] for start in range(0, len(units), AZ_PAGE_UNITS)]
        starts: dict[str, int] = {}  # letter -> the page it starts on
        for number, chunk in enumerate(chunks, start=1):
            for unit in chunk:
                starts.setdefault(unit["letter"], number)
        letters = [{"letter": letter, "page": number} for letter, number in starts.items()]
        listing = [{"number": n, "first": chunk[0]["filed"], "last": chunk[-1]["filed"]}
                   for n, chunk in enumerate(chunks, start=1)]
        pages[level] = []
        for number, chunk in enumerate(chunks, start=1):
            sections: list[dict[str, Any]] = []
            for unit in chunk:
                if not sections or sections[-1]["letter"] != unit["letter"]:
                    sections.append({"letter": unit["letter"], "anchor": starts[unit["letter"]] == number,
                                     "units": []})
                sections[-1]["units"].append(unit)
            pages[level].append({"level": level, "number": number, "pages": listing, "letters": letters,
                                 "sections": sections, "total": len(units), "by_place": by_place})
    return pages


def build_regions(config: Config, data: SiteData) -> Regions:
    regencies, by_province = regency_facts(config, data)
    return Regions(regencies, by_province, regency_neighbours(regencies), az_pages(config, data))


def region_plans(regions: Regions) -> Iterator[tuple[str, tuple[Any, ...], dict[str, Any]]]:
    """(page kind, its address's arguments, context) of the regency pages, the A–Z pages and the search page;
    the same in every language."""
    for code, regency in regions.regencies.items():
        yield "regency", (code,), regency
    az_letters = [{"level": level, "letters": pages[0]["letters"]} for level, pages in regions.az.items()]
    for pages in regions.az.values():
        for page in pages:
            yield "units_az", (page["level"], page["number"]), page
    yield "search", (), {"az_letters": az_letters, "search_page": True}
