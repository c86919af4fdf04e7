"""Cite, share, embed in the browser: the blocks open, copy buttons copy and say so, badges load, and axe-core
finds no violation with the blocks open; without JavaScript the blocks are there with their text and no button."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
PAGES = {"unit-id": "unit/35.07-dpmptsp/index.html", "unit-en": "en/unit/35.07-dpmptsp/index.html",
         "year-id": "2024/index.html", "ranking-en": "en/2024/ranking/index.html"}
COPIED = {"id": "Teks disalin.", "en": "Text copied."}


def axe_script() -> str:
    spec = importlib.util.find_spec("axe_playwright_python")
    assert spec is not None and spec.origin is not None, "axe-playwright-python (test extra) is not installed"
    return (Path(spec.origin).parent / "axe.min.js").read_text(encoding="utf-8")


@pytest.mark.parametrize("case", sorted(PAGES))
def test_share_blocks_copy_and_pass_axe_when_open(case: str, site: Path, http_base: str,
                                                  visit: Callable[..., Any]) -> None:
    url = urljoin(http_base, PAGES[case])
    lang = "en" if PAGES[case].startswith("en/") else "id"
    with visit(url) as v:
        page = v.page
        page.context.grant_permissions(["clipboard-read", "clipboard-write"])
        blocks = page.locator("details.share-block")
        expected_blocks = 2 if case.startswith("unit") else 1
        assert blocks.count() == expected_blocks
        for i in range(expected_blocks):
            blocks.nth(i).locator("summary").click()
        buttons = page.locator("details.share-block button.copy")
        assert buttons.count() == (5 if case.startswith("unit") else 3)
        first = page.locator("details.cite button.copy").first
        first.focus()
        page.keyboard.press("Enter")
        status = page.locator("details.cite [role=status]")
        status.wait_for(state="attached")
        page.wait_for_function("() => document.querySelector('details.cite [role=status]').textContent !== ''")
        assert status.text_content() == COPIED[lang]
        copied = page.evaluate("() => navigator.clipboard.readText()")
        assert copied == page.locator("details.cite pre").first.text_content()
        assert copied.endswith("/" + PAGES[case].removesuffix("index.html"))
        if case.startswith("unit"):
            # The pictures load lazily, once their block is open.
            page.wait_for_function("() => Array.from(document.querySelectorAll('details.badge-embed img'))"
                                   ".every(i => i.complete && i.naturalWidth > 0)")
            widths = page.eval_on_selector_all("details.badge-embed img", "imgs => imgs.map(i => i.naturalWidth)")
            assert widths == [400, 400]
        page.evaluate(axe_script())
        result = page.evaluate("""async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags},
            resultTypes: ['violations']})).violations.map(v => ({id: v.id, nodes: v.nodes.map(n => n.html)}))""",
                               WCAG_TAGS)
        assert result == [], json.dumps(result, indent=1)
        assert not v.problems, v.report()


def test_without_javascript_the_text_is_there_and_no_button(site: Path, http_base: str,
                                                            visit: Callable[..., Any]) -> None:
    with visit(urljoin(http_base, PAGES["unit-id"]), javascript=False) as v:
        page = v.page
        assert page.locator("details.share-block button").count() == 0
        page.locator("details.cite summary").click()
        bibtex = page.locator("details.cite pre").nth(1).inner_text()
        assert bibtex.startswith("@misc{") and "https://rapor.example.id/rapor/unit/35.07-dpmptsp/" in bibtex
        assert not v.problems, v.report()
