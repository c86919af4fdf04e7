"""YAML front matter of a narrative file: read, type-checked and every problem located."""

from __future__ import annotations

import datetime
import html
import re
from typing import Any

import yaml

from .errors import CONTROL_HINT, ProblemList, did_you_mean, has_control, shown
from .narrative_limits import MAX_NESTING

FRONT_MATTER_KEYS: dict[str, type] = {"title": str, "description": str, "template": str, "order": int,
                                      "date": datetime.date}


def split_front_matter(text: str, source: str, problems: ProblemList) -> tuple[dict[str, Any], str, int]:
    """Front matter as a dict, the Markdown body, and the line the body starts on."""
    if not text.startswith("---\n"):
        return {}, text, 1
    end = text.find("\n---\n", 3)
    if end == -1 and text.endswith("\n---"):
        end = len(text) - 4
    if end == -1:
        problems.error(source, 1, 1, "front matter is not closed", "end the front matter with a line '---'")
        return {}, "", 1
    block = text[4:end + 1]
    body_line = block.count("\n") + 3
    deep = _deeply_nested(block)
    if deep is not None:
        problems.error(source, deep[0] + 1, deep[1], "front matter is nested too deeply to read",
                       "write one 'key: value' per line, without nested lists or brackets")
        return {}, text[end + 5:], body_line
    try:
        meta, keys = _load(block, source, problems)
    except ValueError as exc:  # YAML reads 2024-02-30 as a date, or `!!int abc`, and fails outside its own errors
        found = _impossible_date(block)
        if found is not None:
            problems.error(source, found[0] + 1, found[1], f"front matter holds an impossible date ({exc})",
                           "write a real date as YYYY-MM-DD, e.g. date: 2024-12-12")
        else:
            problems.error(source, 2, 1, f"a front matter value cannot be read ({exc})",
                           "write one 'key: value' per line, without YAML tags such as !!int")
        return {}, text[end + 5:], body_line
    except RecursionError:
        problems.error(source, 2, 1, "front matter is nested too deeply to read",
                       "write one 'key: value' per line, without nested lists or brackets")
        return {}, text[end + 5:], body_line
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 2
        column = mark.column + 1 if mark is not None else 1
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        problems.error(source, line, column, f"front matter is not valid YAML: {reason}",
                       "write one 'key: value' per line; quote values containing ':' or '#'")
        return {}, text[end + 5:], body_line
    if not isinstance(meta, dict):
        problems.error(source, 2, 1, "front matter must be 'key: value' lines", "e.g. title: Metodologi")
        return {}, text[end + 5:], body_line
    for key, value in meta.items():
        line = keys.get(str(key), 2)
        expected = FRONT_MATTER_KEYS.get(str(key))
        if expected is None:
            near = did_you_mean(str(key), FRONT_MATTER_KEYS)
            problems.error(source, line, 1, f"unknown front matter key '{key}'",
                           (f"{near} " if near else "") + "use " + ", ".join(FRONT_MATTER_KEYS))
        elif (not isinstance(value, expected) or isinstance(value, bool)
              or (expected is datetime.date and isinstance(value, datetime.datetime))):
            kind = {int: "a whole number", datetime.date: "a date"}.get(expected, "text")
            hint = {datetime.date: "write it as YYYY-MM-DD, e.g. date: 2024-12-12",
                    int: f"write a whole number without quotes, e.g. {key}: 2"}.get(
                        expected, f"write one line of text after the colon, e.g. {key}: Tentang situs ini")
            problems.error(source, line, len(str(key)) + 3, f"front matter '{key}' must be {kind}", hint)
        elif isinstance(value, str) and has_control(value):  # a YAML escape ("\\uD800") makes what no file holds
            problems.error(source, line, len(str(key)) + 3, f"front matter '{key}' holds a control or invisible "
                           f"character: '{shown(value)}'", CONTROL_HINT)
    return meta, text[end + 5:], body_line


def _load(block: str, source: str, problems: ProblemList) -> tuple[Any, dict[str, int]]:
    """The front matter's value, and the file line of each top-level key (its first use). A key given twice is
    reported at its second use: YAML readers would silently keep the last value (or the first, by reader)."""
    loader = yaml.SafeLoader(block)
    try:
        node = loader.get_single_node()
        keys: dict[str, int] = {}
        if isinstance(node, yaml.MappingNode):
            for key_node, _value in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.value == "<<":
                    continue  # a list or mapping as a key fails below; a merge key repeats by design
                line = key_node.start_mark.line + 2
                if key_node.value in keys:
                    problems.error(source, line, key_node.start_mark.column + 1,
                                   f"front matter key '{key_node.value}' is given twice",
                                   f"give each key once; the first is on line {keys[key_node.value]}")
                keys.setdefault(key_node.value, line)
        return (loader.construct_document(node) if node is not None else None) or {}, keys
    finally:
        loader.dispose()


def _deeply_nested(block: str) -> tuple[int, int] | None:
    """Line and column (within the front matter) where brackets or indents nest deeper than YAML can read
    without recursing thousands of times; front matter needs no nesting at all."""
    depth = 0
    for number, line in enumerate(block.split("\n"), start=1):
        if len(line) - len(line.lstrip(" ")) > 2 * MAX_NESTING:
            return number, 2 * MAX_NESTING + 1
        for column, char in enumerate(line, start=1):
            depth += (char in "[{") - (char in "]}")
            if depth > MAX_NESTING:
                return number, column
    return None


def _impossible_date(block: str) -> tuple[int, int] | None:
    """Line and column (within the front matter) of the first date-like value that is no date."""
    for number, line in enumerate(block.split("\n"), start=1):
        found = re.search(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b", line)
        if found:
            try:
                datetime.date(*(int(part) for part in found.groups()))
            except ValueError:
                return number, found.start() + 1
    return None


# An ATX heading of level 1 ('# Title', '# Title #'), as the narrative's Markdown reads it (without fenced code
# blocks, which it does not read either: a '# ' line in one is a heading on the page too).
_HEADING = re.compile(r"#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*")


def heading_title(body: str) -> tuple[str, str] | None:
    """The plain text of the body's first level-1 heading, and the body with that heading's line left blank
    (later lines keep their numbers, for the messages); None if there is no such heading.

    A page without a front matter title is named by that heading; its template writes the name as the page's
    own <h1>, so the heading is not shown a second time. Its markup is dropped from the name: '# Hello *world*
    & co' names the page 'Hello world & co', not its Markdown."""
    lines = body.split("\n")
    for number, line in enumerate(lines):
        found = _HEADING.fullmatch(line)
        if found:
            lines[number] = ""
            return _plain_text(found.group(1)), "\n".join(lines)
    return None


def _plain_text(markdown_text: str) -> str:
    """What a reader sees of a line of Markdown: its text, without markup, entities read."""
    import markdown

    written = markdown.markdown(markdown_text)
    return " ".join(html.unescape(re.sub(r"<[^>]*>", "", written)).split())
