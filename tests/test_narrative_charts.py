"""```chart blocks in narrative: the same figure as the built-in pages where the author puts it, and every
mistake a located error with a hint, reported with the narrative's other problems."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from generator.narrative_charts import ChartKeys, ChartRequest, read_block

from scratch_site import TmpSite

BLOCK = "---\ntitle: Tahun 2023\n---\n\nSebelum.\n\n```chart\n{params}\n```\n\nSesudah.\n"


def test_a_chart_block_shows_the_built_in_figure_inside_the_narrative(tmp_site: TmpSite) -> None:
    tmp_site.write("content/2023/index.md", BLOCK.format(params="kind: grade-distribution\nyear: 2023"))
    tmp_site.write("content/pages/metodologi.md",
                   "---\ntitle: Metodologi\n---\n\n```chart\nkind: national-trend\nprovince: 35\n```\n\n"
                   "```chart\nkind: index-distribution\nlevel: provinsi\n```\n")
    result = tmp_site.build()
    assert result.exit_code == 0, result.output
    out = tmp_site.root / "output"
    page = BeautifulSoup((out / "2023/index.html").read_text(encoding="utf-8"), "lxml")
    narrative = page.select_one(".narrative")
    assert narrative is not None
    paragraphs = [p.get_text() for p in narrative.find_all("p", recursive=False)]
    assert paragraphs == ["Sebelum.", "Sesudah."]
    inside = narrative.select_one("figure#fig-narrative-chart-1")
    built_in = page.select_one("figure#fig-grade-distribution")
    assert inside is not None and built_in is not None
    # The same figure as the year overview's: title, summary, table and picture (but for its ids).
    for part in (".chart-summary", "figcaption strong", "table"):
        assert str(inside.select_one(part)) == str(built_in.select_one(part))
    assert str(inside.select_one("svg")).replace("narrative-chart-1-", "") == str(
        built_in.select_one("svg")).replace("grade-distribution-", "")
    assert "\x02" not in str(page) and "rapor-chart" not in str(page)
    # A content page with charts loads the chart scripts; its figures are numbered in order.
    other = BeautifulSoup((out / "metodologi/index.html").read_text(encoding="utf-8"), "lxml")
    assert [f["id"] for f in other.select("figure.chart")] == ["fig-narrative-chart-1", "fig-narrative-chart-2"]
    assert other.select_one("#fig-narrative-chart-1 figcaption strong").get_text() == (  # type: ignore[union-attr]
        "Rata-rata indeks per tahun, 2022–2023 — Jawa Timur")
    assert [(s["src"], s["data-bundle"]) for s in other.select("script[src]")] == [
        ("../static/charts.js", "../static/vendor/vega-embed.js")]
    # The English page shows the Indonesian text (no translation): its charts are in the text's language.
    english = BeautifulSoup((out / "en/metodologi/index.html").read_text(encoding="utf-8"), "lxml")
    assert english.select_one(".narrative")["lang"] == "id"  # type: ignore[index]
    caption = english.select_one("#fig-narrative-chart-2 figcaption strong")
    assert caption is not None and caption.get_text() == "Sebaran indeks dan pita predikat, 2023 — Provinsi"


@pytest.mark.parametrize(("params", "location", "message", "hint"), [
    ("kind: pie", "8:7", "unknown chart kind 'pie'",
     "kinds: aspect-averages, grade-distribution, index-distribution, national-trend"),
    ("kind: pie\u202e", "8:7", "unknown chart kind 'pie\\u202e'",
     "kinds: aspect-averages, grade-distribution, index-distribution, national-trend"),
    ("kind: grade-distributon", "8:7", "unknown chart kind 'grade-distributon'",
     "did you mean 'grade-distribution'?; kinds: aspect-averages, grade-distribution, index-distribution, "
     "national-trend"),
    ("year: 2023", "7:1", "the chart block names no kind",
     "add a line such as kind: grade-distribution (kinds: aspect-averages, grade-distribution, "
     "index-distribution, national-trend)"),
    ("kind: national-trend\ncolour: red", "9:1", "unknown chart parameter 'colour' for national-trend",
     "national-trend takes: year, level, type, province"),
    ("kind: grade-distribution\nyear: 2019", "9:7", "year '2019' has no results", "years with results: 2022, 2023"),
    ("kind: grade-distribution\nyear: latest", "9:7", "year 'latest' has no results",
     "years with results: 2022, 2023"),
    ("kind: grade-distribution\nlevel: desa", "9:8", "unknown level 'desa'",
     "use a level key from rapor.toml, e.g. kementerian-lembaga"),
    ("kind: grade-distribution\ntype: dpmptps", "9:7", "unknown type 'dpmptps'",
     "did you mean 'dpmptsp'?; use a type key from rapor.toml, e.g. upp-kl"),
    ("kind: index-distribution\nprovince: 99", "9:11", "unknown province '99'",
     "use a province key from data/reference/provinsi.csv, e.g. 11"),
    ("kind: aspect-averages\nlevel: provinsi\nprovince: 35", "10:1",
     "aspect-averages shows one group's averages: give only one of level, type and province", "remove province"),
    ("kind: grade-distribution\nkind: national-trend", "9:1", "chart parameter 'kind' is given twice",
     "give each parameter once"),
    ("kind grade-distribution", "8:1", "chart block line 'kind grade-distribution' is not 'name: value'",
     "write one parameter per line, e.g. year: 2024"),
])
def test_each_mistake_in_a_chart_block_is_located_with_a_hint(tmp_site: TmpSite, params: str, location: str,
                                                               message: str, hint: str) -> None:
    tmp_site.write("content/2023/index.md", BLOCK.format(params=params))
    result = tmp_site.validate()
    assert result.exit_code == 2
    assert result.output.splitlines()[:2] == [f"content/2023/index.md:{location}: {message}", f"  hint: {hint}"]


def test_an_unclosed_block_and_other_narrative_problems_come_out_together(tmp_site: TmpSite) -> None:
    tmp_site.write("content/2023/index.md", "---\ntitle: x\n---\n\n<script>x</script>\n\n```chart\nkind: pie\n")
    tmp_site.write("content/pages/tentang.md", "```chart\nkind: national-trend\nyear: 1999\n```\n")
    result = tmp_site.build()
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if not line.startswith("  hint")]
    assert "content/2023/index.md:7:1: the chart block is not closed" in lines
    assert any(line.startswith("content/2023/index.md:5:1: ") for line in lines)
    assert "content/pages/tentang.md:3:7: year '1999' has no results" in lines
    assert not (tmp_site.root / "output").exists()


def test_fences_that_are_not_chart_blocks_stay_text(tmp_site: TmpSite) -> None:
    tmp_site.write("content/2023/index.md", "Teks `x`.\n\n    ```chart\n    kind: pie\n    ```\n\n- ```chart\n")
    result = tmp_site.build()
    assert result.exit_code == 0, result.output
    page = BeautifulSoup((tmp_site.root / "output/2023/index.html").read_text(encoding="utf-8"), "lxml")
    narrative = page.select_one(".narrative")
    assert narrative is not None and not narrative.select("figure")
    assert "kind: pie" in narrative.get_text()


def test_a_request_survives_its_token_whatever_its_keys_hold() -> None:
    keys = ChartKeys(frozenset({2024}), ("a;b",), ("t%\x03",), frozenset({"3<5"}))
    request, problems = read_block(["kind: grade-distribution", "level: a;b", "type: t%\x03", "province: 3<5"], 2,
                                   keys)
    assert problems == [] and request is not None
    token = request.token()
    assert token.count("\x03") == 1 and "<" not in token and ";b" not in token
    assert ChartRequest.from_token(token[len("\x02rapor-chart:"):-1]) == request
