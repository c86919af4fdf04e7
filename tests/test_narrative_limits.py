"""Pathological narrative Markdown: deep nesting is a located error (not a RecursionError), and the cost of
converting any narrative stays roughly linear in its size."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from generator import urls
from generator.config import load_config
from generator.content import Narrative, Page, convert, load_content
from generator.errors import ProblemList
from generator.front_matter import split_front_matter

from scratch_site import TmpSite

LABELS = {"narrative.permalink": "Tautan", "narrative.footnote_back": "kembali"}
SOURCE = "content/pages/tentang.md"


def convert_timed(body: str) -> tuple[float, list[str]]:
    narrative = Narrative(frozenset({"35-dpmptsp"}), urls.SiteUrls("id"), {"id": LABELS})
    page = Page("page", "tentang", "id", "T", "", "", 100, None, "", "", 0, SOURCE, body, 6)
    problems = ProblemList()
    started = time.perf_counter()
    convert(page, "id", narrative, problems)
    return time.perf_counter() - started, [problem.format().splitlines()[0] for problem in problems.items]


@pytest.mark.parametrize(("body", "expected"), [
    ("".join("    " * depth + "- a\n" for depth in range(2000)),
     f"{SOURCE}:56:201: lists, quotes and indents are nested more than 50 levels deep"),
    ("Teks.\n\n" + ">" * 10_000 + " a\n",
     f"{SOURCE}:8:51: lists, quotes and indents are nested more than 50 levels deep"),
    ("> - " * 3000 + "a\n", f"{SOURCE}:6:81: lists, quotes and indents are nested more than 50 levels deep"),
    ("**" * 3000 + "a" + "**" * 3000, f"{SOURCE}:6:1: emphasis ('*' or '_') is nested more than 50 deep"),
    ("*a _b " * 3000 + "c" + "_ d* " * 3000, f"{SOURCE}:6:151: emphasis ('*' or '_') is nested more than 50 deep"),
    ("[" * 3000 + "a" + "](b)" * 3000, f"{SOURCE}:6:51: more than 50 '[' are open at once in one paragraph"),
])
def test_deep_nesting_is_a_located_error(body: str, expected: str) -> None:
    seconds, errors = convert_timed(body)
    assert errors == [expected]
    assert seconds < 10


KB200 = 200_000


@pytest.mark.parametrize("pattern", ["*", "*a ", "[", "![", "[a](", "[a](b) ", "<", "<a ", "</a ", "<!--", "&amp;",
                                     "&#x41;", "`a` ", "<span>", "[^1]", "_a_ ", "# a\n"])
def test_200_kb_of_markup_converts_in_seconds(pattern: str) -> None:
    # Several of these took minutes to hours before the limits (Python-Markdown rescans or copies the text
    # once per opening character); now each is converted or refused with a located error at once.
    seconds, errors = convert_timed(pattern * (KB200 // len(pattern)))
    assert seconds < 20, errors
    assert len(errors) <= 1 and all(error.startswith(f"{SOURCE}:") for error in errors)


def test_a_megabyte_on_one_line_converts_in_seconds() -> None:
    seconds, errors = convert_timed("a" * 1_000_000)
    assert seconds < 20 and errors == []
    seconds, errors = convert_timed("*a* " * 250_000)
    assert seconds < 20
    assert errors == [f"{SOURCE}:6:1: this paragraph holds too much markup to convert quickly"]


def test_cost_grows_linearly_with_many_paragraphs() -> None:
    paragraph = "Teks *miring* dan [tautan](https://example.com/) &amp; `kode` <b>tebal</b>.\n\n"
    small, errors = convert_timed(paragraph * 250)
    large, _ = convert_timed(paragraph * 2000)
    assert errors == []
    # Eight times the text may cost about eight times as much; quadratic work would cost 64 times as much.
    assert large < 8 * 4 * small + 1


def test_nested_front_matter_is_located() -> None:
    problems = ProblemList()
    split_front_matter("---\ntitle: " + "[" * 5000 + "\n---\nTeks.\n", SOURCE, problems)
    split_front_matter("---\n" + "".join(" " * depth + f"k{depth}:\n" for depth in range(0, 3000, 2)) + "---\n",
                        SOURCE, problems)
    assert [p.format().splitlines()[0] for p in problems.items] == [
        f"{SOURCE}:2:58: front matter is nested too deeply to read",
        f"{SOURCE}:53:101: front matter is nested too deeply to read"]


def _time_loading(site: TmpSite, count: int) -> float:
    for number in range(count):
        site.write(f"content/pages/p{number}.md", f"# Halaman {number}\n\nTeks *miring* [tautan](unit:35-dpmptsp).\n")
    config = load_config(site.root)
    labels = {lang: LABELS for lang in config.site.languages}
    problems = ProblemList()
    started = time.perf_counter()
    pages = load_content(config, {"35-dpmptsp"}, set(), frozenset(), labels, problems)
    seconds = time.perf_counter() - started
    assert problems.items == [] and len(pages) == 2 * count
    return seconds


def test_many_files_cost_linear_time(tmp_path: Path) -> None:
    small = TmpSite(tmp_path / "kecil")
    small.config()
    large = TmpSite(tmp_path / "besar")
    large.config()
    per_page_small = _time_loading(small, 100) / 100
    per_page_large = _time_loading(large, 1000) / 1000
    # Ten times the files may cost ten times as much, not a hundred times.
    assert per_page_large < 5 * per_page_small + 0.005
