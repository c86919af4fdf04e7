"""The downloads of a build and the data page (`data/index.html`) that lists them with every column. Pure.

The page, the files and datapackage.json come from the same column table (download_columns.py) and the
same bytes: the sizes shown are the files' own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .catalog import FileCatalog, Item, input_key
from .config import Config
from .datapackage import datapackage, describe
from .download import KINDS, build_downloads, excel_headers
from .download_columns import Column, download_columns
from .errors import ProblemList
from .i18n import Locale, load_locale
from .pages import PagePlan, page_plan
from .sitedata import SiteData
from .theme import Theme
from .urls import SiteUrls


@dataclass(frozen=True)
class Listed:
    """A download the data page lists: a year's file or the whole dataset's (year None) in one format."""

    path: str
    kind: str
    year: int | None


@dataclass(frozen=True)
class DataFiles:
    columns: tuple[Column, ...]
    excel_columns: tuple[Column, ...]
    excel_headers: tuple[str, ...]
    listed: tuple[Listed, ...]
    unit_paths: tuple[str, ...]  # every unit's csv and json
    sizes: dict[str, int]  # path -> bytes, of every file (datapackage.json too)
    # Every file, with what makes its bytes (made when written, not kept: download.py) and its input key, or
    # None where the previous build's file is kept; made None: all the previous build's files are still right.
    made: list[tuple[str, Callable[[], bytes] | None, str]] | None
    key: str  # the hash of every input of these files
    locales: dict[str, Locale]  # id and en: descriptions are given in both whatever the site's languages

    def items(self, catalog: FileCatalog) -> Iterator[Item]:
        """Every file, made one at a time as it is written. Once per build: what makes them (the rows' lines) is
        let go afterwards, before the pages are rendered (build.py yields the data files first)."""
        if self.made is None:
            for path in self.sizes:
                yield catalog.keep(path)
            return
        for path, make, key in self.made:
            yield catalog.keep(path) if make is None else catalog.made(path, make(), key)
        self.made.clear()


def planned(data: SiteData) -> tuple[tuple[Listed, ...], tuple[str, ...]]:
    """The downloads build_downloads makes, in its order, without making them."""
    listed = [Listed(SiteUrls.year_download(year, kind), kind, year) for year in data.years for kind in KINDS]
    listed += [Listed(SiteUrls.dataset_download(kind), kind, None) for kind in KINDS]
    units = [SiteUrls.unit_download(unit_id, kind) for unit_id in sorted(data.history) for kind in ("csv", "json")]
    return tuple(listed), tuple(units)


def locale_for(lang: str, theme: Theme) -> Locale:
    """The theme's messages in `lang`, also when the site is not built in that language (the spreadsheet
    variant is Indonesian, datapackage.json describes columns in both languages)."""
    if lang in theme.locales:
        return theme.locales[lang]
    # The default theme has every message in both languages; a site theme's problems were reported already.
    return load_locale(lang, list(theme.folders), ProblemList())


def build_data_files(config: Config, data: SiteData, theme: Theme, catalog: FileCatalog | None = None,
                     data_key: str = "", line_cache: dict[str, Any] | None = None) -> DataFiles:
    """The downloads and datapackage.json. With a `catalog` and `data_key` (the hash of the tables the model is
    made from: catalog.frame_digest), files whose inputs did not change since the previous build are not made:
    the downloads are made all together, from every row, so they are made again only all together."""
    locales = {lang: locale_for(lang, theme) for lang in ("id", "en")}
    columns = download_columns(config)
    excel_columns = tuple(c for c in columns if c.lang in ("", "id"))
    headers = excel_headers(excel_columns, locales["id"])
    listed, unit_paths = planned(data)
    paths = [*(f.path for f in listed), *unit_paths, SiteUrls.datapackage()]
    messages = {lang: locale.messages for lang, locale in locales.items()}
    key = input_key("data files", config.portable(), data_key, messages) if data_key else ""
    if catalog is not None and key and _all_kept(catalog, paths, key):
        sizes = {path: catalog.previous[path][2] for path in paths}
        return DataFiles(columns, excel_columns, headers, listed, unit_paths, sizes, None, key, locales)
    downloads = build_downloads(config, data, locales["id"], line_cache, catalog)  # line_cache: download.py
    package = datapackage(config, data, downloads, locales["en"], locales["id"])
    made: list[tuple[str, Callable[[], bytes] | None, str]] = [
        *((file.path, None if file.kept else file.make, file.key) for file in (*downloads.files,
                                                                                *downloads.unit_files)),
        (SiteUrls.datapackage(), lambda: package, key)]
    if [path for path, _, _ in made] != paths:
        raise AssertionError("data_page.planned does not list the downloads build_downloads makes")
    previous = catalog.previous if catalog is not None else {}
    # Each made and let go; a kept file's size is the previous build's.
    sizes = {path: len(make()) if make is not None else previous[path][2] for path, make, _ in made}
    return DataFiles(columns, excel_columns, headers, listed, unit_paths, sizes, made, key, locales)


def _all_kept(catalog: FileCatalog, paths: list[str], key: str) -> bool:
    """Whether the previous build's downloads are all still right: its datapackage.json, which describes every
    other file, was made from the same inputs (`key`: the tables, config and messages, and Rapor's version),
    so every other file's key is the one it had then, and every file is still there as made."""
    *others, package = paths
    return catalog.unchanged(package, key) and all(
        path in catalog.previous and catalog.unchanged(path, catalog.previous[path][0]) for path in others)


def data_page_context(config: Config, data: SiteData, files: DataFiles) -> dict[str, Any]:
    by_scope: dict[int | None, dict[str, dict[str, Any]]] = {}
    for file in files.listed:
        by_scope.setdefault(file.year, {})[file.kind] = {"path": file.path, "bytes": files.sizes[file.path]}
    rows = [{"year": year, "files": [by_scope[year][k] for k in KINDS]} for year in reversed(data.years)]
    rows.append({"year": None, "files": [by_scope[None][k] for k in KINDS]})
    unit_sizes = [files.sizes[path] for path in files.unit_paths]
    excel_header = dict(zip((c.name for c in files.excel_columns), files.excel_headers, strict=True))
    columns = [{"name": c.name, "kind": c.kind, "excel": excel_header.get(c.name),
                "description": {lang: describe(c, locale) for lang, locale in files.locales.items()}}
               for c in files.columns]
    program = config.program
    return {
        "download_rows": rows,
        "kinds": KINDS,
        "package": {"path": SiteUrls.datapackage(), "bytes": files.sizes[SiteUrls.datapackage()]},
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
        yield page_plan("data", site_urls, lang, (), context)
