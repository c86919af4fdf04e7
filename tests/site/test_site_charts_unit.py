"""Unit and province charts on the built sample site, in Chromium: every chart visible as SVG with
JavaScript off and inside a 360 px screen; no id used twice on a page; unit pages at most 60 KB; a unit page
still prints as a two-page report card on A4 (the longest ones: units with narrative, in both languages)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO_ROOT = Path(__file__).resolve().parents[2]
VIEWPORT_WIDTH = 360
MAX_UNIT_PAGE_BYTES = 60_000

_CHARTS_JS = """() => [...document.querySelectorAll('figure.chart')].map(figure => {
  const svg = figure.querySelector('.chart-picture svg');
  const box = svg ? svg.getBoundingClientRect() : null;
  return {key: figure.id, svg: !!svg, width: box ? box.width : 0, height: box ? box.height : 0,
          right: box ? box.right : 0, marks: svg ? svg.querySelectorAll('path, circle, rect, line').length : 0,
          visible: svg ? getComputedStyle(svg).visibility === 'visible' && getComputedStyle(svg).display !== 'none'
                       : false};
})"""


def narrative_units() -> list[str]:
    """Units whose page carries narrative text as well: the longest unit pages of the sample."""
    files = (REPO_ROOT / "content/units").glob("*.md")
    return sorted({path.name.removesuffix(".md").removesuffix(".en") for path in files})


def unit_pages(sample_pages: dict[tuple[str, str], str]) -> list[str]:
    pages = [sample_pages[("unit", "id")], sample_pages[("unit", "en")]]
    return pages + [f"{prefix}unit/{unit}/index.html" for unit in narrative_units() for prefix in ("", "en/")]


@pytest.mark.parametrize("kind", ["unit", "province"])
@pytest.mark.parametrize("lang", ["id", "en"])
def test_charts_are_visible_svg_without_javascript_on_a_phone(
    kind: str, lang: str, site: Path, sample_pages: dict[tuple[str, str], str], http_base: str,
    visit: Callable[..., Any],
) -> None:
    paths = [sample_pages[(kind, lang)]]
    if kind == "unit":
        paths += [f"{'en/' if lang == 'en' else ''}unit/{unit}/index.html" for unit in narrative_units()]
    for path in paths:
        expected = len(BeautifulSoup((site / path).read_text(encoding="utf-8"), "lxml").select("figure.chart"))
        assert expected >= 2, f"{path}: expected the page's charts, found {expected}"
        with visit(urljoin(http_base, path), javascript=False) as v:
            charts = v.page.evaluate(_CHARTS_JS)
            problems = list(v.problems)
        assert len(charts) == expected, path
        for chart in charts:
            assert chart["svg"] and chart["visible"] and chart["marks"] > 0, (path, chart)
            assert chart["width"] > 200 and chart["height"] > 80, (path, chart)
            assert chart["right"] <= VIEWPORT_WIDTH, (path, chart)
        assert not problems, problems


def test_no_id_is_used_twice_on_unit_and_province_pages(site: Path) -> None:
    pages = sorted(site.glob("unit/*/index.html"))[:200] + sorted(site.glob("en/province/*/index.html"))
    assert len(pages) > 100
    for path in pages:
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
        twice = [name for name, count in Counter(str(tag["id"]) for tag in page.select("[id]")).items() if count > 1]
        assert not twice, (path, twice)


def test_unit_pages_are_at_most_60_kb(site: Path) -> None:
    sizes = {path.relative_to(site).as_posix(): path.stat().st_size for path in site.glob("**/unit/*/index.html")}
    assert len(sizes) > 1000
    heavy = sorted((size, path) for path, size in sizes.items() if size > MAX_UNIT_PAGE_BYTES)
    assert not heavy, f"{len(heavy)} unit pages over {MAX_UNIT_PAGE_BYTES} bytes, the largest: {heavy[-3:]}"


def test_a_unit_page_prints_on_two_a4_pages(
    sample_pages: dict[tuple[str, str], str], http_base: str, visit: Callable[..., Any]
) -> None:
    for path in unit_pages(sample_pages):
        with visit(urljoin(http_base, path), javascript=False) as v:
            pdf = v.page.pdf(format="A4", print_background=True)
        pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
        assert 1 <= pages <= 2, f"{path} prints on {pages} A4 pages"
