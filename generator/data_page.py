"""The downloads of a build and the data page (`data/index.html`) that lists them with every column. Pure.

The page, the files and datapackage.json come from the same column table (download_columns.py) and the
same bytes: the sizes shown are the files' own.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .config import Config
from .datapackage import datapackage, describe
from .download import KINDS, Downloads, build_downloads
from .errors import ProblemList
from .i18n import Locale, load_locale
from .pages import PagePlan
from .sitedata import SiteData
from .theme import Theme
from .urls import SiteUrls


@dataclass(frozen=True)
class DataFiles:
    downloads: Downloads
    package: bytes
    locales: dict[str, Locale]  # id and en: descriptions are given in both whatever the site's languages

    def items(self) -> Iterator[tuple[str, bytes]]:
        yield from self.downloads.items()
        yield SiteUrls.datapackage(), self.package


def locale_for(lang: str, theme: Theme) -> Locale:
    """The theme's messages in `lang`, also when the site is not built in that language (the spreadsheet
    variant is Indonesian, datapackage.json describes columns in both languages)."""
    if lang in theme.locales:
        return theme.locales[lang]
    # The default theme has every message in both languages; a site theme's problems were reported already.
    return load_locale(lang, list(theme.folders), ProblemList())


def build_data_files(config: Config, data: SiteData, theme: Theme) -> DataFiles:
    locales = {lang: locale_for(lang, theme) for lang in ("id", "en")}
    downloads = build_downloads(config, data, locales["id"])
    return DataFiles(downloads, datapackage(config, data, downloads, locales["en"], locales["id"]), locales)


def data_page_context(config: Config, data: SiteData, files: DataFiles) -> dict[str, Any]:
    downloads = files.downloads
    by_scope: dict[int | None, dict[str, dict[str, Any]]] = {}
    for file in downloads.files:
        by_scope.setdefault(file.year, {})[file.kind] = {"path": file.path, "bytes": len(file.content)}
    rows = [{"year": year, "files": [by_scope[year][k] for k in KINDS]} for year in reversed(data.years)]
    rows.append({"year": None, "files": [by_scope[None][k] for k in KINDS]})
    unit_sizes = [len(f.content) for f in downloads.unit_files]
    excel_header = dict(zip((c.name for c in downloads.excel_columns), downloads.excel_headers, strict=True))
    columns = [{"name": c.name, "kind": c.kind, "excel": excel_header.get(c.name),
                "description": {lang: describe(c, locale) for lang, locale in files.locales.items()}}
               for c in downloads.columns]
    program = config.program
    return {
        "download_rows": rows,
        "kinds": KINDS,
        "package": {"path": SiteUrls.datapackage(), "bytes": len(files.package)},
        "unit_files": {"count": len(unit_sizes) // 2, "smallest": min(unit_sizes, default=0),
                       "largest": max(unit_sizes, default=0)},
        "columns": columns,
        "license": {"id": program.data_license, "url": program.data_license_url},
        "source_url": program.source_url,
    }


def data_page_plans(config: Config, data: SiteData, files: DataFiles) -> Iterator[PagePlan]:
    """The data page in every language."""
    site_urls = SiteUrls(config.site.languages[0])
    context = data_page_context(config, data, files)
    for lang in config.site.languages:
        yield PagePlan(site_urls.data_dictionary(lang), "data.html", lang, context)
