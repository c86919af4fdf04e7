"""Narrative links and images that lead to no file of the site, named before the site is written.

The read stage refuses what narrative may not link to (narrative_policy.py); which files the site will hold is
known only once the pages are planned, so a relative link to a page, download or static file that the build
does not write ('[Metodologi](../metodologi/index.html)' misspelt, '![foto](../static/foto.png)' never copied
into the theme's static/) is checked here, against the build's own list of outputs. It is a warning (an error
with --strict): a link may point at a file the publisher uploads beside the site.

Links to folders ('../2024/') are taken as that folder's index.html, as a web server serves them. Links into
the search index (pagefind/), to the share previews (share/) and to a unit's badges are not checked: those
files are made later.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable
from html.parser import HTMLParser
from urllib.parse import unquote

from .errors import Problem, Severity, shown
from .narrative_policy import browser_url, scheme_of

HINT = ("correct the path (relative to this page), or add the file: a page of the site, a download, or a file "
        "in the theme's static/ folder")
# Files the build makes after the pages (Pagefind's bundle, the share files), not in the list checked against.
_MADE_LATER = re.compile(r"(?:[a-z]{2,3}/)?(?:pagefind/.+|share/[^/]+|unit/[^/]+/badge[\w-]*\.svg)")


class _Targets(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []  # ("link" or "image", the address as written)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"a": "href", "img": "src"}.get(tag)
        for name, value in attrs:
            if name == wanted and value:
                self.found.append(("link" if tag == "a" else "image", value))


def relative_targets(html: str) -> list[tuple[str, str]]:
    """(what, address) of each link and image of the narrative HTML whose address is a path of this site."""
    parser = _Targets()
    parser.feed(html)
    parser.close()
    return [(what, address) for what, address in parser.found
            if not scheme_of(browser_url(address)) and not address.startswith(("#", "//", "?"))]


def missing_targets(page_path: str, html: str, known: frozenset[str]) -> list[tuple[str, str]]:
    """The links and images of a page at `page_path` (a path in the output) that lead to no file in `known`."""
    missing = []
    folder = posixpath.dirname(page_path)
    for what, address in relative_targets(html):
        path = unquote(re.split(r"[?#]", browser_url(address), maxsplit=1)[0].replace("\\", "/"))
        if not path:
            continue  # a link to this page's own query or fragment
        target = posixpath.normpath(posixpath.join(folder, path))
        if path.endswith("/") or target == ".":
            target = posixpath.join("" if target == "." else target, "index.html")
        if target in known or _MADE_LATER.fullmatch(target):
            continue
        missing.append((what, address))
    return missing


Source = tuple[str, str, str, str, Callable[[str], tuple[int, int]]]


def dead_link_problems(pages: Iterable[Source], known: frozenset[str], strict: bool) -> list[Problem]:
    """A problem for each narrative link that leads nowhere, for pages given as (source, page path, HTML, the
    language of the page when it shows another language's text, where a text is written in the source); an
    address is named once per source file, on the first page it fails on."""
    problems: dict[tuple[str, str], Problem] = {}
    for source, page_path, html, shown_on, locate in pages:
        for what, address in missing_targets(page_path, html, known):
            if (source, address) in problems:
                continue
            line, column = locate(address)
            on = f" (on the {shown_on} page, which shows this text)" if shown_on else ""
            problems[(source, address)] = Problem(
                source, line, column, f"the {what} '{shown(address)}' leads to no file of the site{on}", HINT,
                Severity.ERROR if strict else Severity.WARNING)
    return sorted(problems.values(), key=Problem.sort_key)
