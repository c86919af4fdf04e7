"""The columns of every download, declared once: the CSV, JSON and spreadsheet files, datapackage.json and the
data page are all generated from `download_columns`. Pure.

A column has a snake_case name (the machine files' header and JSON key), a Frictionless type, where its
value comes from, and i18n keys for its description (`data_column.<name>`, both languages) and its header in
the spreadsheet variant (`data_header.<name>`, Indonesian). Columns with a language (`*_label_id`,
`*_label_en`) carry a label in that language; the spreadsheet variant keeps the Indonesian ones only.

Order: the columns the yearly CSV has always had come first, in their old order (names.DOWNLOAD_HEAD, the
aspects, names.DOWNLOAD_TAIL), so a reader that picks columns by position keeps working; the columns added
later follow (names.DOWNLOAD_ADDED). Aspect keys may not take the older columns' names
(scheme.check_scheme); an aspect keyed like an added column is headed `aspect_<key>` (aspect_headers).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from .config import Config
from .names import DOWNLOAD_ADDED, DOWNLOAD_HEAD, DOWNLOAD_TAIL, aspect_column
from .scheme import Aspect
from .sitedata import Row, SiteData

Kind = Literal["string", "integer", "number", "boolean"]


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    value: Callable[[Row, Row], Any]  # (result row, its unit) -> the value; None when missing
    lang: str = ""  # the language of a label column
    aspect: Aspect | None = None  # the aspect an aspect column holds

    @property
    def description_key(self) -> str:
        return "data_column.aspect" if self.aspect is not None else f"data_column.{self.name}"

    @property
    def header_key(self) -> str:
        return f"data_header.{self.name}"


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _count(value: Any) -> int | None:
    return None if value is None else int(value)


def _flag(value: Any) -> bool:
    return bool(value)


def _field(name: str, convert: Callable[[Any], Any]) -> Callable[[Row, Row], Any]:
    return lambda row, _unit: convert(row.get(name))


def _unit_field(name: str) -> Callable[[Row, Row], Any]:
    return lambda _row, unit: _text(unit.get(name))


def _label(labels: dict[str, str], name: str) -> Callable[[Row, Row], Any]:
    return lambda row, _unit: labels.get(row[name]) if row[name] else None


def _predikat(predikat: dict[str, str]) -> Callable[[Row, Row], Any]:
    return lambda row, _unit: predikat.get(row["grade"]) if row["grade"] else None


def download_columns(config: Config) -> tuple[Column, ...]:
    """Every column of the downloads, in file order."""
    scheme = config.scheme
    levels = {lang: {c.key: c.label(lang) for c in config.levels} for lang in ("id", "en")}
    types = {lang: {c.key: c.label(lang) for c in config.unit_types} for lang in ("id", "en")}
    predikat = {lang: {g.letter: g.predikat(lang) for g in scheme.grades} for lang in ("id", "en")}
    fixed: dict[str, Column] = {}

    def add(name: str, kind: Kind, value: Callable[[Row, Row], Any], lang: str = "") -> None:
        fixed[name] = Column(name, kind, value, lang)

    add("year", "integer", _field("year", int))
    add("unit_id", "string", _field("unit_id", _text))
    add("name", "string", _field("name", _text))
    for name in ("level", "type", "province", "grade"):
        add(name, "string", _field(name, _text))
    add("index", "number", _field("index", _number))
    add("delta", "number", _field("delta", _number))
    for scope in ("national", "level", "type", "province"):
        add(f"rank_{scope}", "integer", _field(f"rank_{scope}", _count))
        add(f"count_{scope}", "integer", _field(f"count_{scope}", _count))
        add(f"move_{scope}", "integer", _field(f"move_{scope}", _count))
    add("compared_year", "integer", _field("compared_year", _count))
    for name in ("evaluated", "is_new", "returning"):
        add(name, "boolean", _field(name, _flag))
    for lang in ("id", "en"):
        add(f"level_label_{lang}", "string", _label(levels[lang], "level"), lang)
        add(f"type_label_{lang}", "string", _label(types[lang], "type"), lang)
        add(f"predikat_label_{lang}", "string", _predikat(predikat[lang]), lang)
    add("province_name", "string", _unit_field("province_name"))
    add("regency", "string", _unit_field("regency"))
    add("regency_name", "string", _unit_field("regency_name"))
    aspects = tuple(Column(name, "number", _field(aspect_column(a.key), _number), aspect=a)
                    for a, name in zip(scheme.aspects, aspect_headers(scheme.aspect_keys), strict=True))
    columns = (*(fixed[n] for n in DOWNLOAD_HEAD), *aspects, *(fixed[n] for n in DOWNLOAD_TAIL + DOWNLOAD_ADDED))
    assert len(columns) == len(fixed) + len(aspects), "every fixed column is placed exactly once"
    return columns


def aspect_headers(keys: tuple[str, ...]) -> list[str]:
    """Each aspect's column name: its key, or `aspect_<key>` for a key named like a column added after aspect
    keys were checked against the download's (names.DOWNLOAD_ADDED), with `_` added until it is unique."""
    taken = set(DOWNLOAD_HEAD + DOWNLOAD_TAIL + DOWNLOAD_ADDED) | set(keys)
    names = []
    for key in keys:
        name = key
        if key in DOWNLOAD_ADDED:
            name = f"aspect_{key}"
            while name in taken:
                name += "_"
            taken.add(name)
        names.append(name)
    return names


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def unit_of(data: SiteData, row: Row) -> Row:
    """The registry entry of a result row's unit (names of its province and regency)."""
    return data.units.get(row["unit_id"], {})
