"""Markdown narrative with YAML front matter → Page objects, with every problem located.

Layout of `content/`:
  index.md, index.en.md            the site's introduction (home page)
  <year>/index.md, index.en.md     a year's narrative
  units/<id>.md, <id>.en.md        a unit's narrative
  pages/<slug>.md, <slug>.en.md    free pages (methodology, about) at /<slug>/
Narrative links to units with the `unit:` scheme: [DPMPTSP Kota Surabaya](unit:35.78-dpmptsp).
"""

from __future__ import annotations

import datetime
import re
import xml.etree.ElementTree as etree
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import markdown
import yaml
from markdown.extensions import Extension
from markdown.extensions.toc import slugify
from markdown.treeprocessors import Treeprocessor

from . import urls
from .config import Config
from .errors import ProblemList

FRONT_MATTER_KEYS: dict[str, type] = {"title": str, "description": str, "template": str, "order": int,
                                      "date": datetime.date}
SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
YEAR_LIKE = re.compile(r"\d{4}")
# Interface strings the Markdown conversion itself writes (from the theme's i18n/<lang>.toml).
LABEL_KEYS = ("narrative.footnote_back", "narrative.permalink")
# Narrative may link anywhere, but must not load anything from elsewhere or run code: the site makes no
# external request and works the same with JavaScript off.
_FORBIDDEN_TAG = re.compile(r"<\s*(script|iframe|object|embed|link|style|base|form|meta)\b", re.IGNORECASE)
_LOADED_URL = re.compile(
    r"""\b(?:src|srcset|poster|data|background)\s*=\s*["']?\s*((?:[a-z][a-z0-9+.-]*:|//|/)[^"'\s>]*)""",
    re.IGNORECASE)


@dataclass(frozen=True)
class Page:
    kind: str  # home, year, unit, page
    key: str  # year, unit id or slug; "" for home
    lang: str
    title: str
    description: str
    template: str  # "" for the page kind's own template
    order: int
    date: datetime.date | None
    html: str
    toc: str
    headings: int
    source: str
    body: str  # the Markdown, kept to convert it again for a language that lacks its own version
    body_line: int
    fallback_from: str = ""  # the language this text is written in, when shown on another language's page


class _UnitLinks(Treeprocessor):
    """Rewrites `unit:ID` links to the unit's page, relative to the page the narrative appears on."""

    def __init__(self, md: markdown.Markdown, known: set[str], page_path: str, lang: str) -> None:
        super().__init__(md)
        self.known = known
        self.page_path = page_path
        self.lang = lang
        self.unknown: list[str] = []

    def run(self, root: etree.Element) -> None:
        for link in root.iter("a"):
            href = link.get("href", "")
            if href.startswith("unit:"):
                unit_id = href[len("unit:"):]
                if unit_id in self.known:
                    link.set("href", urls.relative(self.page_path, urls.unit(self.lang, unit_id)))
                else:
                    self.unknown.append(unit_id)


class _UnitLinkExtension(Extension):
    def __init__(self, processor_args: tuple[set[str], str, str]) -> None:
        super().__init__()
        self.processor_args = processor_args
        self.processor: _UnitLinks | None = None

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        self.processor = _UnitLinks(md, *self.processor_args)
        md.treeprocessors.register(self.processor, "rapor_unit_links", 5)


def _heading_id(value: str, separator: str) -> str:
    # A prefix keeps narrative heading ids apart from the ids the templates use.
    return "h-" + (slugify(value, separator) or "bagian")


def _split_front_matter(text: str, source: str, problems: ProblemList) -> tuple[dict[str, Any], str, int]:
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
    try:
        meta = yaml.safe_load(block) or {}
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
    lines = block.split("\n")
    for key, value in meta.items():
        line = next((i + 2 for i, text_line in enumerate(lines) if text_line.startswith(f"{key}:")), 2)
        expected = FRONT_MATTER_KEYS.get(str(key))
        if expected is None:
            problems.error(source, line, 1, f"unknown front matter key '{key}'",
                           "use " + ", ".join(FRONT_MATTER_KEYS))
        elif (not isinstance(value, expected) or isinstance(value, bool)
              or (expected is datetime.date and isinstance(value, datetime.datetime))):
            kind = {int: "a whole number", datetime.date: "a date"}.get(expected, "text")
            hint = "write it as YYYY-MM-DD, e.g. date: 2024-12-12" if expected is datetime.date else ""
            problems.error(source, line, len(str(key)) + 3, f"front matter '{key}' must be {kind}", hint)
    return meta, text[end + 5:], body_line


def _page_location(relpath: Path, languages: tuple[str, ...]) -> tuple[str, str, str] | None:
    """(kind, key, lang) for a content file, or None if the file is not one Rapor places."""
    parts = relpath.parts
    stem = relpath.name[:-3]
    lang = languages[0]
    for other in languages[1:]:
        if stem.endswith(f".{other}"):
            stem, lang = stem[: -len(other) - 1], other
    if len(parts) == 1 and stem == "index":
        return "home", "", lang
    if len(parts) == 2 and re.fullmatch(r"\d{4}", parts[0]) and stem == "index":
        return "year", parts[0], lang
    if len(parts) == 2 and parts[0] == "units":
        return "unit", stem, lang
    if len(parts) == 2 and parts[0] == "pages":
        return "page", stem, lang
    return None


def _output_path(kind: str, key: str, lang: str) -> str:
    return {
        "home": lambda: urls.home(lang),
        "year": lambda: urls.year(lang, int(key)),
        "unit": lambda: urls.unit(lang, key),
        "page": lambda: urls.page(lang, key),
    }[kind]()


def load_content(config: Config, unit_ids: set[str], years: set[int], templates: set[str],
                 labels: Mapping[str, Mapping[str, str]], problems: ProblemList) -> tuple[Page, ...]:
    """Every narrative file under content/, converted; problems are collected, not raised.

    `templates` are the theme's page templates a front matter `template` may name; `labels` holds, per
    language, the interface strings the conversion writes (LABEL_KEYS).
    """
    folder = config.root / "content"
    if not folder.is_dir():
        return ()
    pages = []
    for path in sorted(folder.rglob("*.md")):
        relpath = path.relative_to(folder)
        source = config.rel(path)
        where = _page_location(relpath, config.site.languages)
        if where is None:
            problems.error(source, 1, 1, "Rapor does not know where to show this file",
                           "use content/index.md, content/<year>/index.md, content/units/<id>.md or "
                           "content/pages/<slug>.md (add .en before .md for English)")
            continue
        kind, key, lang = where
        if kind == "year" and int(key) not in years:
            problems.error(source, 1, 1, f"narrative for {key}, but there are no results for {key}",
                           "add data for that year or rename the folder")
            continue
        if kind == "unit" and key not in unit_ids:
            problems.error(source, 1, 1, f"narrative for unit '{key}', which is not in the registry",
                           "name the file after a unit id from data/units.csv")
            continue
        if kind == "page" and (not SLUG.fullmatch(key) or key in urls.RESERVED_SLUGS or YEAR_LIKE.fullmatch(key)
                               or key in config.site.languages):
            problems.error(source, 1, 1, f"page name '{key}' cannot be used",
                           "use lower-case letters, digits and '-'; not a year, a language code or a reserved "
                           "name like 'unit', 'province' or 'static'")
            continue
        page = _read_page(path, source, kind, key, lang, templates, problems)
        if page is not None:
            pages.append(convert(page, lang, unit_ids, labels[lang], problems))
    return add_fallbacks(tuple(pages), config.site.languages, unit_ids, labels)


def _read_page(path: Path, source: str, kind: str, key: str, lang: str, templates: set[str],
               problems: ProblemList) -> Page | None:
    try:
        text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        problems.error(source, 1, 1, f"the file is not UTF-8 text ({exc.reason})", "save it as UTF-8")
        return None
    meta, body, body_line = _split_front_matter(text, source, problems)
    template = meta.get("template", "")
    if not isinstance(template, str) or (template and template not in templates):
        line, column = _locate(text, "template:")
        problems.error(source, line, column, f"unknown template '{template}'",
                       "use one of the theme's templates: " + ", ".join(sorted(templates)))
        template = ""
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        title = _first_heading(body) or (key if kind == "page" else "")
    order = meta.get("order", 100)
    date = meta.get("date")
    description = meta.get("description", "")
    return Page(kind, key, lang, str(title), description if isinstance(description, str) else "", template,
                order if isinstance(order, int) and not isinstance(order, bool) else 100,
                date if isinstance(date, datetime.date) and not isinstance(date, datetime.datetime) else None,
                "", "", 0, source, body, body_line)


def convert(page: Page, lang: str, unit_ids: set[str], labels: Mapping[str, str],
            problems: ProblemList | None = None) -> Page:
    """The page's Markdown as HTML for the page of `lang`, whose links it must be relative to."""
    links = _UnitLinkExtension((unit_ids, _output_path(page.kind, page.key, lang), lang))
    converter = markdown.Markdown(
        extensions=["tables", "footnotes", "toc", "attr_list", "sane_lists", links],
        extension_configs={"toc": {"slugify": _heading_id, "toc_depth": "2-3", "permalink": "#",
                                   "permalink_class": "anchor", "permalink_title": labels["narrative.permalink"]},
                           "footnotes": {"BACKLINK_TITLE": labels["narrative.footnote_back"]}},
        output_format="html",
    )
    html = converter.convert(page.body)
    assert links.processor is not None
    if problems is not None:
        for unit_id in dict.fromkeys(links.processor.unknown):
            line, column = _locate(page.body, f"unit:{unit_id}")
            problems.error(page.source, page.body_line + line - 1, column, f"link to unknown unit '{unit_id}'",
                           "use an id from data/units.csv, e.g. [name](unit:35.07-dpmptsp)")
        check_loaded_content(page, html, problems)
    toc_tokens = getattr(converter, "toc_tokens", [])
    return replace(page, lang=lang, html=html, toc=str(getattr(converter, "toc", "")),
                   headings=_count_headings(toc_tokens),
                   fallback_from=page.lang if lang != page.lang else "")


def check_loaded_content(page: Page, html: str, problems: ProblemList) -> None:
    """Report raw HTML that would run code or load something from another address."""
    for match in _FORBIDDEN_TAG.finditer(html):
        tag = match.group(1).lower()
        line, column = _locate_pattern(page.body, rf"<\s*{tag}\b")
        problems.error(page.source, page.body_line + line - 1, column, f"<{tag}> is not allowed in narrative",
                       "narrative is text, tables and links: the site runs no script and loads nothing from "
                       "elsewhere; put files in the theme's static/ folder")
    for match in _LOADED_URL.finditer(html):
        address = match.group(1)
        if address.lower().startswith("data:"):
            continue
        line, column = _locate(page.body, address)
        problems.error(page.source, page.body_line + line - 1, column,
                       f"narrative loads '{address}' from outside the site",
                       "readers' browsers must load nothing from other sites; copy the file into the theme's "
                       "static/ folder and link to it relatively, or link to it with [text](address) instead")


def add_fallbacks(pages: tuple[Page, ...], languages: tuple[str, ...], unit_ids: set[str],
                  labels: Mapping[str, Mapping[str, str]]) -> tuple[Page, ...]:
    """For each language lacking a text, another language's text (the default's first) converted for it."""
    by_key: dict[tuple[str, str], dict[str, Page]] = {}
    for page in pages:
        by_key.setdefault((page.kind, page.key), {})[page.lang] = page
    extra: list[Page] = []
    for versions in by_key.values():
        source = next(versions[lang] for lang in languages if lang in versions)
        extra.extend(convert(source, lang, unit_ids, labels[lang]) for lang in languages if lang not in versions)
    return pages + tuple(extra)


def _count_headings(tokens: list[dict[str, Any]]) -> int:
    return sum(1 + _count_headings(t.get("children", [])) for t in tokens)


def _first_heading(body: str) -> str:
    found = re.search(r"^#\s+(.+)$", body, flags=re.MULTILINE)
    return found.group(1).strip() if found else ""


def _locate_pattern(text: str, pattern: str) -> tuple[int, int]:
    found = re.search(pattern, text, flags=re.IGNORECASE)
    return _position(text, found.start()) if found else (1, 1)


def _locate(text: str, needle: str) -> tuple[int, int]:
    position = text.find(needle)
    return _position(text, position) if position >= 0 else (1, 1)


def _position(text: str, position: int) -> tuple[int, int]:
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    return line, column
