"""datapackage.json: a Frictionless Data Package (v1 descriptor) describing every year's and the whole
dataset's files, their columns, the scheme and the terms. Pure.

Descriptions: `description` in English and `description_id` in Indonesian (both from the theme's messages,
the same text the data page shows); titles likewise. The scheme (aspects, weights in force per year, grade
bands, rounding) is under the custom property `scheme`. Per-unit files are slices of the whole dataset with
its columns: the whole dataset's resources name their address pattern in `per_unit_path` instead of listing
one resource per unit. Written with sorted-free, fixed key order and no dates, so two builds are identical.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from .config import Config
from .download import DownloadFile, Downloads
from .download_columns import Column
from .i18n import Locale
from .sitedata import SiteData
from .urls import SiteUrls

FORMATS = {"csv": ("csv", "text/csv"), "json": ("json", "application/json"), "excel": ("csv", "text/csv")}


def describe(column: Column, locale: Locale) -> str:
    """A column's meaning in `locale`'s language: one sentence from the messages (an aspect's names its label)."""
    if column.aspect is not None:
        return locale.t(column.description_key, label=column.aspect.label(locale.lang))
    return locale.t(column.description_key)


def resource_name(file: DownloadFile) -> str:
    scope = str(file.year) if file.year is not None else "all"
    return f"rapor-{scope}" + ("" if file.kind == "csv" else f"-{file.kind}")


def _field(column: Column, name: str, english: Locale, indonesian: Locale, config: Config,
           excel: bool) -> dict[str, Any]:
    field: dict[str, Any] = {"name": name, "type": column.kind, "description": describe(column, english),
                             "description_id": describe(column, indonesian)}
    if excel and column.kind == "number":
        field["decimalChar"] = ","
    if column.kind == "boolean":
        field["trueValues"] = [indonesian.t("data.yes")] if excel else ["True"]
        field["falseValues"] = [indonesian.t("data.no")] if excel else ["False"]
    choices = {"level": [c.key for c in config.levels], "type": [c.key for c in config.unit_types],
               "grade": [g.letter for g in config.scheme.grades]}
    if column.name in choices:
        field["constraints"] = {"enum": choices[column.name]}
    if column.name in ("year", "unit_id", "name", "evaluated"):
        field.setdefault("constraints", {})["required"] = True
    return field


def _schema(downloads: Downloads, file: DownloadFile, english: Locale, indonesian: Locale,
            config: Config) -> dict[str, Any]:
    excel = file.kind == "excel"
    columns = downloads.excel_columns if excel else downloads.columns
    names = downloads.excel_headers if excel else tuple(c.name for c in columns)
    fields = [_field(c, n, english, indonesian, config, excel) for c, n in zip(columns, names, strict=True)]
    key = [names[[c.name for c in columns].index(n)] for n in ("year", "unit_id")]
    return {"fields": fields, "missingValues": [""], "primaryKey": key if file.year is None else key[1:]}


def _resource(downloads: Downloads, file: DownloadFile, english: Locale, indonesian: Locale,
              config: Config) -> dict[str, Any]:
    scope = {lang: (loc.t("data.scope_year", year=file.year) if file.year is not None else loc.t("data.scope_all"))
             for lang, loc in (("en", english), ("id", indonesian))}
    kind = {lang: loc.t(f"data.format_{file.kind}") for lang, loc in (("en", english), ("id", indonesian))}
    resource: dict[str, Any] = {
        "name": resource_name(file),
        "path": file.path,
        "profile": "tabular-data-resource",
        "title": f"{scope['en']} ({kind['en']})",
        "title_id": f"{scope['id']} ({kind['id']})",
        "format": FORMATS[file.kind][0],
        "mediatype": FORMATS[file.kind][1],
        "encoding": "utf-8-sig" if file.kind == "excel" else "utf-8",
    }
    if file.kind != "json":  # frictionless reads JSON without counting bytes, so it cannot check them there
        content = file.content  # made when asked for (download.py): once here
        resource["bytes"] = len(content)
        resource["hash"] = "sha256:" + hashlib.sha256(content).hexdigest()
    if file.kind != "json":
        resource["dialect"] = {"delimiter": ";" if file.kind == "excel" else ",", "header": True}
    resource["schema"] = _schema(downloads, file, english, indonesian, config)
    if file.year is None and file.kind != "excel":
        resource["per_unit_path"] = SiteUrls.unit_download("{unit_id}", file.kind)
    return resource


def scheme_description(config: Config, data: SiteData) -> dict[str, Any]:
    """The evaluation scheme as the files use it: what each aspect is, its weight in each year of the data,
    and the grade bands an index falls into."""
    scheme = config.scheme
    return {
        "scale": {"min": scheme.scale_min, "max": scheme.scale_max},
        "precision": scheme.precision,
        "rounding": "half away from zero, on the value as written (4.505 -> 4.51)",
        "index_label": {"id": scheme.index_label["id"], "en": scheme.index_label["en"]},
        "aspects": [{"key": a.key, "label_id": a.label_id, "label_en": a.label_en} for a in scheme.aspects],
        "weights": {str(year): scheme.weights_for(year) for year in data.years},
        "grades": [{"letter": g.letter, "min": g.min, "max": g.max, "predikat_label_id": g.predikat_id,
                    "predikat_label_en": g.predikat_en} for g in scheme.grades],
    }


def datapackage(config: Config, data: SiteData, downloads: Downloads, english: Locale,
                indonesian: Locale) -> bytes:
    program = config.program
    package: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": f"rapor-{program.key}".lower(),
        "title": program.name["en"],
        "title_id": program.name["id"],
        "description": config.site.description["en"] or english.t("data.package_description"),
        "description_id": config.site.description["id"] or indonesian.t("data.package_description"),
    }
    if config.site.base_url:
        package["homepage"] = config.site.base_url
    if program.data_license:
        package["licenses"] = [{"name": program.data_license}
                               | ({"path": program.data_license_url} if program.data_license_url else {})]
    if program.source_url or program.publisher:
        package["sources"] = [{"title": program.publisher or program.name["en"]}
                              | ({"path": program.source_url} if program.source_url else {})]
    package["scheme"] = scheme_description(config, data)
    package["resources"] = [_resource(downloads, f, english, indonesian, config) for f in downloads.files]
    return (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
