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

    def provinces(self, lang: str, year: int) -> str:
        """The year's province league table and map."""
        return f"{self.prefix(lang)}{year}/provinces/index.html"

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

    def errata(self, lang: str, year: int | None = None) -> str:
        """The corrections published after the results: all of them, or one year's."""
        return f"{self.prefix(lang)}{year}/errata/index.html" if year else f"{self.prefix(lang)}errata/index.html"

    def errata_feed(self, lang: str) -> str:
        return f"{self.prefix(lang)}errata/feed.xml"

    def not_found(self, lang: str) -> str:
        return f"{self.prefix(lang)}404.html"

    def badge(self, lang: str, unit_id: str, dark: bool = False) -> str:
        """A unit's embeddable badge (badges.py), beside its page: light, or dark for dark backgrounds."""
        return f"{self.prefix(lang)}unit/{unit_id}/badge{'-dark' if dark else ''}.svg"

    def preview(self, lang: str, year: int | None = None) -> str:
        """The link-preview picture (previews.py) of the whole site, or of one year's pages."""
        return f"{self.prefix(lang)}share/preview{'' if year is None else f'-{year}'}.png"

    @staticmethod
    def download(year: int) -> str:
        """Downloads are the same in every language, so they live once, beside the root language's pages."""
        return f"{year}/rapor-{year}.csv"

    # The other downloads (download.py), all language-neutral too; `kind` is csv, json or excel (the
    # spreadsheet variant: ';', decimal comma, UTF-8 BOM, Indonesian headers).
    @staticmethod
    def year_download(year: int, kind: str) -> str:
        return SiteUrls.download(year) if kind == "csv" else f"{year}/rapor-{year}{DOWNLOAD_SUFFIX[kind]}"

    @staticmethod
    def dataset_download(kind: str) -> str:
        """The whole dataset: every year in one file."""
        return f"data/rapor{DOWNLOAD_SUFFIX[kind]}"

    @staticmethod
    def unit_download(unit_id: str, kind: str) -> str:
        """A unit's history, beside its page (csv or json)."""
        return f"unit/{unit_id}/rapor-{unit_id}{DOWNLOAD_SUFFIX[kind]}"

    @staticmethod
    def datapackage() -> str:
        """The Frictionless Data Package describing the downloads: at the root, so every path in it is below it."""
        return "datapackage.json"

    def data_dictionary(self, lang: str) -> str:
        """The data page: every download and every column."""
        return f"{self.prefix(lang)}data/index.html"


DOWNLOAD_SUFFIX = {"csv": ".csv", "json": ".json", "excel": "-excel.csv"}


def relative(from_page: str, to_path: str) -> str:
    """The link from the page at `from_page` to `to_path`, both relative to the output root."""
    start = posixpath.dirname(from_page) or "."
    return posixpath.relpath(to_path, start)


# Top-level folders Rapor writes itself; a content page may not take one of these names (nor a year's or a
# language's).
RESERVED_SLUGS = frozenset({"unit", "province", "static", "404", "errata", "data", "share", "regency", "units",
                            "search", "pagefind"})
