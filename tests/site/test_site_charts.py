"""The year-level charts of the sample site in a real browser (Debian's chromium, 360x740): with JavaScript off
every chart on the year and home pages is a visible SVG; with it on, the bundled Vega draws them again with
tooltips, without a console error and without a request to another host; also when opened from disk."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHART_PAGES = [(kind, lang) for kind in ("year", "home") for lang in ("id", "en")]

_PICTURES_JS = """() => Array.from(document.querySelectorAll('figure.chart')).map(figure => {
  const svg = figure.querySelector('.chart-picture svg');
  const box = svg ? svg.getBoundingClientRect() : null;
  const visible = !!box && box.width > 100 && box.height > 50 && getComputedStyle(svg).visibility === 'visible'
    && !figure.querySelector('.chart-picture').hidden;
  // The smallest text as shown: each text's rendered height over its font size's share of it.
  const sizes = svg ? Array.from(svg.querySelectorAll('text')).filter(t => t.textContent.trim())
    .map(t => parseFloat(getComputedStyle(t).fontSize) * box.width / svg.viewBox.baseVal.width) : [];
  return {id: figure.id, visible: visible, marks: svg ? svg.querySelectorAll('path, rect, text').length : 0,
          fits: !!box && box.right <= document.documentElement.clientWidth + 0.5,
          smallest: sizes.length ? Math.min(...sizes) : 0};
})"""


@pytest.mark.parametrize("case", CHART_PAGES, ids=[f"{k}-{lang}" for k, lang in CHART_PAGES])
def test_without_javascript_every_chart_is_a_visible_svg(
    case: tuple[str, str], sample_pages: dict[tuple[str, str], str], http_base: str, visit: Callable[..., Any]
) -> None:
    with visit(urljoin(http_base, sample_pages[case]), javascript=False) as v:
        pictures = v.page.evaluate(_PICTURES_JS)
        # The year: four charts; home: the trend, the latest grades and the province map (map-league).
        expected = 4 if case[0] == "year" else 3
        assert len(pictures) == expected, f"{v.url}: {len(pictures)} charts, expected {expected}"
        for picture in pictures:
            assert picture["visible"], f"{v.url}: {picture['id']} shows no picture"
            assert picture["marks"] > 10, f"{v.url}: {picture['id']} has an empty picture"
            assert picture["fits"], f"{v.url}: {picture['id']} is wider than the screen"
            # Readable on the phone: year charts' text was 6-7 px once shrunk to a 360 px screen (the map's
            # province codes are a picture's detail, named in its table).
            if picture["id"] != "fig-province-map":
                assert picture["smallest"] >= 9.5, f"{v.url}: {picture['id']} text {picture['smallest']:.1f} px"
        assert v.page.locator(".chart-interactive").count() == 0
        assert not v.problems, v.report()


@pytest.mark.parametrize("case", CHART_PAGES, ids=[f"{k}-{lang}" for k, lang in CHART_PAGES])
def test_with_javascript_charts_become_interactive_with_tooltips(
    case: tuple[str, str], sample_pages: dict[tuple[str, str], str], http_base: str, visit: Callable[..., Any]
) -> None:
    with visit(urljoin(http_base, sample_pages[case])) as v:
        page = v.page
        figures = page.locator("figure.chart")
        # The Vega bundle is loaded only once a reader points at a chart: a page read without it is light.
        page.wait_for_load_state("load")
        loaded = "performance.getEntriesByType('resource').filter(e => e.name.includes('vega')).length"
        assert page.evaluate(loaded) == 0
        assert page.locator(".chart-interactive").count() == 0
        figures.first.hover()
        page.wait_for_function(
            "n => document.querySelectorAll('.chart-interactive:not([hidden]) svg').length === n",
            arg=figures.count(), timeout=30_000)
        for index in range(figures.count()):
            figure = figures.nth(index)
            assert figure.locator(".chart-picture").is_hidden(), "the static picture is still shown"
            interactive = figure.locator(".chart-interactive")
            assert interactive.get_attribute("role") == "img"
            assert interactive.get_attribute("aria-label") == figure.locator(".chart-summary").inner_text()
            # Drawn at its full width: the map, as wide as its container, was once drawn 0 px wide (blank).
            box = interactive.locator("svg").first.bounding_box()
            assert box is not None and box["width"] > 100 and box["height"] > 50, f"{figure.get_attribute('id')}: {box}"
        # The map takes the height its static picture had: no tall empty box around a small map on a phone.
        if page.locator("#fig-province-map").count():
            box = page.locator("#fig-province-map .chart-interactive svg").first.bounding_box()
            assert box is not None and box["height"] < box["width"] * 0.6, box
        # A tooltip in the page's language and number format.
        mark = page.locator("#fig-grade-distribution .chart-interactive svg .mark-rect path").first
        mark.hover()
        tooltip = page.locator("#vg-tooltip-element.visible")
        tooltip.wait_for(state="visible", timeout=10_000)
        text = tooltip.inner_text()
        assert ("Predikat" if case[1] == "id" else "Grade") in text and "%" in text
        assert not v.problems, v.report()


def test_interactive_charts_work_from_disk(site: Path, sample_pages: dict[tuple[str, str], str],
                                           visit: Callable[..., Any]) -> None:
    """Opened via file://, the bundled scripts still load and draw (classic scripts, no module or fetch)."""
    path = site / sample_pages[("year", "id")]
    with visit(path.resolve().as_uri()) as v:
        v.page.locator("figure.chart").first.hover()
        v.page.wait_for_selector(".chart-interactive:not([hidden]) svg", timeout=30_000)
        assert not v.problems, v.report()
