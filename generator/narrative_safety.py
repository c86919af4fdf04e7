"""Narrative HTML checked against the allow-list of narrative_policy, each refusal located. Pure.

The converted HTML is parsed (so character references and every attribute are seen as a browser sees them) and
each element, attribute and value outside the allow-list is reported. Python's parser and a browser's can
disagree about odd markup, so HTML that passes is parsed a second time by nh3 (html5ever, the parser of a
browser engine) with the same allow-list: if it would remove or add anything, that is refused too.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser

import nh3

from .narrative_policy import (
    ALLOWED_ELEMENTS,
    GLOBAL_ATTRIBUTES,
    LINK_SCHEMES,
    TAG_HINT,
    VOID_ELEMENTS,
    Refusal,
    attribute_hint,
    check_attribute_value,
)

# Deeper than this, a browser's or the sanitizer's parse costs more than any narrative needs.
MAX_ELEMENT_DEPTH = 100
# Elements a browser adds by itself ("</p>" makes a <p>, a table row gets a <tbody>).
ADDED_BY_BROWSERS = frozenset({("p", ()), ("tbody", ()), ("br", ())})
StartTag = tuple[str, tuple[tuple[str, str], ...]]


@dataclass(frozen=True)
class Breach:
    message: str
    hint: str
    written: str  # the tag as written in the HTML ("" if unknown), to find it in the Markdown source
    details: tuple[str, ...]  # text inside it to point at, tried in turn (none: the tag itself)
    opening: str  # "<tag", the last resort when Markdown wrote the tag itself
    instance: int = -1  # which start tag of the HTML it is in (breaches in one tag share it); -1 for none


class _Scanner(HTMLParser):
    def __init__(self, page_depth: int) -> None:
        super().__init__(convert_charrefs=True)
        self.page_depth = page_depth
        self.breaches: list[Breach] = []
        self.start_tags: set[StartTag] = set()
        self.written: dict[StartTag, str] = {}  # each start tag as first written, to find it in the Markdown
        self.text: Counter[str] = Counter()
        self.open: list[str] = []
        self.too_deep = False
        self.tags_seen = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.open.append(tag)
            if len(self.open) > MAX_ELEMENT_DEPTH and not self.too_deep:
                self.too_deep = True
                self._refuse(Refusal(f"HTML elements are nested (or left open) more than {MAX_ELEMENT_DEPTH} deep",
                                     "close each element you open, and nest less deeply"), tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            while self.open.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        self.text.update(data)

    def handle_comment(self, data: str) -> None:
        # Python's parser and browsers end odd comments differently ("<!-->" is already closed for a browser), so
        # a comment that holds markup could hide a tag from this check.
        if data.startswith((">", "->")) or "<" in data or "--!" in data:
            self.breaches.append(Breach("an HTML comment that holds markup is not allowed in narrative", TAG_HINT,
                                        "<!--" + data, (), "<!--"))

    def handle_decl(self, decl: str) -> None:
        self._refuse_markup("<!" + decl)

    def unknown_decl(self, data: str) -> None:
        self._refuse_markup("<![" + data)

    def handle_pi(self, data: str) -> None:
        self._refuse_markup("<?" + data)

    def _refuse_markup(self, written: str) -> None:
        # Browsers read these as comments that end at the first '>', Python's parser does not: refuse them.
        self.breaches.append(Breach(f"'{written[:2]}' markup is not allowed in narrative", TAG_HINT, written, (),
                                    written[:2]))

    def _check(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags_seen += 1
        seen = tuple(sorted((name, value or "") for name, value in attrs))
        self.start_tags.add((tag, seen))
        self.written.setdefault((tag, seen), self.get_starttag_text() or "")
        own = ALLOWED_ELEMENTS.get(tag)
        if own is None:
            self._refuse(Refusal(f"<{tag}> is not allowed in narrative", TAG_HINT), tag)
            return
        names: set[str] = set()
        for name, raw in attrs:
            value = raw or ""
            if name in names:
                self._refuse(Refusal(f"the '{name}' attribute is given twice on <{tag}>", "keep one of them"),
                             tag, f"{name}=")
            names.add(name)
            if name.startswith("on"):
                self._refuse(Refusal(f"the '{name}' attribute runs a script; it is not allowed in narrative",
                                     TAG_HINT), tag, f"{name}=", name)
            elif name not in own and name not in GLOBAL_ATTRIBUTES:
                self._refuse(Refusal(f"the '{name}' attribute is not allowed on <{tag}> in narrative",
                                     attribute_hint(tag)), tag, f"{name}=", name)
            else:
                for refusal in check_attribute_value(tag, name, value, self.page_depth):
                    details = ("style=",) if name == "style" else (refusal.at, value, f"{name}=")
                    self._refuse(refusal, tag, *details)

    def _refuse(self, refusal: Refusal, tag: str, *details: str) -> None:
        self.breaches.append(Breach(refusal.message, refusal.hint, self.get_starttag_text() or "", details,
                                    f"<{tag}", self.tags_seen))


def _scan(html: str, page_depth: int) -> _Scanner:
    scanner = _Scanner(page_depth)
    scanner.feed(html)
    scanner.close()
    return scanner


def find_breaches(html: str, page_depth: int) -> list[Breach]:
    """Everything in the converted narrative `html` outside the allow-list, for a page `page_depth` folders deep."""
    scanner = _scan(html, page_depth)
    if scanner.breaches:
        return scanner.breaches
    return _second_opinion(html, scanner, page_depth)


def _second_opinion(html: str, scanner: _Scanner, page_depth: int) -> list[Breach]:
    """What html5ever, with the same allow-list, would remove from or add to what Python's parser saw."""
    cleaned = nh3.clean(html, tags=set(ALLOWED_ELEMENTS), clean_content_tags=set(),
                        attributes={"*": set(GLOBAL_ATTRIBUTES), **{t: set(a) for t, a in ALLOWED_ELEMENTS.items()}},
                        url_schemes={*LINK_SCHEMES, "unit", "data"}, link_rel=None, strip_comments=True)
    if cleaned == html:
        return []
    browser = _scan(cleaned, page_depth)
    removed = sorted(scanner.start_tags - browser.start_tags)
    added = sorted(browser.start_tags - scanner.start_tags - ADDED_BY_BROWSERS)
    ignored = " \t\n\r\x0c\x00\ufffd"  # spacing, and the NUL browsers replace with U+FFFD
    text_differs = (+Counter({c: n for c, n in scanner.text.items() if c not in ignored})
                    != +Counter({c: n for c, n in browser.text.items() if c not in ignored}))
    breaches = []
    for tag, attrs in removed:
        kept = [t for t in browser.start_tags if t[0] == tag]
        if kept:
            name = next((name for name, value in attrs if not any((name, value) in k[1] for k in kept)), "")
            written = scanner.written.get((tag, attrs), "")
            if "&" in written:
                breaches.append(Breach(f"the '{name}' attribute of <{tag}> holds an '&' that browsers read "
                                       "differently", "write &amp; for each '&' in an attribute value", written,
                                       (f"{name}=",), f"<{tag}"))
            else:
                breaches.append(Breach(f"a browser would not keep the '{name}' attribute of <{tag}> as written",
                                       TAG_HINT, written, (f"{name}=",), f"<{tag}"))
        else:
            breaches.append(Breach(f"a browser would drop or move <{tag}> here", "put it where HTML allows it "
                                   "(e.g. <td> inside a table row)", scanner.written.get((tag, attrs), ""), (),
                                   f"<{tag}"))
    if (added or text_differs) and not breaches:
        breaches.append(Breach("browsers would read this narrative's HTML differently from how Rapor checked it",
                               "write plain, well-formed HTML: close each tag and quote attribute values", "", (),
                               f"<{added[0][0]}" if added else "<"))
    return breaches
