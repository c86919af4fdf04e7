"""What narrative may not do: run a script, or make the reader's browser load anything from elsewhere. Pure.

Narrative is written by the publishing team, but the site promises readers that it runs no script, works the
same with JavaScript off and makes no request to another host. The converted HTML is parsed (so character
references and every attribute are seen as a browser sees them) and each breach is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

FORBIDDEN_TAGS = frozenset({"script", "noscript", "iframe", "frame", "frameset", "object", "embed", "applet",
                            "link", "style", "base", "form", "meta", "template"})
# Attributes whose URL the browser fetches by itself (href too, on anything but a link the reader follows).
LOADING_ATTRIBUTES = frozenset({"src", "poster", "data", "background", "lowsrc", "dynsrc", "action",
                                "formaction", "ping", "longdesc", "xlink:href", "codebase", "manifest"})
FOLLOWED_LINKS = frozenset({"a", "area"})
SCRIPT_SCHEMES = ("javascript:", "vbscript:")
# CSS that fetches a file; a backslash is refused too, since CSS escapes can spell any of these.
STYLE_LOADS = re.compile(r"url\s*\(|image-set|image\s*\(|cross-fade|element\s*\(|@import|expression\s*\(|\\",
                         re.IGNORECASE)

TAG_HINT = ("narrative is text, tables, images and links: the site runs no script and loads nothing from "
            "elsewhere; put files in the theme's static/ folder")
LOAD_HINT = ("readers' browsers must load nothing from other sites; copy the file into the theme's static/ "
             "folder and link to it relatively, or link to it with [text](address) instead")


@dataclass(frozen=True)
class Breach:
    message: str
    hint: str
    written: str  # the tag as written in the HTML ("" if unknown), to find it in the Markdown source
    detail: str  # the text inside it to point at ("" for the tag itself)
    opening: str  # "<tag", the last resort when Markdown wrote the tag itself

    def offset(self, source: str) -> int:
        """Where in `source` the breach is, or -1."""
        lowered = source.lower()
        tag = lowered.find(self.written.lower()) if self.written else -1
        if tag >= 0:
            inside = lowered.find(self.detail.lower(), tag) if self.detail else -1
            return inside if inside >= 0 else tag
        for needle in (self.detail, self.opening):
            found = lowered.find(needle.lower()) if needle else -1
            if found >= 0:
                return found
        return -1


def _scheme_free(value: str) -> str:
    # Browsers ignore whitespace and control characters inside a URL's scheme ("java\tscript:").
    return re.sub(r"[\x00-\x20]", "", value).lower()


def loads_from_elsewhere(url: str) -> bool:
    """True for an address the browser would fetch from another host or from the server's root."""
    plain = _scheme_free(url)
    if not plain or plain.startswith("data:") or plain.startswith("#"):
        return False
    return bool(re.match(r"[a-z][a-z0-9+.-]*:", plain)) or plain.startswith(("/", "\\"))


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.breaches: list[Breach] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check(tag, attrs)

    def handle_comment(self, data: str) -> None:
        # Python's parser and browsers end odd comments differently ("<!-->" is already closed for a browser), so
        # a comment that holds markup could hide a tag from this check.
        if data.startswith((">", "->")) or "<" in data:
            self.breaches.append(Breach("an HTML comment that holds markup is not allowed in narrative", TAG_HINT,
                                        "<!--" + data, "", "<!--"))

    def _check(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # Where the tag stands in the source: its text as written, else its name (Markdown may have made it).
        written = self.get_starttag_text() or ""
        opening = f"<{tag}"
        if tag in FORBIDDEN_TAGS:
            self.breaches.append(Breach(f"<{tag}> is not allowed in narrative", TAG_HINT, written, "", opening))
        for name, raw in attrs:
            value = raw or ""
            if name.startswith("on"):
                self.breaches.append(Breach(f"the '{name}' attribute runs a script; it is not allowed in narrative",
                                            TAG_HINT, written, f"{name}=", opening))
            elif name == "style" and STYLE_LOADS.search(value):
                self.breaches.append(Breach("a style that loads a file is not allowed in narrative", LOAD_HINT,
                                            written, "style=", opening))
            elif name == "href" and _scheme_free(value).startswith(SCRIPT_SCHEMES):
                self.breaches.append(Breach("a link that runs a script is not allowed in narrative", TAG_HINT,
                                            written, value, opening))
            elif name == "srcset":
                for candidate in value.split(","):
                    url = candidate.strip().split(" ")[0]
                    self._loads(url, written, opening)
            elif name in LOADING_ATTRIBUTES or (name == "href" and tag not in FOLLOWED_LINKS):
                self._loads(value, written, opening)

    def _loads(self, url: str, written: str, opening: str) -> None:
        if loads_from_elsewhere(url):
            self.breaches.append(Breach(f"narrative loads '{url}' from outside the site", LOAD_HINT,
                                        written, url, opening))


def find_breaches(html: str) -> list[Breach]:
    """Every way the converted narrative `html` would run a script or load something from elsewhere."""
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner.breaches
