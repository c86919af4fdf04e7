"""A page's citation in three formats: plain text, BibTeX and CSL-JSON. Pure.

Each format escapes in its own way: BibTeX gets its special characters as commands whose braces are always
balanced (a bare `{` in a unit name would end the field early), CSL-JSON is JSON (the page escapes it as HTML
text), plain text is left as it is. Nothing here reads a clock: a citation holds the publication date from
rapor.toml, never the build's, so two builds are byte-identical.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}", "&": r"\&", "%": r"\%",
    "$": r"\$", "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}
_BIBTEX_TABLE = str.maketrans(_BIBTEX_SPECIAL)
_JSON = json.JSONEncoder(ensure_ascii=False)  # made once: json.dumps with options builds one per call
_URL_SAFE = "".join(chr(c) for c in range(33, 127) if chr(c) not in "{}\\")
_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9_.:-]+")


def bibtex_text(text: str) -> str:
    """`text` for a braced BibTeX field: special characters as commands, white space as single spaces."""
    return " ".join(text.split()).translate(_BIBTEX_TABLE)


def bibtex_url(url: str) -> str:
    """An address for the url field, which is read verbatim: only a brace or backslash could break it, and
    base_url holds neither; they are percent-encoded in any case."""
    return quote(url, safe=_URL_SAFE)


def bibtex_key(*parts: str) -> str:
    """A citation key from `parts`: letters, digits and `_ . : -` only."""
    return ":".join(part for part in (_KEY_UNSAFE.sub("-", p).strip("-") for p in parts) if part)


def page_address(base_url: str, path: str) -> str:
    """The page's public address as the sitemap lists it (a folder's index.html as the folder); "" without
    a base_url."""
    if not base_url:
        return ""
    location = path[: -len("index.html")] if path.endswith("index.html") else path
    return base_url.rstrip("/") + "/" + location


@dataclass(frozen=True)
class CitedWork:
    """What a citation names, in the page's language; `author` is the publisher, or the site if none is set."""

    key: str
    title: str
    author: str
    site: str
    program: str
    year: int
    published: datetime.date | None
    published_text: str  # the date as the page's language writes it, or ""
    url: str  # the canonical address, or "" when site.base_url is not set
    language: str  # BCP 47, e.g. id-ID


@dataclass(frozen=True)
class Citation:
    text: str
    bibtex: str
    csl_json: str
    url: str  # the page's address in it, "" without site.base_url


def plain_text(work: CitedWork, published_label: str) -> str:
    """Author (year). Title. Program. Site. Published <date>. <url>"""
    year = work.published.year if work.published else work.year
    parts = [f"{work.author} ({year}).", _sentence(work.title), _sentence(work.program)]
    if work.site != work.author:
        parts.append(_sentence(work.site))
    if work.published_text:
        parts.append(_sentence(f"{published_label} {work.published_text}"))
    if work.url:
        parts.append(work.url)
    return " ".join(part for part in parts if part)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text.endswith((".", "!", "?")) else text + "."


def bibtex(work: CitedWork, published_label: str) -> str:
    year = work.published.year if work.published else work.year
    fields = [("author", "{" + bibtex_text(work.author) + "}"),  # braced twice: a name, not a first-last pair
              ("title", "{" + bibtex_text(work.title) + "}"),  # braced twice: its capitals are kept
              ("howpublished", bibtex_text(work.site)),
              ("publisher", bibtex_text(work.author)),
              ("year", str(year))]
    if work.published:
        fields.append(("date", work.published.isoformat()))
    note = work.program + (f". {published_label} {work.published_text}" if work.published_text else "")
    fields.append(("note", bibtex_text(note)))
    if work.url:
        fields.append(("url", bibtex_url(work.url)))
    fields.append(("langid", {"id": "indonesian", "en": "english"}.get(work.language[:2], work.language)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{work.key},\n{body}\n}}"


def csl_json(work: CitedWork) -> str:
    """A one-item CSL-JSON list (what Zotero and citeproc read); the page escapes it as HTML text."""
    issued = ([work.published.year, work.published.month, work.published.day] if work.published
              else [work.year])
    item: dict[str, Any] = {
        "id": work.key,
        "type": "dataset",
        "title": work.title,
        "author": [{"literal": work.author}],
        "publisher": work.author,
        "container-title": work.site,
        "collection-title": work.program,
        "issued": {"date-parts": [issued]},
        "language": work.language,
    }
    if work.url:
        item["URL"] = work.url
    # One field a line, each value on its line (json.dumps' indent would spread the date over seven).
    fields = ",\n".join(f"    {_JSON.encode(name)}: {_JSON.encode(value)}" for name, value in item.items())
    return f"[\n  {{\n{fields}\n  }}\n]"


def citation(work: CitedWork, published_label: str) -> Citation:
    return Citation(plain_text(work, published_label), bibtex(work, published_label), csl_json(work), work.url)
