"""Search in a real browser (Debian's chromium): Pagefind finds a unit by part of its name in both languages and
by a filter, with no console error and no request to another host; without JavaScript the search box leads to
the A–Z lists, which lead to the unit."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO_ROOT = Path(__file__).resolve().parents[2]
RESULT_LINKS = ".pagefind-ui__result-link"


def units() -> dict[str, dict[str, str]]:
    with (REPO_ROOT / "data/units.csv").open(encoding="utf-8") as handle:
        return {row["id"]: row for row in csv.DictReader(handle)}


def results(v: Any) -> list[str]:
    v.page.wait_for_selector(RESULT_LINKS)
    return list(v.page.eval_on_selector_all(RESULT_LINKS, "links => links.map(a => a.getAttribute('href'))"))


def unit_id(href: str) -> str | None:
    parts = href.rstrip("/").split("/")
    return parts[-2] if len(parts) > 2 and parts[-3] == "unit" else None


@pytest.mark.parametrize(("lang", "term", "expected"), [
    ("id", "malang", "malang"), ("en", "malang", "malang"), ("id", "bpom", "kl-bpom"), ("en", "kota", "kota")])
def test_search_finds_a_unit_by_part_of_its_name(
    lang: str, term: str, expected: str, http_base: str, visit: Callable[..., Any]
) -> None:
    """Typed into Pagefind's box, part of a name (or an id) finds the unit's own page first, in its language."""
    registry = units()
    prefix = "" if lang == "id" else "en/"
    with visit(urljoin(http_base, f"{prefix}search/index.html")) as v:
        v.page.fill(".pagefind-ui__search-input", term)
        found = results(v)
        first = unit_id(found[0])
        assert first is not None, f"the first result for {term!r} is not a unit page: {found[:3]}"
        assert expected in (registry[first]["name"].casefold() + " " + first), (term, registry[first]["name"])
        assert found[0].startswith(urljoin("/rapor/", f"{prefix}unit/")), found[0]
        assert not v.problems, v.report()


def test_search_from_another_pages_box_and_by_filter(http_base: str, visit: Callable[..., Any]) -> None:
    """A search sent from the header box runs on the search page; ticking a province keeps only its pages."""
    registry = units()
    with visit(urljoin(http_base, "index.html")) as v:
        v.page.fill("#site-search-q", "dpmptsp")
        v.page.click(".site-search button")
        v.page.wait_for_url("**/search/index.html?q=dpmptsp")
        before = results(v)
        message = v.page.locator(".pagefind-ui__message").inner_text()
        v.page.click("summary.pagefind-ui__filter-name:has-text('Provinsi')")
        v.page.check("input[name='Provinsi'][value='Jawa Timur']")
        v.page.wait_for_function(
            "(before) => document.querySelector('.pagefind-ui__message').textContent !== before", arg=message)
        after = results(v)
        assert after and after != before
        for href in after:
            found = unit_id(href)
            assert found is not None and registry[found]["province"] == "35", href
        assert not v.problems, v.report()


def test_without_javascript_the_box_leads_to_the_az_list(http_base: str, visit: Callable[..., Any]) -> None:
    with visit(urljoin(http_base, "en/unit/35.07-dpmptsp/index.html"), javascript=False) as v:
        v.page.fill("#site-search-q", "malang")
        v.page.click(".site-search button")
        v.page.wait_for_url(f"**/en/search/index.html?q={quote('malang')}")
        assert v.page.locator(".no-js-only").is_visible()
        v.page.click(".search-fallback a[href*='kabupaten-kota'][href$='#letter-M']")
        v.page.wait_for_load_state("load")
        assert "/en/units/kabupaten-kota/" in v.page.url
        link = v.page.locator("ul.az-list a", has_text="DPMPTSP Kabupaten Malang")
        assert link.count() == 1
        link.click()
        v.page.wait_for_url("**/en/unit/35.07-dpmptsp/index.html")
        assert not v.problems, v.report()
