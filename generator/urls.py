"""Where every page lives in the output folder, and relative links between them. Pure.

Links point at files (`unit/35.07-dpmptsp/index.html`, not `unit/35.07-dpmptsp/`) so the site also works
opened from disk; they are relative so it works under any sub-path.
"""

from __future__ import annotations

import posixpath

DEFAULT_LANGUAGE = "id"


def prefix(lang: str, default: str = DEFAULT_LANGUAGE) -> str:
    return "" if lang == default else f"{lang}/"


def home(lang: str) -> str:
    return f"{prefix(lang)}index.html"


def year(lang: str, year: int) -> str:
    return f"{prefix(lang)}{year}/index.html"


def ranking(lang: str, year: int, scope: str = "national", key: str = "") -> str:
    if scope == "national":
        return f"{prefix(lang)}{year}/ranking/index.html"
    return f"{prefix(lang)}{year}/ranking/{scope}/{key}/index.html"


def unit(lang: str, unit_id: str) -> str:
    return f"{prefix(lang)}unit/{unit_id}/index.html"


def province(lang: str, code: str) -> str:
    return f"{prefix(lang)}province/{code}/index.html"


def page(lang: str, slug: str) -> str:
    return f"{prefix(lang)}{slug}/index.html"


def not_found(lang: str) -> str:
    return f"{prefix(lang)}404.html"


def download(year: int) -> str:
    """Downloads are the same in every language, so they live once, beside the default language's pages."""
    return f"{year}/rapor-{year}.csv"


def relative(from_page: str, to_path: str) -> str:
    """The link from the page at `from_page` to `to_path`, both relative to the output root."""
    start = posixpath.dirname(from_page) or "."
    return posixpath.relpath(to_path, start)


RESERVED_SLUGS = frozenset({"unit", "province", "static", "en", "id", "404"})
