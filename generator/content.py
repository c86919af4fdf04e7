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
import string
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import markdown
from markdown.extensions.toc import slugify

from . import urls
from .config import Config
from .errors import ProblemList
from .file_names import WINDOWS_HINT, windows_unsafe
from .front_matter import heading_title, split_front_matter
from .narrative_charts import ChartKeys, chart_block_problems, register_chart_blocks
from .narrative_files import find_markdown, foreign_language, page_location, read_markdown
from .narrative_limits import INLINE_WORK_HINT, INLINE_WORK_MESSAGE, InlineWork, check_limits
from .narrative_links import resolve_unit_links
from .narrative_safety import Breach, find_breaches
from .narrative_targets import Source
from .page_kinds import PAGE_KINDS

SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
# The template each kind of narrative page is shown with unless its front matter names one of the theme's own:
# its page kind's (page_kinds.py), for every kind a narrative may accompany.
KIND_TEMPLATES = {name: kind.template for name, kind in PAGE_KINDS.items() if kind.narrated}
YEAR_LIKE = re.compile(r"\d{4}")


@dataclass(frozen=True)
class Narrative:
    """What converting any narrative needs: the known unit ids, where pages live, per-language labels."""

    unit_ids: frozenset[str]
    site_urls: urls.SiteUrls
    labels: Mapping[str, Mapping[str, str]]  # lang -> the theme's messages (narrative.* are used here)
    former_ids: Mapping[str, str] = field(default_factory=dict)  # former id -> the unit's id, for unit: links
    chart_keys: ChartKeys = field(default_factory=ChartKeys)  # what ```chart blocks may name
    # One converter per language, reset before each use: building one costs more than converting most pages.
    converters: dict[str, tuple[markdown.Markdown, InlineWork]] = field(default_factory=dict, compare=False)


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


def _heading_id(value: str, separator: str) -> str:
    # A prefix keeps narrative heading ids apart from the ids the templates use.
    return "h-" + (slugify(value, separator) or "bagian")


def _output_path(site_urls: urls.SiteUrls, kind: str, key: str, lang: str) -> str:
    """The address of the page a narrative accompanies: its key (a year, unit id or slug; "" for home) is the
    one argument of its page kind's address."""
    return PAGE_KINDS[kind].path(site_urls, lang, *((key,) if key else ()))


def load_content(config: Config, unit_ids: set[str], years: set[int], own_templates: frozenset[str],
                 labels: Mapping[str, Mapping[str, str]], problems: ProblemList,
                 former_ids: Mapping[str, str] | None = None,
                 province_codes: frozenset[str] = frozenset()) -> tuple[Page, ...]:
    """Every narrative file under content/, converted; problems are collected, not raised.

    `own_templates` are the theme's own page templates, which a front matter `template` may name besides the
    page kind's built-in one; `labels` holds, per language, the interface strings the conversion writes.
    """
    chart_keys = ChartKeys(frozenset(years), tuple(c.key for c in config.levels),
                           tuple(c.key for c in config.unit_types), province_codes, bool(config.scheme.aspects))
    narrative = Narrative(frozenset(unit_ids), urls.SiteUrls(config.site.languages[0]), labels, former_ids or {},
                          chart_keys)
    others = ", ".join(f"add .{lang} before .md for {lang}" for lang in config.site.languages[1:]) or "one language"
    folder = config.root / "content"
    if not folder.exists() and not folder.is_symlink():
        return ()
    pages = []
    for path in find_markdown(folder, config.root, config.rel, problems):
        relpath = path.relative_to(folder)
        source = config.rel(path)
        where = page_location(relpath, config.site.languages)
        foreign = foreign_language(relpath, config.site.languages)
        if foreign is not None and (where is None or (where[0] == "page" and not SLUG.fullmatch(where[1]))
                                    or (where[0] == "unit" and where[1] not in unit_ids)):
            problems.error(source, 1, 1, *foreign)
            continue
        if where is None:
            problems.error(source, 1, 1, "Rapor does not know where to show this file",
                           "use content/index.md, content/<year>/index.md, content/units/<id>.md or "
                           "content/pages/<slug>.md (" + others + ")")
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
                           "use only lower-case ASCII letters (a-z), digits (0-9) and '-', starting with a letter "
                           "or digit; not a year, a language code or a reserved name like 'unit', 'province' or "
                           "'static'")
            continue
        if kind == "page" and windows_unsafe(key):
            problems.error(source, 1, 1, f"page name '{key}' cannot name a folder on Windows", WINDOWS_HINT)
            continue
        page = _read_page(path, source, kind, key, lang, own_templates, problems)
        if page is not None:
            pages.append(convert(page, lang, narrative, problems))
    return add_fallbacks(tuple(pages), config.site.languages, narrative, problems)


def _read_page(path: Path, source: str, kind: str, key: str, lang: str, own_templates: frozenset[str],
               problems: ProblemList) -> Page | None:
    text = read_markdown(path, source, problems)
    if text is None:
        return None
    meta, body, body_line = split_front_matter(text, source, problems)
    template = _check_template(meta.get("template", ""), kind, own_templates, text, source, problems)
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        heading = heading_title(body)
        title = heading[0] if heading is not None else ""
        if heading is not None and kind == "page":  # the page template writes its title as the <h1>
            body = heading[1]
        title = title or (key if kind == "page" else "")
    order = meta.get("order", 100)
    date = meta.get("date")
    description = meta.get("description", "")
    return Page(kind, key, lang, str(title), description if isinstance(description, str) else "", template,
                order if isinstance(order, int) and not isinstance(order, bool) else 100,
                date if isinstance(date, datetime.date) and not isinstance(date, datetime.datetime) else None,
                "", "", 0, source, body, body_line)


def _check_template(template: object, kind: str, own_templates: frozenset[str], text: str, source: str,
                    problems: ProblemList) -> str:
    """The template a page's front matter names, if it can show that kind of page; "" for the kind's own."""
    builtin = KIND_TEMPLATES[kind]
    if template in ("", builtin):
        return ""
    if isinstance(template, str) and template in own_templates:
        return template
    line, column = _locate(text, "template:")
    choices = ", ".join([builtin, *sorted(own_templates)])
    if isinstance(template, str) and template in KIND_TEMPLATES.values():
        problems.error(source, line, column, f"template '{template}' shows another kind of page",
                       f"use {choices}")
    else:
        problems.error(source, line, column, f"unknown template '{template}'",
                       f"use {choices}; your own templates go in themes/<name>/templates/")
    return ""


def convert(page: Page, lang: str, narrative: Narrative, problems: ProblemList | None = None) -> Page:
    """The page's Markdown as HTML for the page of `lang`, whose links it must be relative to."""
    page_path = _output_path(narrative.site_urls, page.kind, page.key, lang)
    limit = check_limits(page.body)
    if limit is not None:
        if problems is not None:
            problems.error(page.source, page.body_line + limit.line - 1, limit.column, limit.message, limit.hint)
        return replace(page, lang=lang, fallback_from=page.lang if lang != page.lang else "")
    converter, inline_work = _converter(narrative, lang)
    try:
        html = converter.convert(page.body)
    except RecursionError:  # the limits above should prevent it; never let it end the build with a traceback
        if problems is not None:
            problems.error(page.source, page.body_line, 1, "the narrative is nested too deeply to convert",
                           "nest lists, quotes and emphasis less deeply")
        return replace(page, lang=lang, fallback_from=page.lang if lang != page.lang else "")
    html, unknown = resolve_unit_links(html, narrative.unit_ids, page_path, lang, narrative.site_urls,
                                       narrative.former_ids)
    if problems is not None:
        locator = _SourceLocator(page.body)
        for start in inline_work.too_long:
            position = locator.find(start)
            line, column = _position(page.body, position) if position >= 0 else (1, 1)
            problems.error(page.source, page.body_line + line - 1, column, INLINE_WORK_MESSAGE, INLINE_WORK_HINT)
        for chart in chart_block_problems(converter):
            problems.error(page.source, page.body_line + chart.line - 1, chart.column, chart.message, chart.hint)
        for unit_id in dict.fromkeys(unknown):
            # The id as a whole word: 'unit:kl' must not be found inside 'unit:kl-bpom', nor 'unit:' at a good link.
            found = re.search(rf"unit:{re.escape(unit_id)}(?![\w.-])", page.body, re.IGNORECASE)
            line, column = _position(page.body, found.start()) if found else (1, 1)
            message = f"link to unknown unit '{unit_id}'" if unit_id else "a unit: link names no unit"
            problems.error(page.source, page.body_line + line - 1, column, message,
                           "use an id from data/units.csv, e.g. [name](unit:35.07-dpmptsp)")
        report_breaches(page, html, page_path.count("/"), problems)
    toc_tokens = getattr(converter, "toc_tokens", [])
    return replace(page, lang=lang, html=html, toc=str(getattr(converter, "toc", "")),
                   headings=_count_headings(toc_tokens),
                   fallback_from=page.lang if lang != page.lang else "")


def _converter(narrative: Narrative, lang: str) -> tuple[markdown.Markdown, InlineWork]:
    if lang not in narrative.converters:
        labels = narrative.labels[lang]
        converter = markdown.Markdown(
            extensions=["tables", "footnotes", "toc", "attr_list", "sane_lists"],
            extension_configs={"toc": {"slugify": _heading_id, "toc_depth": "2-3", "permalink": "#",
                                       "permalink_class": "anchor",
                                       "permalink_title": labels["narrative.permalink"]},
                               "footnotes": {"BACKLINK_TITLE": labels["narrative.footnote_back"]}},
            output_format="html",
        )
        inline_work = InlineWork(converter)
        converter.treeprocessors.register(inline_work, "rapor_inline_work", 25)  # before 'inline' (20)
        register_chart_blocks(converter, narrative.chart_keys)
        narrative.converters[lang] = (converter, inline_work)
    converter, inline_work = narrative.converters[lang]
    converter.reset()
    inline_work.too_long.clear()
    return converter, inline_work


# Past this many refusals in one file the rest are counted, not located: the author has enough to go on.
MAX_LOCATED_BREACHES = 100


def report_breaches(page: Page, html: str, page_depth: int, problems: ProblemList) -> None:
    """Report narrative HTML outside the allow-list, each refusal at its place in the Markdown."""
    breaches = find_breaches(html, page_depth)
    locator = _SourceLocator(page.body)
    for breach in breaches[:MAX_LOCATED_BREACHES]:
        line, column = locator.locate(breach)
        problems.error(page.source, page.body_line + line - 1, column, breach.message, breach.hint)
    if len(breaches) > MAX_LOCATED_BREACHES:
        problems.error(page.source, page.body_line, 1,
                       f"{len(breaches) - MAX_LOCATED_BREACHES} more parts of this narrative are refused",
                       "fix the ones above and build again")


# What an address or an attribute value follows in Markdown and HTML: a space, a bracket, a quote, '='.
_STARTS_AFTER = frozenset(" \t\n([<\"'=")
_ENDS_BEFORE = frozenset(" \t\n)]>\"'")
_ESCAPABLE = frozenset(string.punctuation)


class _SourceLocator:
    """Finds breaches in the Markdown: the n-th breach written the same way is at that text's n-th occurrence."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.cursor: dict[str, int] = {}  # needle -> where to search next (-1: no further occurrence)
        self.last: dict[str, int] = {}
        self.tag_of_instance: tuple[int, int] = (-1, -1)  # (instance, where its tag was found)

    def find(self, needle: str, start: int = -1, end: int | None = None, whole: bool = False) -> int:
        """Where `needle` is in the source: inside [start, end) when a start is given; else its next occurrence
        not yet returned, preferring (`whole`) one written as a whole address."""
        if not needle:
            return -1
        # Markdown reads a backslash before punctuation as an escape: [a](..\\x) links to '..\x'.
        pattern = re.compile("".join(("\\\\?" if char in _ESCAPABLE else "") + re.escape(char) for char in needle),
                             re.IGNORECASE)
        if start >= 0:  # inside a tag already found
            found = pattern.search(self.source, start, end if end is not None else len(self.source))
            return found.start() if found else -1
        # The same text written in other letter cases is one needle: 'JaVaScRiPt:' after 'javascript:' is the
        # second occurrence, not the first again.
        key = needle.casefold()
        cursor = self.cursor.get(key, 0)
        if cursor < 0:
            at = -1
        elif whole:
            at = self._whole(pattern, cursor)
        else:
            found = pattern.search(self.source, cursor)
            at = found.start() if found else -1
        if at < 0:
            self.cursor[key] = -1
            return self.last.get(key, -1)
        self.cursor[key] = at + 1
        self.last[key] = at
        return at

    def _whole(self, pattern: re.Pattern[str], cursor: int) -> int:
        """Where the needle is next written as a whole address ('/etc/passwd' is not the end of
        '../../etc/passwd', nor '../2019/' the start of '../2019/index.html'); else where it next starts one;
        else where it next occurs at all."""
        starts = first = -1
        for found in pattern.finditer(self.source, cursor):
            at, end = found.start(), found.end()
            if at == 0 or self.source[at - 1] in _STARTS_AFTER:
                if end == len(self.source) or self.source[end] in _ENDS_BEFORE:
                    return at
                starts = at if starts < 0 else starts
            first = at if first < 0 else first
        return starts if starts >= 0 else first

    def locate(self, breach: Breach) -> tuple[int, int]:
        if breach.instance >= 0 and self.tag_of_instance[0] == breach.instance:
            tag = self.tag_of_instance[1]
        else:
            tag = self.find(breach.written)
            self.tag_of_instance = (breach.instance, tag)
        position = -1
        if tag >= 0:
            end = tag + len(breach.written)
            position = next((p for p in (self.find(d, tag, end) for d in breach.details) if p >= 0), tag)
        else:
            for needle in (*breach.details, breach.opening):
                position = self.find(needle, whole=True)
                if position >= 0:
                    break
        return _position(self.source, position) if position >= 0 else (1, 1)


def narrative_sources(pages: Iterable[Page], site_urls: urls.SiteUrls) -> Iterator[Source]:
    """Each narrative page as its links are checked (narrative_targets.py): its source file, its page's path,
    its HTML, its language if it shows another language's text, and where a text is written in its Markdown
    (line and column in the file)."""
    for page in pages:
        def locate(needle: str, _page: Page = page) -> tuple[int, int]:
            position = _SourceLocator(_page.body).find(needle, whole=True)
            line, column = _position(_page.body, position) if position >= 0 else (1, 1)
            return _page.body_line + line - 1, column

        yield (page.source, _output_path(site_urls, page.kind, page.key, page.lang), page.html,
               page.lang if page.fallback_from else "", locate)


def add_fallbacks(pages: tuple[Page, ...], languages: tuple[str, ...], narrative: Narrative,
                  problems: ProblemList | None = None) -> tuple[Page, ...]:
    """For each language lacking a text, another language's text (the default's first) converted for it.

    The text is checked again where it is shown (a relative path that is fine from en/x/ may climb out of the
    site from x/); only what the check finds there and not on the text's own page is reported.
    """
    by_key: dict[tuple[str, str], dict[str, Page]] = {}
    for page in pages:
        by_key.setdefault((page.kind, page.key), {})[page.lang] = page
    known = {(p.path, p.line, p.column, p.message) for p in problems.items} if problems is not None else set()
    extra: list[Page] = []
    for versions in by_key.values():
        source = next(versions[lang] for lang in languages if lang in versions)
        for lang in languages:
            if lang in versions:
                continue
            found = ProblemList() if problems is not None else None
            extra.append(convert(source, lang, narrative, found))
            for problem in found.items if found is not None else ():
                if (problem.path, problem.line, problem.column, problem.message) not in known:
                    assert problems is not None
                    problems.error(problem.path, problem.line, problem.column,
                                   f"{problem.message} (on the {lang} page, which shows this text)", problem.hint)
    return pages + tuple(extra)


def _count_headings(tokens: list[dict[str, Any]]) -> int:
    return sum(1 + _count_headings(t.get("children", [])) for t in tokens)


def _locate(text: str, needle: str) -> tuple[int, int]:
    position = text.find(needle)
    return _position(text, position) if position >= 0 else (1, 1)


def _position(text: str, position: int) -> tuple[int, int]:
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    return line, column
