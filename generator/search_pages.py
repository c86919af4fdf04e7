"""What Pagefind reads from a page, cut out into a small page of its own: the page's *search page*.

With `data-pagefind-body` marks on a page, Pagefind 1.x (its parser: pagefind/src/fossick/parser.rs) indexes
the text of the marked elements only, and reads besides: the `lang` of `<html>`; the `data-pagefind-filter`,
`-meta`, `-default-meta` and `-sort` attributes wherever they are (inside a mark or not); the first `<h1>` of
the page as the result's title (outside a mark too), else the first `<title>`; the first `<img>` after that
title as the result's image. The search page holds exactly these, in the page's order, so Pagefind finds the
same words, weights, filters, titles and excerpts in it while parsing a small part of the page, and a change
elsewhere on the page (a figure, a chart, a ranking) leaves the search page, hence the index, as it was.

One thing is left out on purpose: the image Pagefind guesses (the first `<img>` after the title) when it lies
outside the marks: Rapor's search shows no result images (static/search.js: showImages false), and on a unit
page that image is the badge, whose alternative text holds the unit's index: keeping it would make every
correction of a figure re-index the site for a value nobody sees. An image inside a mark, or one a theme names
with `data-pagefind-meta="image[src]"`, is kept.

Two quirks of Pagefind's are not followed, as the default theme does not meet them: words written directly in
an element that holds a mark, after the mark and outside any tag, are indexed by Pagefind (templates put
text in elements); and a mark's own `id` is kept as an anchor or not depending on where the other marks are
(a mark with an id is given whole).

The cutter reads tags, not a document tree: it finds every `data-pagefind-*` attribute and `<h1>` outside
comments and raw text (script, style, title, textarea ...), and takes each such element to its matching end
tag, counting nested elements of the same name. Whatever it cannot read for certain (an unknown
`data-pagefind-*` attribute, `data-pagefind-ignore="all"` outside a mark, an element whose end tag is optional,
a malformed tag, marks on `<html>`, `<head>` or `<body>`) makes it return the whole page, which Pagefind reads
exactly as before: slower, never wrong.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

MARK = b"data-pagefind-body"
_PREFIX = b"data-pagefind-"
# The attributes Pagefind reads wherever they are; -weight and -index-attrs matter inside a mark only, and an
# -ignore outside a mark changes nothing unless it is "all" (checked below).
_ANYWHERE = frozenset({b"body", b"filter", b"meta", b"default-meta", b"sort"})
_INSIDE = frozenset({b"weight", b"index-attrs", b"ignore"})
_IGNORE_INDEX_ONLY = frozenset({b"", b"index", b"true"})
_VOID = frozenset({b"area", b"base", b"br", b"col", b"embed", b"hr", b"img", b"input", b"link", b"meta",
                   b"param", b"source", b"track", b"wbr", b"keygen"})
# Elements whose end tag HTML lets a page leave out: where one ends cannot be told by counting tags.
_OPTIONAL_END = frozenset({b"p", b"li", b"dt", b"dd", b"option", b"optgroup", b"rb", b"rt", b"rtc", b"rp", b"tr",
                           b"td", b"th", b"thead", b"tbody", b"tfoot", b"colgroup", b"caption", b"html",
                           b"head", b"body"})
# Comments and the elements whose content is text, not tags (a "<div" inside them is no tag).
_RAW = re.compile(rb"<(?:(!--)|(!|\?)|(script|style|title|textarea|xmp|iframe|noembed|noframes|noscript"
                  rb"|plaintext)(?=[\s/>]))")
_NAME_ENDS = frozenset(bytes([c]) for c in b" \t\n\r\f/>")
_NAME = rb"[a-z][a-z0-9-]*"
_ATTRIBUTE = rb"""([^\s/>"'=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?"""
_START_TAG = re.compile(rb"<(" + _NAME + rb")((?:\s+" + _ATTRIBUTE + rb")*)\s*(?P<slash>/?)>")
_ATTRIBUTES = re.compile(rb"\s+" + _ATTRIBUTE)
_H1 = re.compile(rb"<h1(?=[\s/>])")


class _Uncuttable(Exception):
    """The page cannot be cut for certain: Pagefind gets all of it."""


@dataclass(frozen=True)
class SearchPage:
    """What Pagefind is given for a page: its search page, or the whole page (`whole`) where it cannot be cut."""

    content: bytes
    whole: bool = False


def search_page(html: bytes) -> SearchPage | None:
    """The search page of a rendered page; None when the page marks nothing for search."""
    lower = html.lower()  # tag and attribute names are case-insensitive; ASCII-only lowering keeps positions
    if MARK not in lower:
        return None
    try:
        content = _cut(html, lower)
    except _Uncuttable:
        return SearchPage(html, whole=True)
    return None if content is None else SearchPage(content)


class _Page:
    """A page read as HTML's tokenizer reads comments and raw text, lazily: only as far as a question needs
    (the marks sit near the top of a page, its charts and tables below)."""

    def __init__(self, lower: bytes) -> None:
        self.lower = lower
        self.raw_starts: list[int] = []  # comments and raw-text elements' content, in page order
        self.raw_ends: list[int] = []
        self.title: tuple[int, int] | None = None  # the first <title> element
        self._from = 0  # everything before this position is read

    def _read(self, limit: int) -> None:
        """Reads the comments and raw-text elements that start at or before `limit`."""
        lower = self.lower
        while self._from <= limit:
            # The longest opening is 11 bytes: one that starts by `limit` is found within it.
            found = _RAW.search(lower, self._from, limit + 12)
            if found is None or found.start() > limit:
                self._from = limit + 1
                return
            position = found.start()
            comment, other, name = found.groups()
            if other is not None:
                if not lower.startswith(b"<!doctype", position):
                    raise _Uncuttable  # CDATA, a processing instruction, a bogus comment: parsers differ
                self._from = found.end()
                continue
            if comment is not None:
                start, end = position, lower.find(b"-->", position + 4)
                if end == -1 or lower.startswith((b"<!-->", b"<!--->"), position):
                    raise _Uncuttable  # unclosed, or closed at once (HTML's abrupt ends)
                end += 3
                after = end
            else:
                if name in (b"plaintext", b"noscript"):
                    raise _Uncuttable  # to the end of the page / tags or text depending on scripting
                tag = _START_TAG.match(lower, position)
                if tag is None:
                    raise _Uncuttable
                # Only the content is text: the start tag's attributes are read like any other tag's.
                start, end = tag.end(), lower.find(b"</" + name, tag.end())
                if (end == -1 or lower[end + len(name) + 2:end + len(name) + 3] not in _NAME_ENDS
                        or (name == b"script" and b"<!--" in lower[start:end])):
                    raise _Uncuttable  # unclosed, an end tag that is no end (</titles>), escaped comments
                after = lower.find(b">", end) + 1
                if after == 0:
                    raise _Uncuttable
                if name == b"title" and self.title is None:
                    self.title = (position, after)
            self.raw_starts.append(start)
            self.raw_ends.append(end)
            self._from = after

    def in_raw(self, at: int) -> bool:
        if at >= self._from:
            self._read(at)
        index = bisect.bisect_right(self.raw_starts, at) - 1
        return index >= 0 and at < self.raw_ends[index]

    def first_title(self) -> tuple[int, int] | None:
        while self.title is None and self._from < len(self.lower):
            self._read(self._from + 4096)
        return self.title

    def start_tag(self, at: int) -> re.Match[bytes]:
        tag = _START_TAG.match(self.lower, at)
        if tag is None:
            raise _Uncuttable
        return tag

    def element(self, tag: re.Match[bytes]) -> tuple[int, int]:
        """Where the element that `tag` starts ends: at its matching end tag."""
        name = tag.group(1)
        if name in _VOID:
            return tag.start(), tag.end()
        if name in _OPTIONAL_END or tag.group("slash"):
            raise _Uncuttable  # an implied end, or a self-closing tag read differently in SVG and HTML
        nested = re.compile(rb"<(/?)" + re.escape(name) + rb"(?=[\s/>])")
        depth = 1
        at = tag.end()
        while (found := nested.search(self.lower, at)) is not None:
            at = found.end()
            if self.in_raw(found.start()):
                continue
            depth += -1 if found.group(1) else 1
            if depth == 0:
                end = self.lower.find(b">", at)
                if end == -1:
                    raise _Uncuttable
                return tag.start(), end + 1
        raise _Uncuttable


def _attribute_at(tag: re.Match[bytes], at: int) -> tuple[bytes, bytes | None] | None:
    """The attribute of `tag` whose name starts at `at` (name, value), or None if `at` is inside a value."""
    for attribute in _ATTRIBUTES.finditer(tag.string, tag.start(2), tag.end(2)):
        if attribute.start(1) == at:
            value = attribute.group(2)
            if value is not None and value[:1] in (b'"', b"'"):
                value = value[1:-1]
            return attribute.group(1), value
    return None


def _has_id(tag: re.Match[bytes]) -> bool:
    return any(attribute.group(1) == b"id" for attribute in _ATTRIBUTES.finditer(tag.string, tag.start(2), tag.end(2)))


def _cut(html: bytes, lower: bytes) -> bytes | None:
    page = _Page(lower)
    pieces: list[tuple[int, int]] = []
    marked = False
    covered = 0  # the end of the furthest piece so far: what lies inside is copied with it
    at = 0
    while (at := lower.find(_PREFIX, at)) != -1:
        here, at = at, at + len(_PREFIX)
        if here < covered and (marked or not lower.startswith(MARK, here)):
            continue
        if page.in_raw(here):
            continue  # text of a script or a comment
        opening = lower.rfind(b"<", 0, here)
        if opening == -1:
            continue
        tag = page.start_tag(opening)
        if tag.end() <= here:
            continue  # the words are in the text after a tag
        attribute = _attribute_at(tag, here)
        if attribute is None:
            continue  # the words are inside an attribute's value
        name, value = attribute
        kind = name[len(_PREFIX):]
        if kind in _INSIDE:
            if kind == b"ignore" and (value or b"") not in _IGNORE_INDEX_ONLY:
                pieces.append((-1, -1))  # "all" excludes meta and filters too: resolved below
            continue
        if kind not in _ANYWHERE or tag.group(1) in (b"html", b"head", b"body"):
            raise _Uncuttable
        if kind == b"body" and _has_id(tag):
            raise _Uncuttable  # Pagefind keeps a mark's own anchor or not depending on the marks around it
        marked = marked or kind == b"body"
        pieces.append(page.element(tag))
        covered = max(covered, pieces[-1][1])
    if not marked:
        return None
    if (-1, -1) in pieces:
        pieces = _without_excluded(page, pieces)
    for heading in _H1.finditer(lower):
        if not page.in_raw(heading.start()):
            pieces.append(page.element(page.start_tag(heading.start())))
    return _assemble(html, page, _outermost(pieces))


def _without_excluded(page: _Page, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """`data-pagefind-ignore="all"` outside a mark hides what is inside it from Pagefind: not cut for certain,
    unless every such element lies inside a marked piece (where it is copied as it is)."""
    kept = [piece for piece in pieces if piece != (-1, -1)]
    at = 0
    while (at := page.lower.find(_PREFIX + b"ignore", at)) != -1:
        here, at = at, at + 1
        if page.in_raw(here) or any(start < here < end for start, end in kept):
            continue
        tag = page.start_tag(page.lower.rfind(b"<", 0, here))
        attribute = _attribute_at(tag, here) if tag.end() > here else None
        if attribute is not None and (attribute[1] or b"") not in _IGNORE_INDEX_ONLY:
            raise _Uncuttable
    return kept


def _outermost(pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The pieces in page order, each once: a piece inside another goes with it."""
    result: list[tuple[int, int]] = []
    for start, end in sorted(set(pieces)):
        if result and start < result[-1][1]:
            if end > result[-1][1]:
                raise _Uncuttable  # overlapping elements: the page's tags do not nest
            continue
        result.append((start, end))
    return result


def _assemble(html: bytes, page: _Page, pieces: list[tuple[int, int]]) -> bytes:
    root = re.search(rb"<html(?=[\s/>])", page.lower)
    if root is None or page.in_raw(root.start()):
        raise _Uncuttable  # no <html>: Pagefind tells such a page apart
    lang = b""
    for attribute in _ATTRIBUTES.finditer(html, root.end(), page.start_tag(root.start()).end(2)):
        if attribute.group(1).lower() == b"lang" and attribute.group(2) is not None:
            value = attribute.group(2)
            lang = value[1:-1] if value[:1] in (b'"', b"'") else value
            break
    if any(character in lang for character in b"\"&<>"):
        raise _Uncuttable
    # The first <title>: the result's title where there is no <h1>.
    title = page.first_title()
    head = b"" if title is None else html[title[0]:title[1]] + b"\n"
    body = b"\n".join(html[start:end] for start, end in pieces)
    return (b'<!DOCTYPE html>\n<html lang="' + lang + b'">\n<head>\n<meta charset="utf-8">\n' + head
            + b"</head>\n<body>\n" + body + b"\n</body>\n</html>\n")
