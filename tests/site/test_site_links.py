"""Every link and resource reference in the built site resolves, offline and under any sub-path.

The whole output is walked once (lxml, a few seconds for thousands of pages); the tests below
check different rules on what that walk collected (once per test run: under pytest-xdist the
workers share it, ``computed_once`` in conftest.py).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import lxml.etree
import lxml.html
import pytest

pytestmark = pytest.mark.slow

# Attributes whose value is a URL (srcset and meta refresh are handled separately).
URL_ATTRS = ("href", "src", "poster", "action", "formaction", "xlink:href")
# Schemes that are not files of the site and are not checked here.
SKIP_SCHEMES = ("http:", "https:", "mailto:", "tel:", "data:")
# <link rel=...> values that name a page rather than load a resource into this one:
# these may point at another site (e.g. an absolute canonical URL).
NAVIGATIONAL_RELS = {
    "alternate",
    "author",
    "bookmark",
    "canonical",
    "external",
    "help",
    "license",
    "me",
    "next",
    "nofollow",
    "noopener",
    "noreferrer",
    "prev",
}
CSS_URL_RE = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)""", re.IGNORECASE)
CSS_IMPORT_RE = re.compile(r"""@import\s+(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
META_REFRESH_URL_RE = re.compile(r"url\s*=\s*['\"]?([^'\"]+)", re.IGNORECASE)
EXTERNAL_RE = re.compile(r"^(?:https?:)?//", re.IGNORECASE)
MAX_SHOWN = 60


@dataclass
class Ref:
    page: str  # relative path of the file holding the reference
    where: str  # e.g. '<a href>' or 'CSS url()'
    value: str
    resource: bool  # loaded into the page (src, <link rel=stylesheet>, CSS url) vs. navigated to


@dataclass
class Walk:
    root: Path
    html_files: list[str] = field(default_factory=list)
    css_files: list[str] = field(default_factory=list)
    ids: dict[str, set[str]] = field(default_factory=dict)
    refs: list[Ref] = field(default_factory=list)
    langs: dict[str, str | None] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # things found while parsing


def _css_urls(text: str) -> Iterator[str]:
    for m in CSS_URL_RE.finditer(text):
        yield next(g for g in m.groups() if g is not None)
    for m in CSS_IMPORT_RE.finditer(text):
        yield next(g for g in m.groups() if g is not None)


def _walk_html(walk: Walk, rel: str, data: bytes) -> None:
    try:
        root = lxml.html.document_fromstring(data)
    except (lxml.etree.ParserError, ValueError) as exc:
        walk.problems.append(f"{rel}: cannot be parsed as HTML ({exc})")
        walk.ids[rel] = set()
        return
    walk.langs[rel] = root.get("lang")
    ids: set[str] = set()
    refs = walk.refs
    for el in root.iter():
        tag = el.tag
        if not isinstance(tag, str):  # comments, processing instructions
            continue
        attrib = el.attrib
        if not attrib and tag != "style":
            continue
        if "id" in attrib:
            ids.add(attrib["id"])
        if tag == "a" and "name" in attrib:
            ids.add(attrib["name"])
        if tag == "base":
            walk.problems.append(f"{rel}: has <base>, which breaks the relative links this site relies on")
        for name in URL_ATTRS:
            value = attrib.get(name)
            if value is None:
                continue
            if tag == "link":
                rels = set((attrib.get("rel") or "").lower().split())
                resource = not rels or not rels <= NAVIGATIONAL_RELS
            else:
                resource = name in ("src", "poster")
            refs.append(Ref(rel, f"<{tag} {name}>", value, resource))
        if tag == "object" and "data" in attrib:
            refs.append(Ref(rel, "<object data>", attrib["data"], True))
        for name in ("srcset", "imagesrcset"):
            if name in attrib:
                for candidate in attrib[name].split(","):
                    url = candidate.strip().split(" ")[0]
                    if url:
                        refs.append(Ref(rel, f"<{tag} {name}>", url, True))
        if tag == "meta" and (attrib.get("http-equiv") or "").lower() == "refresh":
            m = META_REFRESH_URL_RE.search(attrib.get("content") or "")
            if m:
                refs.append(Ref(rel, "<meta refresh>", m.group(1).strip(), False))
        if "style" in attrib:
            for url in _css_urls(attrib["style"]):
                refs.append(Ref(rel, "style attribute url()", url, True))
        if tag == "style" and el.text:
            for url in _css_urls(el.text):
                refs.append(Ref(rel, "<style> url()", url, True))
    walk.ids[rel] = ids


@pytest.fixture(scope="session")
def walk(site: Path, computed_once: Callable[[str, Callable[[], Any]], Any]) -> Walk:
    result: Walk = computed_once("site-walk", lambda: _walk_site(site))
    return result


def _walk_site(site: Path) -> Walk:
    w = Walk(root=site)
    for dirpath, _dirnames, filenames in os.walk(site):
        for name in filenames:
            path = Path(dirpath, name)
            rel = path.relative_to(site).as_posix()
            if name.endswith(".html"):
                w.html_files.append(rel)
                _walk_html(w, rel, path.read_bytes())
            elif name.endswith(".css"):
                w.css_files.append(rel)
                for url in _css_urls(path.read_text(encoding="utf-8", errors="replace")):
                    w.refs.append(Ref(rel, "CSS url()", url, True))
    w.html_files.sort()
    assert len(w.html_files) > 1, f"the built site has only {w.html_files}"
    return w


def _fail_list(what: str, items: list[str]) -> None:
    if items:
        shown = "\n".join(items[:MAX_SHOWN])
        more = f"\n... and {len(items) - MAX_SHOWN} more" if len(items) > MAX_SHOWN else ""
        pytest.fail(f"{len(items)} {what}:\n{shown}{more}", pytrace=False)


def _svg_ids(path: Path, cache: dict[Path, set[str]]) -> set[str]:
    if path not in cache:
        try:
            tree = lxml.etree.parse(str(path))
            cache[path] = {v for v in tree.xpath("//@id")}
        except lxml.etree.XMLSyntaxError:
            cache[path] = set()
    return cache[path]


def test_site_parses(walk: Walk) -> None:
    _fail_list("problems while reading the site", walk.problems)


def test_internal_links_and_resources_resolve(walk: Walk) -> None:
    """Every relative href/src (and CSS url()) names an existing file inside the output, and
    every #fragment names an element id on its target page."""
    root = walk.root.resolve()
    html_set = set(walk.html_files)
    svg_cache: dict[Path, set[str]] = {}
    exists_cache: dict[str, str] = {}  # resolved relative path -> "file" | "dir" | "missing"
    # problem -> places it occurs, so that one missing page linked from every page is one line
    broken: dict[str, list[str]] = {}

    def bad(problem: str, ref: Ref, value: str) -> None:
        broken.setdefault(problem, []).append(f"{ref.page} ({ref.where} {value!r})")

    checked = 0
    for ref in walk.refs:
        value = ref.value.strip()
        if not value or value.lower().startswith(SKIP_SCHEMES) or value.startswith("/"):
            continue  # absolute URLs and root-relative paths are other tests' business
        parts = urlsplit(value)
        if parts.scheme:
            bad(f"unexpected URL scheme {parts.scheme!r}", ref, value)
            continue
        checked += 1
        fragment = unquote(parts.fragment)
        if not parts.path:  # '#frag' or '?query' on the same file
            target = ref.page
        else:
            base = os.path.dirname(ref.page)
            target = os.path.normpath(os.path.join(base, unquote(parts.path))).replace(os.sep, "/")
            if target == ".." or target.startswith("../"):
                bad("points outside the site", ref, value)
                continue
            state = exists_cache.get(target)
            if state is None:
                p = root / target
                state = "file" if p.is_file() else "dir" if p.is_dir() else "missing"
                exists_cache[target] = state
            if state == "missing":
                bad(f"{target} does not exist", ref, value)
                continue
            if state == "dir":
                bad(
                    f"{target} is a folder; links must name a file (.../index.html) so the site works from disk",
                    ref,
                    value,
                )
                continue
        if fragment and (parts.path or value.startswith("#")):
            if target in html_set:
                ids = walk.ids.get(target, set())
            elif target.endswith(".svg"):
                ids = _svg_ids(root / target, svg_cache)
            else:
                continue
            if fragment not in ids:
                bad(f"no element with id {fragment!r} in {target}", ref, value)
    assert checked > 0, "no relative link was found anywhere in the site"
    lines = []
    for problem, places in sorted(broken.items()):
        more = f" and {len(places) - 3} more places" if len(places) > 3 else ""
        lines.append(f"{problem}\n    from {'; '.join(places[:3])}{more}")
    _fail_list("broken internal links or resources", lines)


def test_no_root_relative_urls(walk: Walk, base_path: str) -> None:
    """A URL starting with '/' breaks the site under a sub-path and from disk. The one exception is a 404
    page: a server shows it at any depth, so its links start from the configured base path."""
    base = base_path
    bad = [f"{r.page}: {r.where} {r.value!r}" for r in walk.refs if r.value.strip().startswith("/")
           and not (r.page.endswith("404.html") and r.value.strip().startswith(base))]
    _fail_list("root-relative URLs (must be relative to the page)", bad)


def test_404_links_resolve_from_the_base_path(walk: Walk, site: Path, base_path: str) -> None:
    base = base_path
    refs = [r for r in walk.refs if r.page.endswith("404.html") and not r.value.startswith("#")]
    assert refs, "the 404 pages link to nothing"
    bad = []
    for r in refs:
        path = urlsplit(r.value.strip()).path
        if not path.startswith(base) or not (site / unquote(path[len(base):])).is_file():
            bad.append(f"{r.page}: {r.where} {r.value!r} is not a file under {base}")
    _fail_list("404 page links that do not resolve", bad)


def test_no_external_resources(walk: Walk) -> None:
    """Nothing is loaded from another site: no http(s):// (or //host) in src, <link href>
    (other than canonical/alternate-style links) or CSS url()/@import. External <a href> is fine."""
    bad = [f"{r.page}: {r.where} {r.value!r}" for r in walk.refs if r.resource and EXTERNAL_RE.match(r.value.strip())]
    _fail_list("references to resources on other sites", bad)


def test_every_page_has_english_mirror(walk: Walk) -> None:
    pages = set(walk.html_files)
    indonesian = {p for p in pages if not p.startswith("en/")}
    english = {p.removeprefix("en/") for p in pages if p.startswith("en/")}
    assert indonesian, "no Indonesian pages"
    problems = [f"{p}: no English mirror en/{p}" for p in sorted(indonesian - english)]
    problems += [f"en/{p}: no Indonesian original {p}" for p in sorted(english - indonesian)]
    _fail_list("pages without their other-language counterpart", problems)


def test_html_lang_matches_language(walk: Walk) -> None:
    bad = []
    for page, lang in sorted(walk.langs.items()):
        expected = "en" if page.startswith("en/") else "id"
        if lang != expected:
            bad.append(f"{page}: <html lang={lang!r}>, expected {expected!r}")
    _fail_list("pages with the wrong <html lang>", bad)


def test_site_files_present(site: Path) -> None:
    for name in ("index.html", "en/index.html", "404.html", "robots.txt", "sitemap.xml"):
        assert (site / name).is_file(), f"{name} is missing from the built site"
    tree = lxml.etree.parse(str(site / "sitemap.xml"))
    locs = tree.xpath("//*[local-name()='url']/*[local-name()='loc']/text()")
    assert locs, "sitemap.xml lists no <url><loc>"
