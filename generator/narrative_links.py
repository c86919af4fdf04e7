"""`unit:` links in converted narrative, resolved to the unit's page wherever they are written. Pure.

Markdown links (inline or reference-style) and raw HTML `<a href="unit:...">` all end up as <a> start tags in
the converted HTML, so the tags are found there, with the same parser the safety check uses, and rewritten.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from html.parser import HTMLParser

from . import urls
from .narrative_policy import browser_url, scheme_of

# Every href whose value could start with "unit:" (its "u" possibly written as a character reference, or after
# the spaces and control characters browsers ignore); a page without one has no unit link to parse for.
_MAYBE_UNIT_LINK = re.compile(r"href[\x00-\x20]*=[\x00-\x20]*[\"']?[\x00-\x20]*(u|&)", re.IGNORECASE)


class _UnitLinkFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        # (line, offset within the line, length of the tag as written, attributes, the unit id, the fragment)
        self.found: list[tuple[int, int, int, list[tuple[str, str | None]], str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "a":
            return
        href = next((value for name, value in attrs if name == "href"), None)
        url = browser_url(href or "")
        if scheme_of(url) != "unit":
            return
        unit_id, _, fragment = url[len("unit:"):].partition("#")
        line, offset = self.getpos()
        self.found.append((line, offset, len(self.get_starttag_text() or ""), attrs, unit_id, fragment))

    handle_startendtag = handle_starttag


def resolve_unit_links(text: str, known: frozenset[str], page_path: str, lang: str,
                       site_urls: urls.SiteUrls, aliases: Mapping[str, str] | None = None) -> tuple[str, list[str]]:
    """`text` with every link to a known unit made relative to `page_path`, and the unknown ids (in order).
    `aliases` maps a unit's former ids to its id: a link written before the unit got its new id goes to its page."""
    aliases = aliases or {}
    if not _MAYBE_UNIT_LINK.search(text):
        return text, []
    finder = _UnitLinkFinder()
    finder.feed(text)
    finder.close()
    if not finder.found:
        return text, []
    line_starts = [0]
    line_starts.extend(found.end() for found in re.finditer("\n", text))
    pieces: list[str] = []
    done = 0
    unknown: list[str] = []
    for line, offset, length, attrs, written_id, fragment in finder.found:
        unit_id = aliases.get(written_id, written_id)
        if unit_id not in known:
            unknown.append(unit_id)
            continue
        start = line_starts[line - 1] + offset
        href = urls.relative(page_path, site_urls.unit(lang, unit_id)) + (f"#{fragment}" if fragment else "")
        written = "".join(f' {name}="{html.escape(href if name == "href" else value or "", quote=True)}"'
                          for name, value in attrs)
        pieces.extend([text[done:start], f"<a{written}>"])
        done = start + length
    pieces.append(text[done:])
    return "".join(pieces), unknown
