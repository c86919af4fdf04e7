"""axe-core finds no WCAG 2.1 A/AA violation, nor a best-practice one (every landmark named apart, all
content inside landmarks, ...), on one page of every kind in both languages, nor on a few pages drawn from
the whole site (``checked_pages`` in conftest.py says which, and how to draw others).

axe-core comes from the ``axe-playwright-python`` package, which ships ``axe.min.js``; nothing
is downloaded at test time. ``node_modules/axe-core/axe.min.js`` at the repository root is
accepted too. Without either the tests FAIL.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO_ROOT = Path(__file__).resolve().parents[2]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

_RUN_AXE_JS = """async (tags) => {
  const results = await axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations'],
  });
  return {
    version: axe.version,
    violations: results.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
      nodes: v.nodes.map(n => ({target: n.target, html: n.html, summary: n.failureSummary})),
    })),
  };
}"""


@pytest.fixture(scope="session")
def axe_source() -> str:
    candidates: list[Path] = []
    spec = importlib.util.find_spec("axe_playwright_python")
    if spec is not None and spec.origin is not None:
        candidates.append(Path(spec.origin).parent / "axe.min.js")
    candidates.append(REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js")
    for path in candidates:
        if path.is_file():
            return path.read_text(encoding="utf-8")
    pytest.fail(
        "axe-core (axe.min.js) not found; looked in: "
        + ", ".join(str(p) for p in candidates)
        + ". It comes with the `axe-playwright-python` package of the test extra: pip install -e '.[test]'"
    )


def _format(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"][:8]:
            lines.append(f"    at {json.dumps(node['target'])}: {node['html'][:200]}")
            for s in (node.get("summary") or "").splitlines():
                lines.append(f"        {s}")
        if len(v["nodes"]) > 8:
            lines.append(f"    ... and {len(v['nodes']) - 8} more elements")
    return "\n".join(lines)


def test_no_axe_violations(
    checked_page: str,
    checked_pages: dict[str, str],
    http_base: str,
    visit: Callable[..., Any],
    axe_source: str,
) -> None:
    url = urljoin(http_base, checked_pages[checked_page])
    with visit(url) as v:
        v.page.evaluate(axe_source)
        result = v.page.evaluate(_RUN_AXE_JS, WCAG_TAGS)
    assert result["version"], "axe-core did not load"
    violations = result["violations"]
    if violations:
        pytest.fail(
            f"axe-core {result['version']}: {len(violations)} WCAG 2.1 A/AA violation(s) on {url}:\n"
            + _format(violations),
            pytrace=False,
        )
