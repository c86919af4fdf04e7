"""Where every page lives in the output folder, and relative links between them. Pure.

The site's first language is served at the root and every other language mirrors it under `<lang>/`.
Links point at files (`unit/35.07-dpmptsp/index.html`, not `unit/35.07-dpmptsp/`) so the site also works
opened from disk; they are relative so it works under any sub-path.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass


@dataclass(frozen=True)
class SiteUrls:
    root_language: str

    def prefix(self, lang: str) -> str:
        return "" if lang == self.root_language else f"{lang}/"

    def home(self, lang: str) -> str:
        return f"{self.prefix(lang)}index.html"

    def year(self, lang: str, year: int) -> str:
        return f"{self.prefix(lang)}{year}/index.html"

    def ranking(self, lang: str, year: int, scope: str = "national", key: str = "", page: int = 1) -> str:
        """A ranking's page `page`: long rankings are split into pages, the first at the ranking's own address."""
        folder = f"{self.prefix(lang)}{year}/ranking/" + ("" if scope == "national" else f"{scope}/{key}/")
        return folder + ("" if page == 1 else f"page-{page}/") + "index.html"

    def unit(self, lang: str, unit_id: str) -> str:
        return f"{self.prefix(lang)}unit/{unit_id}/index.html"

    def province(self, lang: str, code: str) -> str:
        return f"{self.prefix(lang)}province/{code}/index.html"

    def regency(self, lang: str, code: str) -> str:
        """A kabupaten/kota page: every unit there; `code` comes from the reference list (35.07)."""
        return f"{self.prefix(lang)}regency/{code}/index.html"

    def units_az(self, lang: str, level: str, page: int = 1) -> str:
        """The A–Z list of a level's units; a long list is split into pages by initial letters."""
        return f"{self.prefix(lang)}units/{level}/" + ("" if page == 1 else f"page-{page}/") + "index.html"

    def search(self, lang: str) -> str:
        """The search page; without JavaScript it leads to the A–Z lists."""
        return f"{self.prefix(lang)}search/index.html"

    def page(self, lang: str, slug: str) -> str:
        return f"{self.prefix(lang)}{slug}/index.html"

    def not_found(self, lang: str) -> str:
        return f"{self.prefix(lang)}404.html"

    @staticmethod
    def download(year: int) -> str:
        """Downloads are the same in every language, so they live once, beside the root language's pages."""
        return f"{year}/rapor-{year}.csv"


def relative(from_page: str, to_path: str) -> str:
    """The link from the page at `from_page` to `to_path`, both relative to the output root."""
    start = posixpath.dirname(from_page) or "."
    return posixpath.relpath(to_path, start)


# Top-level folders Rapor writes itself; a content page may not take one of these names (nor a year's or a
# language's).
RESERVED_SLUGS = frozenset({"unit", "province", "static", "404", "regency", "units", "search", "pagefind"})
