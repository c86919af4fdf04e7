"""Ranking pages' table tools in Debian's chromium on a 360 px screen: sorting by keyboard (order and aria-sort
checked against the model), the text filter and the province and grade filters (visible rows and the live
region's count checked against the model), reset, controls that fit the screen, no console error or foreign
request, axe-core clean after use; without JavaScript the table is complete and no control is shown; printed,
the page is the table alone with its header row repeated."""

from __future__ import annotations

import importlib.util
import re
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest

from generator.config import Config
from generator.model import build_model
from generator.pipeline import read_inputs
from generator.rounding import round_half_up
from generator.sitedata import Row, SiteData, build_site_data

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO_ROOT = Path(__file__).resolve().parents[2]
VIEWPORT_WIDTH = 360
PAGE = "2024/ranking/index.html"  # the latest national ranking's first page: 200 of many rows
PAGE_ROWS = 200

_VISIBLE_UNITS_JS = """() => [...document.querySelectorAll('table.ranking tbody tr')]
  .filter(tr => tr.getClientRects().length > 0)
  .map(tr => tr.querySelector('th[scope=row] a').getAttribute('href').split('/').slice(-2)[0])"""

_AXE_JS = """async () => {
  const results = await axe.run(document, {runOnly: {type: 'tag', values:
    ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}, resultTypes: ['violations']});
  return results.violations.map(v => v.id + ': ' + v.help + ' at ' + v.nodes.map(n => n.target).join(' '));
}"""

# Controls a reader could see and use: with JavaScript off none may be shown unless it works without it (a
# link, or a form that submits somewhere).
_VISIBLE_CONTROLS_JS = """() => [...document.querySelectorAll('main :is(input, select, button, textarea)')]
  .filter(el => el.getClientRects().length > 0 && !el.closest('form[action]'))
  .map(el => el.outerHTML.slice(0, 120))"""


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


@pytest.fixture(scope="module")
def model() -> tuple[SiteData, Config]:
    """The sample project's rows as the site gets them: what the checked page must show."""
    inputs = read_inputs(REPO_ROOT)
    built = build_model(inputs.results, inputs.units, inputs.provinces, inputs.config.scheme)
    names = dict(zip(inputs.provinces["code"], inputs.provinces["name"], strict=True))
    return build_site_data(built, inputs.config.scheme, names), inputs.config


@pytest.fixture(scope="module")
def page_rows(model: tuple[SiteData, Config]) -> list[Row]:
    data, _ = model
    return data.rows_by_year[max(data.years)][:PAGE_ROWS]


def _count_text(lang: str, shown: int, total: int) -> str:
    theme = REPO_ROOT / "themes" / "default" / "i18n" / f"{lang}.toml"
    template = tomllib.loads(theme.read_text(encoding="utf-8"))["table_tools"]["count"]
    return str(template.format(shown=shown, total=total))


def _status(page: Any, expected: str) -> str:
    page.wait_for_function("(text) => document.querySelector('.tools-status').textContent === text", arg=expected,
                           timeout=5_000)
    return str(page.inner_text(".tools-status"))


def _by_index(rows: list[Row], descending: bool) -> list[str]:
    """The page's rows by index as published, ties in rank order, rows without an index last."""
    scored = [(round_half_up(r["index"], 2), position, r["unit_id"]) for position, r in enumerate(rows)
              if r["evaluated"]]
    scored.sort(key=lambda item: ((-item[0] if descending else item[0]), item[1]))
    return [unit for _, _, unit in scored] + [r["unit_id"] for r in rows if not r["evaluated"]]


def _sorted_headers(page: Any) -> dict[str, str]:
    """data-num -> aria-sort of the headers that have one."""
    return dict(page.evaluate("""() => [...document.querySelectorAll('table.ranking thead th[aria-sort]')]
        .map(th => [th.getAttribute('data-num'), th.getAttribute('aria-sort')])"""))


def _axe_source() -> str:
    spec = importlib.util.find_spec("axe_playwright_python")
    assert spec is not None and spec.origin is not None, "axe-playwright-python (test extra) is not installed"
    return (Path(spec.origin).parent / "axe.min.js").read_text(encoding="utf-8")


def _no_overflow(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORT_WIDTH, f"the page is {width}px wide on a {VIEWPORT_WIDTH}px screen"
    right = page.evaluate("""() => Math.max(...[...document.querySelectorAll('form.table-tools, form.table-tools *')]
        .map(el => el.getBoundingClientRect().right))""")
    assert right <= VIEWPORT_WIDTH, f"a table control ends at {right}px"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_sort_by_index_with_the_keyboard(lang: str, page_rows: list[Row], http_base: str,
                                         visit: Callable[..., Any]) -> None:
    url = urljoin(http_base, PAGE if lang == "id" else f"en/{PAGE}")
    with visit(url) as v:
        page = v.page
        assert page.evaluate(_VISIBLE_UNITS_JS) == [r["unit_id"] for r in page_rows]
        page.locator("table.ranking thead th[data-num='2'] button").focus()
        page.keyboard.press("Tab")  # from the grade header to the index header
        focused = page.evaluate("document.activeElement.closest('th').getAttribute('data-num')")
        assert focused == "3", "Tab from the grade header does not reach the index header"
        page.keyboard.press("Enter")
        assert page.evaluate(_VISIBLE_UNITS_JS) == _by_index(page_rows, descending=True)
        assert _sorted_headers(page) == {"3": "descending"}
        page.keyboard.press("Space")
        assert page.evaluate(_VISIBLE_UNITS_JS) == _by_index(page_rows, descending=False)
        assert _sorted_headers(page) == {"3": "ascending"}
        assert _status(page, _count_text(lang, PAGE_ROWS, PAGE_ROWS))
        _no_overflow(page)
        assert not v.problems, v.report()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_filter_by_text_province_and_grade_then_reset(lang: str, model: tuple[SiteData, Config],
                                                      page_rows: list[Row], http_base: str,
                                                      visit: Callable[..., Any]) -> None:
    data, config = model
    url = urljoin(http_base, PAGE if lang == "id" else f"en/{PAGE}")
    with visit(url) as v:
        page = v.page
        # Case and accents do not matter.
        page.fill("#filter-text", "KÖTA")
        expected = [r["unit_id"] for r in page_rows if "kota" in _fold(r["name"])]
        assert 0 < len(expected) < PAGE_ROWS
        assert _status(page, _count_text(lang, len(expected), PAGE_ROWS))
        assert page.evaluate(_VISIBLE_UNITS_JS) == expected
        # Province and grade: the most common pair on the page, so the result is not empty.
        (province, grade), _ = Counter((r["province"], r["grade"]) for r in page_rows
                                       if r["province"] and r["grade"]).most_common(1)[0]
        page.fill("#filter-text", "")
        page.select_option("#filter-province", label=data.province_names[province])
        band = config.scheme.band(grade)
        assert band is not None
        page.select_option("#filter-grade", label=f"{grade} · {band.predikat(lang)}")
        expected = [r["unit_id"] for r in page_rows if r["province"] == province and r["grade"] == grade]
        assert _status(page, _count_text(lang, len(expected), PAGE_ROWS))
        assert page.evaluate(_VISIBLE_UNITS_JS) == expected
        _no_overflow(page)
        # Sorted and filtered, the page still passes axe-core.
        page.locator("table.ranking thead th[data-num='3'] button").click()
        page.evaluate(_axe_source())
        violations = page.evaluate(_AXE_JS)
        assert violations == [], "\n".join(violations)
        page.locator("form.table-tools button[type=reset]").focus()
        page.keyboard.press("Enter")
        assert _status(page, _count_text(lang, PAGE_ROWS, PAGE_ROWS))
        assert page.evaluate(_VISIBLE_UNITS_JS) == [r["unit_id"] for r in page_rows]
        assert page.get_attribute("table.ranking thead th[data-num='0']", "aria-sort") == "ascending"
        assert page.input_value("#filter-province") == "" and page.input_value("#filter-grade") == ""
        assert not v.problems, v.report()


def test_a_type_ranking_filters_each_levels_table(http_base: str, site: Path, visit: Callable[..., Any]) -> None:
    path = next(p for p in sorted(site.glob("2024/ranking/type/*/index.html"))
                if p.read_text(encoding="utf-8").count('<table class="ranking') > 1)
    with visit(urljoin(http_base, path.relative_to(site).as_posix())) as v:
        page = v.page
        levels = page.eval_on_selector_all("#filter-level option", "options => options.map(o => o.value)")[1:]
        assert len(levels) >= 2
        page.select_option("#filter-level", levels[0])
        hidden = page.eval_on_selector_all("main section", "s => s.map(section => section.hidden)")
        assert hidden.count(False) == 1, hidden
        shown = len(page.evaluate(_VISIBLE_UNITS_JS))
        total = page.locator("table.ranking tbody tr").count()
        assert _status(page, _count_text("id", shown, total))
        assert not v.problems, v.report()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_without_javascript_the_table_is_complete_and_no_control_is_shown(lang: str, page_rows: list[Row],
                                                                         http_base: str,
                                                                         visit: Callable[..., Any]) -> None:
    url = urljoin(http_base, PAGE if lang == "id" else f"en/{PAGE}")
    with visit(url, javascript=False) as v:
        page = v.page
        assert page.evaluate(_VISIBLE_UNITS_JS) == [r["unit_id"] for r in page_rows]
        assert page.evaluate(_VISIBLE_CONTROLS_JS) == []
        assert page.locator("form.table-tools").is_hidden()
        assert page.locator("button.sort").count() == 0
        # The links work without the script: other years and the CSV.
        assert page.locator("nav.year-switch a").count() >= 1 and page.locator(".csv-link a").is_visible()
        assert not v.problems, v.report()


def test_printed_ranking_is_the_table_alone_with_repeated_headers(http_base: str, visit: Callable[..., Any],
                                                                  tmp_path: Path) -> None:
    with visit(urljoin(http_base, f"en/{PAGE}")) as v:
        page = v.page
        page.emulate_media(media="print")
        styles = page.evaluate("""() => {
          const shown = sel => [...document.querySelectorAll(sel)].some(el => el.getClientRects().length > 0);
          const head = document.querySelector('table.ranking thead');
          return {header: shown('.site-header'), footer: shown('.site-footer'), nav: shown('main nav'),
                  form: shown('form.table-tools'), breadcrumb: shown('.breadcrumb'),
                  thead: getComputedStyle(head).display, sticky: getComputedStyle(head.querySelector('th')).position,
                  rowBreak: getComputedStyle(document.querySelector('table.ranking tbody tr')).breakInside,
                  columns: [...head.querySelectorAll('th')]
                    .filter(th => getComputedStyle(th).display !== 'none').length,
                  font: parseFloat(getComputedStyle(document.querySelector('table.ranking')).fontSize),
                  // Chromium repeats a header row on each sheet but paints no button in the copies.
                  buttons: [...new Set([...head.querySelectorAll('button')].map(b => getComputedStyle(b).display))]};
        }""")
        assert styles == styles | {"header": False, "footer": False, "nav": False, "form": False,
                                   "breadcrumb": False, "thead": "table-header-group", "sticky": "static",
                                   "rowBreak": "avoid", "buttons": ["contents"]}, styles
        assert styles["columns"] == page.locator("table.ranking thead th").count()  # every column on paper
        assert styles["font"] <= 11
        pdf = page.pdf(format="A4", print_background=True)
        assert pdf.startswith(b"%PDF")
        sheets = len(re.findall(rb"/Type\s*/Page\b", pdf))
        assert 2 <= sheets <= 12, f"{PAGE_ROWS} rows printed on {sheets} sheets"
        (tmp_path / "ranking.pdf").write_bytes(pdf)
        assert not v.problems, v.report()


def test_rows_sort_by_numbers_not_locale_text(page_rows: list[Row], site: Path) -> None:
    """The Indonesian page shows 4,51 but its rows carry 4.51: what the sort uses is the model's number."""
    html = (site / PAGE).read_text(encoding="utf-8")
    fields = re.findall(r'<tr data-sort="([^"]*)"', html)
    assert len(fields) == len(page_rows)
    for text, row in zip(fields, page_rows, strict=True):
        index = text.split("|")[3]
        assert (Decimal(index) if index else None) == (round_half_up(row["index"], 2) if row["evaluated"] else None)
