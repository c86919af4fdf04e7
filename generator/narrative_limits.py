"""Limits that keep converting any narrative cheap: refused before (or while) Python-Markdown reads it. Pure.

Python-Markdown recurses once per level of nested lists, quotes and emphasis (thousands of levels end in a
RecursionError), scans to the end of the text from every '[' or '(' it cannot close, re-reads a tag from every
'<' that never ends (Python's HTML parser), and copies a paragraph's text once per inline match. Each limit
below turns one of these into a located error, so the cost of any narrative stays linear in its size.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass

import markdown
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

MAX_NESTING = 50
# An unclosed '<' costs Python's HTML parser a scan to the next '>': the scans together may read this much.
MAX_TAG_SCANS = 4_000_000
# A paragraph's (or list item's, or table cell's) inline work grows with its length times its markup.
MAX_INLINE_WORK = 4_000_000
INLINE_MARKUP = frozenset("*_[]()<>&`\\!")
# The table of contents makes each heading's id unique by trying name_1, name_2, ... in turn, so the cost of
# many headings with one name grows with their square.
MAX_HEADINGS = 500
_HEADING = re.compile(r" {0,3}(#{1,6}(?=[ \t]|$)|=+[ \t]*$|-+[ \t]*$)")


@dataclass(frozen=True)
class Limit:
    line: int  # within the Markdown body, from 1
    column: int
    message: str
    hint: str


_ORDERED_MARKER = re.compile(r"\d{1,9}[.)](?=[ \t])")


def _block_depth(line: str) -> tuple[int, int]:
    """How many quotes, list markers and 4-column indents open this line, and the column where they first go
    beyond MAX_NESTING (else the column of the text after them)."""
    depth = width = index = 0
    while index < len(line):
        char = line[index]
        if char == " ":
            width += 1
        elif char == "\t":
            width += 4 - width % 4
        elif char == ">" or (char in "-+*" and line[index + 1:index + 2] in (" ", "\t")):
            depth += 1
        elif char.isdigit() and (marker := _ORDERED_MARKER.match(line, index)) is not None:
            depth += 1
            index = marker.end() - 1
        else:
            break
        if depth + width // 4 > MAX_NESTING:
            return depth + width // 4, index + 1
        index += 1
    return depth + width // 4, index + 1


def _is_space(char: str) -> bool:
    return char == "" or char.isspace()


def _is_punctuation(char: str) -> bool:
    return not char.isalnum() and not _is_space(char)


def _inline_depth(paragraph: list[tuple[int, str]]) -> Limit | None:
    """The first place a paragraph has more than MAX_NESTING brackets, parentheses or emphasis open at once."""
    brackets = parentheses = emphasis = 0
    for number, line in paragraph:
        index, length = 0, len(line)
        while index < length:
            char = line[index]
            if char == "\\":
                index += 2
                continue
            if char in "*_":
                end = index
                while end < length and line[end] == char:
                    end += 1
                before = line[index - 1] if index else ""
                after = line[end] if end < length else ""
                opens = not _is_space(after) and (_is_space(before) or _is_punctuation(before))
                closes = not _is_space(before) and (_is_space(after) or _is_punctuation(after))
                if opens and not closes:
                    emphasis += end - index
                elif closes and not opens:
                    emphasis = max(0, emphasis - (end - index))
                if emphasis > MAX_NESTING:
                    return Limit(number, index + 1, f"emphasis ('*' or '_') is nested more than {MAX_NESTING} deep",
                                 "close each * or _ you open; write \\* or \\_ for the character itself")
                index = end
                continue
            if char == "[":
                brackets += 1
            elif char == "]":
                brackets = max(0, brackets - 1)
            elif char == "(":
                parentheses += 1
            elif char == ")":
                parentheses = max(0, parentheses - 1)
            if brackets > MAX_NESTING or parentheses > MAX_NESTING:
                return Limit(number, index + 1, f"more than {MAX_NESTING} '{char}' are open at once in one paragraph",
                             f"close each '{char}' you open (write \\{char} for the character itself), or split the "
                             "paragraph with a blank line")
            index += 1
    return None


def _tag_scans(body: str) -> Limit | None:
    """Refuses text whose unclosed '<' would make Python's HTML parser re-read it again and again."""
    total, worst, worst_at = 0, 0, -1
    next_close = -1
    for found in re.finditer(r"<[A-Za-z/!?]", body):
        start = found.start()
        if next_close < start:
            closing = "-->" if body.startswith("<!--", start) else ">"
            next_close = body.find(closing, start + 1)
            if next_close < 0:
                next_close = len(body)
        distance = next_close - start
        total += distance
        if distance > worst:
            worst, worst_at = distance, start
    if total <= MAX_TAG_SCANS:
        return None
    line = body.count("\n", 0, worst_at) + 1
    column = worst_at - (body.rfind("\n", 0, worst_at) + 1) + 1
    return Limit(line, column, "this '<' starts an HTML tag that is not closed, and many more follow",
                 "write &lt; (or \\<) for the character itself, and end every HTML tag with '>'")


def check_limits(body: str) -> Limit | None:
    """The first limit the Markdown `body` goes beyond, or None. Linear in the size of `body`."""
    paragraph: list[tuple[int, str]] = []
    headings = 0
    for number, line in enumerate(body.split("\n"), start=1):
        if _HEADING.match(line):
            headings += 1
            if headings > MAX_HEADINGS:
                return Limit(number, 1, f"a page may have at most {MAX_HEADINGS} headings",
                             "split the text into several pages under content/pages/")
        depth, column = _block_depth(line)
        if depth > MAX_NESTING:
            return Limit(number, min(column, len(line) + 1),
                         f"lists, quotes and indents are nested more than {MAX_NESTING} levels deep",
                         f"nest at most {MAX_NESTING} levels; start deeply indented text at the left margin")
        if line.strip():
            paragraph.append((number, line))
            continue
        found = _inline_depth(paragraph)
        if found is not None:
            return found
        paragraph = []
    return _inline_depth(paragraph) or _tag_scans(body)


class InlineWork(Treeprocessor):
    """Before inline parsing: refuses (and empties) any text whose inline work would grow beyond the limit."""

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(md)
        self.too_long: list[str] = []  # the start of each refused text, to find it in the Markdown

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            text = element.text
            if text and not isinstance(text, AtomicString) and self._work(text) > MAX_INLINE_WORK:
                self.too_long.append(text[:40])
                element.text = ""

    @staticmethod
    def _work(text: str) -> int:
        if len(text) * len(text) <= MAX_INLINE_WORK:
            return 0
        return len(text) * sum(text.count(char) for char in INLINE_MARKUP)


INLINE_WORK_MESSAGE = "this paragraph holds too much markup to convert quickly"
INLINE_WORK_HINT = "split it into shorter paragraphs with blank lines"
