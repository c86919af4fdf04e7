"""The built site in a real browser (Debian's chromium driven by Playwright) on a phone-sized
360x740 screen: clean console, no failed or foreign requests, no sideways scrolling, nothing cut off
unless it visibly scrolls in a labelled region, content without JavaScript, and working links when
opened straight from disk; and no built page over 150 KB."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

VIEWPORT_WIDTH = 360
MAX_PAGE_BYTES = 150 * 1024

# Everything wider than its box must be in a sideways scroller that a reader can see and reach: a region
# with a name (role=region and aria-label), focusable so keyboards can scroll it (tabindex=0), scrolling
# (overflow-x auto or scroll, not hidden) and showing that it does (its edge shadows are background
# gradients). Visually hidden text (1 px boxes) is not content that is cut off.
_CUT_OFF_JS = """() => {
  const problems = [];
  for (const el of document.querySelectorAll('body *')) {
    const style = getComputedStyle(el);
    if (style.overflowX === 'visible' || el.clientWidth <= 1) continue;
    if (el.scrollWidth <= el.clientWidth + 1) continue;
    const missing = [];
    if (!['auto', 'scroll'].includes(style.overflowX))
      missing.push('does not scroll (overflow-x: ' + style.overflowX + ')');
    if (el.getAttribute('role') !== 'region' || !(el.getAttribute('aria-label') || '').trim())
      missing.push('no labelled region');
    if (el.tabIndex < 0) missing.push('not focusable');
    if (!style.backgroundImage.includes('gradient')) missing.push('no visible scroll cue');
    if (missing.length) {
      let name = el.tagName.toLowerCase();
      if (typeof el.className === 'string' && el.className.trim())
        name += '.' + el.className.trim().split(/\\s+/).join('.');
      problems.push(name + ' hides ' + (el.scrollWidth - el.clientWidth) + 'px: ' + missing.join(', '));
    }
  }
  return problems;
}"""

_OVERFLOW_JS = """() => {
  const root = document.documentElement;
  const width = root.clientWidth;
  const offenders = [];
  if (root.scrollWidth > width) {
    const sticksOut = (el) => el.getBoundingClientRect().right > width + 0.5;
    // Is el inside a scroller that clips it? An absolutely positioned element escapes every
    // scroller between itself and its containing block (its offsetParent).
    const clipped = (el) => {
      const position = getComputedStyle(el).position;
      if (position === 'fixed') return false;
      const start = position === 'absolute' ? el.offsetParent : el.parentElement;
      for (let a = start; a && a !== document.body && a !== root; a = a.parentElement) {
        if (getComputedStyle(a).overflowX !== 'visible') return true;
      }
      return false;
    };
    const culprit = (el) => el.getBoundingClientRect().width > 0 && sticksOut(el) && !clipped(el);
    // Report only the outermost such elements.
    for (const el of document.querySelectorAll('body *')) {
      if (!culprit(el)) continue;
      const parent = el.parentElement;
      if (parent && parent !== document.body && culprit(parent)) continue;
      let name = el.tagName.toLowerCase();
      if (el.id) name += '#' + el.id;
      if (typeof el.className === 'string' && el.className.trim())
        name += '.' + el.className.trim().split(/\\s+/).join('.');
      offenders.push(name + ' (right edge at ' + Math.round(el.getBoundingClientRect().right) + 'px)');
      if (offenders.length >= 10) break;
    }
  }
  return {scrollWidth: root.scrollWidth, offenders: offenders};
}"""

# The first visible link inside <main> that leads to another page of the site.
_PICK_LINK_JS = """() => {
  for (const a of document.querySelectorAll('main a[href]')) {
    const href = a.getAttribute('href');
    if (!href || href.startsWith('#') || /^[a-z][a-z0-9+.-]*:/i.test(href)) continue;
    const r = a.getBoundingClientRect();
    const style = getComputedStyle(a);
    if (r.width > 0 && r.height > 0 && style.visibility !== 'hidden') {
      a.setAttribute('data-test-follow', '1');
      return href;
    }
  }
  return null;
}"""


_PLACEHOLDER_CUT_JS = """input => {
  const style = getComputedStyle(input);
  const context = document.createElement('canvas').getContext('2d');
  context.font = `${style.fontSize} ${style.fontFamily}`;
  const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return context.measureText(input.placeholder).width > room;
}"""


def test_page_in_browser(
    page_case: tuple[str, str],
    sample_pages: dict[tuple[str, str], str],
    http_base: str,
    visit: Callable[..., Any],
) -> None:
    """No console error/warning, page error, failed request or request to another host, nothing wider
    than the 360px screen, and nothing cut off unless it visibly scrolls inside a labelled region."""
    url = urljoin(http_base, sample_pages[page_case])
    with visit(url) as v:
        result = v.page.evaluate(_OVERFLOW_JS)
        failures = list(v.problems) + [f"cut off: {problem}" for problem in v.page.evaluate(_CUT_OFF_JS)]
        # The header's search box shows its placeholder whole (a long one read "Nama unit, kabupa").
        box = v.page.locator("#site-search-q")
        if box.count() and box.evaluate(_PLACEHOLDER_CUT_JS):
            failures.append(f"cut off: the search box's placeholder {box.get_attribute('placeholder')!r}")
        if result["scrollWidth"] > VIEWPORT_WIDTH:
            failures.append(
                f"horizontal overflow: document is {result['scrollWidth']}px wide on a "
                f"{VIEWPORT_WIDTH}px screen; sticking out: " + ", ".join(result["offenders"])
            )
    if failures:
        pytest.fail(f"{url}:\n  " + "\n  ".join(failures), pytrace=False)


def test_main_content_without_javascript(
    site: Path,
    page_case: tuple[str, str],
    sample_pages: dict[tuple[str, str], str],
    http_base: str,
    visit: Callable[..., Any],
) -> None:
    """With JavaScript off the page still has its content in <main>; a former id's page still takes the
    reader to the unit's page."""
    url = urljoin(http_base, sample_pages[page_case])
    with visit(url, javascript=False) as v:
        if page_case[0] == "redirect":
            built = (site / sample_pages[page_case]).read_text(encoding="utf-8")
            target = re.search(r'<link rel="canonical" href="([^"]+)">', built)
            assert target, f"{url}: no canonical link to the unit's page"
            v.page.wait_for_url(urljoin(url, target.group(1)))
            v.page.wait_for_load_state("load")
        mains = v.page.locator("main")
        assert mains.count() == 1, f"{url}: expected exactly one <main>, found {mains.count()}"
        text = mains.inner_text().strip()
        assert text, f"{url}: <main> is empty with JavaScript disabled"
        if v.problems:
            pytest.fail(v.report(), pytrace=False)


def _open_from_disk(visit: Callable[..., Any], path: Path) -> tuple[str, list[str], str, str]:
    """Open ``path`` as file://, click the first visible internal link in <main>, and return
    (expected target URL, problems on both pages, target's title, target's <main> text)."""
    with visit(path.resolve().as_uri()) as v:
        href = v.page.evaluate(_PICK_LINK_JS)
        assert href, f"{v.url}: no visible link inside <main> to follow"
        expected = urljoin(v.page.url, href).split("#")[0]
        v.page.click("main a[data-test-follow]")
        v.page.wait_for_url(lambda u: u.split("#")[0] == expected)
        v.page.wait_for_load_state("load")
        title = v.page.title()
        main = v.page.locator("main")
        text = main.first.inner_text().strip() if main.count() else ""
        return expected, list(v.problems), title, text


def test_follow_link_from_disk(site: Path, visit: Callable[..., Any]) -> None:
    """index.html opened via file:// works, and clicking a link loads the linked page."""
    expected, problems, title, text = _open_from_disk(visit, site / "index.html")
    target = Path(urlsplit(expected).path)
    assert target.is_file(), f"the followed link leads to {expected}, which is not a file"
    assert title.strip(), f"{expected}: the page opened by the click has no <title>"
    assert text, f"{expected}: the page opened by the click has no content in <main>"
    if problems:
        pytest.fail("errors while browsing from disk:\n  " + "\n  ".join(problems), pytrace=False)


@pytest.mark.parametrize("kind", ["unit", "ranking"])
def test_page_works_from_disk(
    kind: str, site: Path, sample_pages: dict[tuple[str, str], str], visit: Callable[..., Any]
) -> None:
    """Pages with charts and tables opened via file:// load everything they need."""
    path = site / sample_pages[(kind, "id")]
    with visit(path.resolve().as_uri()) as v:
        assert v.page.locator("main").count() == 1, f"{v.url}: no <main>"
        if v.problems:
            pytest.fail(v.report(), pytrace=False)


@pytest.mark.parametrize("kind", ["ranking", "ranking-type", "ranking-province"])
@pytest.mark.parametrize("lang", ["id", "en"])
def test_ranking_shows_rank_to_index_on_a_phone_without_sideways_scrolling(
    kind: str, lang: str, sample_pages: dict[tuple[str, str], str], http_base: str, visit: Callable[..., Any]
) -> None:
    """At 360 px the ranking table shows rank, movement, unit, grade and index, nothing scrolls sideways, and
    its header row stays on screen while the reader scrolls down the table."""
    url = urljoin(http_base, sample_pages[(kind, lang)])
    with visit(url) as v:
        shown = v.page.evaluate("""() => {
            const table = document.querySelector('table.ranking');
            const heads = [...table.querySelectorAll('thead th')]
                .filter(th => getComputedStyle(th).display !== 'none');
            const rows = table.querySelectorAll('tbody tr');
            rows[rows.length - 1].scrollIntoView();
            return {table: table.getBoundingClientRect().right,
                    heads: heads.map(th => th.textContent.trim()),
                    right: Math.max(...heads.map(th => th.getBoundingClientRect().right)),
                    unit: heads[2].getBoundingClientRect().width,
                    headTop: heads[0].getBoundingClientRect().top,
                    tableTop: table.getBoundingClientRect().top};
        }""")
    assert shown["table"] <= VIEWPORT_WIDTH, f"{url}: the ranking table ends at {shown['table']} px"
    assert len(shown["heads"]) == 5, f"{url}: columns shown on a phone: {shown['heads']}"
    assert shown["right"] <= VIEWPORT_WIDTH, f"{url}: the last column ends at {shown['right']} px"
    # The names keep room: a returning unit's "since 2022, its last evaluation" no longer widens the movement
    # column of every row (104 px were left to the names, five lines for "Mal Pelayanan Publik Kabupaten ...").
    assert shown["unit"] >= 120, f"{url}: the unit column is {shown['unit']} px wide"
    assert shown["tableTop"] < 0, f"{url}: the table is too short to test its sticky header"
    assert shown["headTop"] == 0, f"{url}: scrolled to the last row, the header row is at {shown['headTop']} px"


def test_no_page_is_over_150_kb(site: Path) -> None:
    """Long rankings are split into pages, so no page is too heavy for a phone on a slow connection."""
    sizes = {path.relative_to(site).as_posix(): path.stat().st_size for path in site.rglob("*.html")}
    heavy = sorted((size, path) for path, size in sizes.items() if size > MAX_PAGE_BYTES)
    assert not heavy, f"{len(heavy)} pages over {MAX_PAGE_BYTES} bytes, the largest: {heavy[-3:]}"
    assert len(sizes) > 1000, "the sample site was expected to have its long rankings and every unit"


def test_national_ranking_links_every_level_and_type_ranking(
    site: Path, sample_pages: dict[tuple[str, str], str]
) -> None:
    """The national ranking's first page (where the navigation's "Ranking" leads) links the year's ranking
    of every level and every unit type, and all of its own pages."""
    import posixpath

    from bs4 import BeautifulSoup

    for lang in ("id", "en"):
        path = sample_pages[("ranking", lang)]
        page = BeautifulSoup((site / path).read_text(encoding="utf-8"), "lxml")
        folder = posixpath.dirname(path)
        linked = {posixpath.normpath(posixpath.join(folder, str(a["href"]).split("#")[0])) for a in page.select("a")}
        for scope in ("level", "type"):
            expected = {p.relative_to(site).as_posix() for p in (site / folder / scope).glob("*/index.html")}
            assert expected and expected <= linked, (lang, scope, sorted(expected - linked))
        pages = {p.relative_to(site).as_posix() for p in (site / folder).glob("page-*/index.html")}
        assert pages and pages <= linked, (lang, sorted(pages - linked))


def test_english_footer_has_no_indonesian(site: Path, sample_pages: dict[tuple[str, str], str]) -> None:
    """An English page's footer holds English words and names only: nothing of the Indonesian footer that is
    not also in the English one (the sample's publisher is a name, the same in both)."""
    from bs4 import BeautifulSoup

    def footer_words(path: str) -> set[str]:
        page = BeautifulSoup((site / path).read_text(encoding="utf-8"), "lxml")
        footer = page.select_one("footer")
        assert footer is not None, path
        return set(re.findall(r"[^\W\d_]+", footer.get_text(" ").casefold()))

    for kind in ("home", "unit", "404"):
        indonesian, english = footer_words(sample_pages[(kind, "id")]), footer_words(sample_pages[(kind, "en")])
        shared = indonesian & english
        # "Data" (the data page) and "A"/"Z" (the A–Z lists) are the same word in both languages.
        assert shared <= {"rapor", "javascript", "data", "a", "z"}, (kind, sorted(shared))
