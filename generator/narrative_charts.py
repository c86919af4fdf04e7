"""```chart blocks in narrative: the same figures as the built-in pages, placed where the author writes them.

    ```chart
    kind: grade-distribution
    year: 2024
    province: 35
    ```

The block is read while the Markdown is converted (a preprocessor: every mistake is a located problem,
collected with the narrative's other problems) and left in the HTML as a token that Markdown's input cannot
contain (Python-Markdown removes STX and ETX from the source). After the narrative passed the allow-list
check, `embed_charts` replaces each token with the figure, made by Rapor's code through the theme's `figure`
macro: the figure is never read as the author's HTML.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

from markdown import Markdown
from markdown.preprocessors import Preprocessor

from .chart_kinds import KINDS, ONE_GROUP, Selection
from .errors import did_you_mean

if TYPE_CHECKING:
    from .content import Page

OPENING = re.compile(r"```chart[ \t]*")
CLOSING = re.compile(r"```[ \t]*")
PARAMETER = re.compile(r"([A-Za-z_][\w-]*)[ \t]*:[ \t]*(.*?)[ \t]*")
TOKEN = "\x02rapor-chart:{}\x03"
TOKEN_IN_HTML = re.compile(r"(?:<p>)?\x02rapor-chart:([A-Za-z0-9%._~;-]*)\x03(?:</p>)?")
KIND_LIST = ", ".join(sorted(KINDS))


@dataclass(frozen=True)
class ChartKeys:
    """What a chart block may name: the years with results and the configured levels, types and provinces."""

    years: frozenset[int] = frozenset()
    levels: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    provinces: frozenset[str] = frozenset()
    aspects: bool = True  # whether the scheme has aspects (scheme.aspects may be empty)


@dataclass(frozen=True)
class ChartRequest:
    kind: str
    selection: Selection

    def token(self) -> str:
        s = self.selection
        return TOKEN.format(";".join(quote(str(part), safe="") for part in
                                     (self.kind, s.year, s.level, s.type, s.province)))

    @staticmethod
    def from_token(text: str) -> ChartRequest:
        kind, year, level, kind_of_unit, province = (unquote(part) for part in text.split(";"))
        return ChartRequest(kind, Selection(int(year), level, kind_of_unit, province))


@dataclass(frozen=True)
class BlockProblem:
    line: int  # 1-based, in the Markdown body
    column: int
    message: str
    hint: str


def read_block(lines: list[str], first: int, keys: ChartKeys) -> tuple[ChartRequest | None, list[BlockProblem]]:
    """The request of a block whose parameter lines are `lines` (the first at body line `first`)."""
    problems: list[BlockProblem] = []
    given: dict[str, tuple[str, int, int]] = {}  # name -> value, line, column of the value
    for offset, text in enumerate(lines):
        if not text.strip():
            continue
        line = first + offset
        found = PARAMETER.fullmatch(text)
        if found is None:
            problems.append(BlockProblem(line, 1, f"chart block line '{_short(text.strip())}' is not 'name: value'",
                                         "write one parameter per line, e.g. year: 2024"))
            continue
        name, value = found.group(1), found.group(2)
        if name in given:
            problems.append(BlockProblem(line, 1, f"chart parameter '{name}' is given twice",
                                         "give each parameter once"))
            continue
        given[name] = (value, line, found.start(2) + 1)
    if problems:
        return None, problems
    if "kind" not in given:
        return None, [BlockProblem(first - 1, 1, "the chart block names no kind",
                                   f"add a line such as kind: grade-distribution (kinds: {KIND_LIST})")]
    kind, line, column = given.pop("kind")
    if kind not in KINDS:
        return None, [BlockProblem(line, column, f"unknown chart kind '{_short(kind)}'",
                                   _suggest(kind, KINDS) + f"kinds: {KIND_LIST}")]
    if kind == "aspect-averages" and not keys.aspects:
        return None, [BlockProblem(line, column, "the scheme has no aspects, so there are no aspect averages",
                                   "use another kind, or list the aspects under [[scheme.aspects]] in rapor.toml")]
    for name, (_, line, _column) in given.items():
        if name not in KINDS[kind]:
            problems.append(BlockProblem(line, 1, f"unknown chart parameter '{_short(name)}' for {kind}",
                                         _suggest(name, KINDS[kind]) + f"{kind} takes: " + ", ".join(KINDS[kind])))
    choices = {"level": keys.levels, "type": keys.types, "province": sorted(keys.provinces)}
    for name, known in choices.items():
        if name in given and given[name][0] not in known:
            value, line, column = given[name]
            example = f", e.g. {known[0]}" if known else ""
            where = "data/reference/provinsi.csv" if name == "province" else "rapor.toml"
            problems.append(BlockProblem(line, column, f"unknown {name} '{_short(value)}'",
                                         _suggest(value, known) + f"use a {name} key from {where}{example}"))
    year = max(keys.years, default=0)
    if "year" in given:
        value, line, column = given["year"]
        if not (value.isascii() and value.isdigit() and int(value) in keys.years):
            years = ", ".join(str(y) for y in sorted(keys.years)) or "none"
            problems.append(BlockProblem(line, column, f"year '{_short(value)}' has no results",
                                         f"years with results: {years}"))
        else:
            year = int(value)
    groups = [name for name in ("level", "type", "province") if name in given]
    if kind in ONE_GROUP and len(groups) > 1:
        value, line, column = given[groups[1]]
        problems.append(BlockProblem(line, 1, f"{kind} shows one group's averages: give only one of level, type "
                                              "and province", f"remove {' or '.join(groups[1:])}"))
    if problems:
        return None, problems
    chosen = {name: given[name][0] for name in groups}
    return ChartRequest(kind, Selection(year, **chosen)), []


def _suggest(word: str, choices: Iterable[str]) -> str:
    hint = did_you_mean(word, list(choices))
    return f"{hint}; " if hint else ""


def _short(text: str) -> str:
    """`text` cut to fit in a message; its control characters are escaped when the message is printed."""
    return text if len(text) <= 60 else text[:57] + "..."


class ChartBlocks(Preprocessor):
    """Replaces each ```chart block with its token (or, when it has a mistake, with nothing) and keeps the
    mistakes for content.convert to report. Only blocks that start at the beginning of a line are read: a
    fence in an indented code block or a list stays text."""

    def __init__(self, md: Markdown, keys: ChartKeys) -> None:
        super().__init__(md)
        self.keys = keys
        self.problems: list[BlockProblem] = []

    def run(self, lines: list[str]) -> list[str]:
        self.problems.clear()
        out: list[str] = []
        index = 0
        while index < len(lines):
            if not OPENING.fullmatch(lines[index]):
                out.append(lines[index])
                index += 1
                continue
            end = next((i for i in range(index + 1, len(lines)) if CLOSING.fullmatch(lines[i])), None)
            if end is None:
                self.problems.append(BlockProblem(index + 1, 1, "the chart block is not closed",
                                                  "end it with a line of three backticks: ```"))
                return out
            request, problems = read_block(lines[index + 1:end], index + 2, self.keys)
            self.problems.extend(problems)
            out.extend(["", request.token() if request is not None else "", ""])
            index = end + 1
        return out


def register_chart_blocks(converter: Markdown, keys: ChartKeys) -> None:
    # After whitespace is normalized (30, which also removes STX and ETX from the author's text).
    converter.preprocessors.register(ChartBlocks(converter, keys), "rapor_charts", 27)


def chart_block_problems(converter: Markdown) -> list[BlockProblem]:
    blocks = converter.preprocessors["rapor_charts"]
    return list(blocks.problems) if isinstance(blocks, ChartBlocks) else []


def has_charts(html: str) -> bool:
    return "\x02rapor-chart:" in html


def embed_charts(pages: tuple[Page, ...], figure_html: Callable[[ChartRequest, str, str], str]) -> tuple[Page, ...]:
    """Pages with each chart token replaced by `figure_html(request, lang, key)`: the figure in the language
    the text is written in, keyed narrative-chart-<n> (unique on its page)."""
    embedded = []
    for page in pages:
        if not has_charts(page.html):
            embedded.append(page)
            continue
        lang = page.fallback_from or page.lang
        counter = itertools.count(1)

        def figure(found: re.Match[str], lang: str = lang, counter: itertools.count[int] = counter) -> str:
            return figure_html(ChartRequest.from_token(found.group(1)), lang, f"narrative-chart-{next(counter)}")

        embedded.append(replace(page, html=TOKEN_IN_HTML.sub(figure, page.html)))
    return tuple(embedded)
