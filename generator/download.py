"""The downloads: per year, for the whole dataset and per unit, as CSV, JSON and a spreadsheet variant. Pure.

Columns come from download_columns.py. Each result row is turned into its cells once per format; a year's
file, the whole dataset and a unit's history are the same rows joined in different groupings, so nothing is
computed twice. Rows keep the model's order: a year's national ranking order (evaluated units first, ties and
units without a rank by id); the whole dataset is the years oldest first; a unit's file its years oldest first.

Formats (README "Downloads"):
- csv: UTF-8 without BOM, ',' separated, '\\n' line ends, snake_case headers, numbers with a '.' decimal
  point as published (rounded by the site's one rule, rounding.py, to `scheme.precision`), booleans
  True/False, missing values empty.
- json: UTF-8, an array of one object per row (keys as the CSV headers, in the same order), numbers as
  published, missing values null; one row per line.
- excel: for spreadsheets set to Indonesian: UTF-8 with BOM, ';' separated, '\\r\\n' line ends, decimal
  comma, Indonesian headers and labels (the `*_label_en` columns are left out), booleans ya/tidak.

Text cells of every CSV are written so that no spreadsheet runs them as a formula (OWASP "CSV Injection"):
a text cell whose first character, or first character after leading spaces, starts a formula (= + - @,
their full-width forms, tab, carriage return, line feed) gets a single quote in front ('=HYPERLINK(...)
stays text). Numeric columns are never prefixed, so a negative change (-0.20) stays a number. JSON holds
the text as it is: it is not read by spreadsheets, and a program reading it wants the real name.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import operator
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .config import Config
from .download_columns import Column, download_columns, unit_of
from .i18n import Locale
from .incremental import row_digest
from .rounding import format_fixed, round_float
from .site_rows import SiteRow
from .sitedata import SiteData
from .urls import SiteUrls

# Characters that make a spreadsheet read a cell as a formula (or split it into one), including the
# full-width forms some spreadsheet locales convert to their ASCII counterparts.
FORMULA_STARTS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")

KINDS = ("csv", "json", "excel")
# What makes the csv module quote a cell, besides the delimiter (its default dialect: QUOTE_MINIMAL, '"').
_QUOTED = re.compile('["\r\n]')
# One encoder for every row (json.dumps with options makes a new one per call); the same output.
_JSON_ROW = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def neutralise(text: str) -> str:
    """A text cell that no spreadsheet will evaluate: prefixed with a single quote if it could start a formula."""
    if text and (text[0] in FORMULA_STARTS or text.lstrip()[:1] in FORMULA_STARTS):
        return "'" + text
    return text


@dataclass(frozen=True)
class DownloadFile:
    path: str
    kind: str  # csv, json or excel
    year: int | None  # None: every year
    unit_id: str | None  # a unit's history
    # Makes the file's bytes, from its rows' lines, each time they are asked for: the lines are kept, the files
    # are not. Held all at once, a large project's files took about four copies of its data (some 1.5 GB of a
    # build's memory at 20,000 units x 10 years); they are made one by one as they are measured and written.
    make: Callable[[], bytes] = field(repr=False, compare=False)

    @property
    def content(self) -> bytes:
        return self.make()


@dataclass(frozen=True)
class Downloads:
    columns: tuple[Column, ...]
    excel_columns: tuple[Column, ...]
    excel_headers: tuple[str, ...]
    files: tuple[DownloadFile, ...]  # per year and whole dataset: datapackage.json describes each
    unit_files: tuple[DownloadFile, ...]  # per unit: slices of the whole dataset with its columns

    def items(self) -> Iterator[tuple[str, bytes]]:
        for file in (*self.files, *self.unit_files):
            yield file.path, file.content


class _Writer:
    """One format's header and row lines: a row is formatted once and joined into every file that holds it."""

    def __init__(self, columns: tuple[Column, ...], header: list[str], precision: int, excel: Locale | None):
        self.columns, self.precision, self.excel = columns, precision, excel
        self.buffer = io.StringIO()
        # The csv module quotes a cell holding a character of the line terminator: with '\r\n' both a CR and a
        # LF inside a cell are quoted; the machine format's own line end is then made '\n' (line()).
        self.delimiter = ";" if excel else ","
        self.csv = csv.writer(self.buffer, delimiter=self.delimiter, lineterminator="\r\n")
        self.end = "\r\n" if excel else "\n"
        self.header = self.line([neutralise(name) for name in header])  # already safe names stay as they are

    def line(self, cells: list[str]) -> str:
        joined = self.delimiter.join(cells)
        # No cell holds the delimiter, a quote or a line end: the csv module would write the cells as they are
        # (it quotes nothing else; a lone empty cell, which it would quote, is never a whole row here).
        if len(cells) > 1 and joined.count(self.delimiter) == len(cells) - 1 and not _QUOTED.search(joined):
            return joined + self.end
        self.buffer.seek(0)
        self.buffer.truncate()
        self.csv.writerow(cells)
        return self.buffer.getvalue()[:-2] + self.end

    def row(self, values: list[Any]) -> str:
        return self.line(["" if value is None else write(value)
                          for write, value in zip(self.writers, values, strict=True)])

    @functools.cached_property
    def writers(self) -> list[Callable[[Any], str]]:
        """Each column's cell writer (for a value that is not None). A figure is written once per distinct value:
        a dataset holds the same few hundred published figures many times over."""
        return [self._writer(column) for column in self.columns]

    def _writer(self, column: Column) -> Callable[[Any], str]:
        if column.kind == "string":
            return neutralise
        if column.kind == "number":
            precision, excel = self.precision, self.excel is not None

            @functools.lru_cache(maxsize=1 << 16, typed=True)
            def number(value: Any) -> str:
                text = format_fixed(value, precision)
                return text.replace(".", ",") if excel else text
            return number
        if column.kind == "boolean":
            yes, no = (self.excel.t("data.yes"), self.excel.t("data.no")) if self.excel else ("True", "False")
            return lambda value: yes if value else no
        return str

    def join(self, lines: list[str]) -> bytes:
        text = self.header + "".join(lines)
        return ("\ufeff" + text).encode("utf-8") if self.excel else text.encode("utf-8")


@functools.lru_cache(maxsize=1 << 16, typed=True)
def _json_number(value: float | int, precision: int) -> float:
    return round_float(value, precision) + 0.0  # + 0.0: no "-0.0"


def _json_file(lines: list[str]) -> bytes:
    return ("[\n" + ",\n".join(lines) + "\n]\n" if lines else "[]\n").encode("utf-8")


def excel_headers(columns: tuple[Column, ...], indonesian: Locale) -> tuple[str, ...]:
    """The spreadsheet variant's Indonesian headers as written (neutralised: an aspect is headed by its label,
    which the site's author chose), with the column's key added where two headers would read the same."""
    headers: list[str] = []
    for column in columns:
        header = neutralise(column.aspect.label_id if column.aspect is not None else indonesian.t(column.header_key))
        headers.append(f"{header} ({column.name})" if header in headers else header)
    return tuple(headers)


def build_downloads(config: Config, data: SiteData, indonesian: Locale,
                    line_cache: dict[str, Any] | None = None) -> Downloads:
    """Every download's bytes. `indonesian` holds the spreadsheet variant's headers and yes/no words.

    `line_cache` (a warm session's, session.py): a row's three lines kept from the previous build, keyed by the
    result row's digest (a pickle of its items) and its unit's repr, which the columns' values are made from
    (both tell -0.0 from 0.0, 1 from 1.0 and True from 1), under a key of everything else the lines are written
    with (the config, which the columns and their labels come from, and the spreadsheet's words); a one-cell
    correction computes and writes only the rows that changed."""
    columns = download_columns(config)
    excel_columns = tuple(c for c in columns if c.lang in ("", "id"))
    headers = excel_headers(excel_columns, indonesian)
    precision = config.scheme.precision
    machine = _Writer(columns, [c.name for c in columns], precision, None)
    excel = _Writer(excel_columns, list(headers), precision, indonesian)
    in_excel = operator.itemgetter(*(i for i, c in enumerate(columns) if c.lang in ("", "id")))
    names = [c.name for c in columns]
    numbers = [i for i, c in enumerate(columns) if c.kind == "number"]
    lines: dict[str, dict[tuple[int, str], str]] = {kind: {} for kind in KINDS}
    written_with = repr((config, [(c.name, c.kind, c.lang) for c in columns], precision,
                         indonesian.t("data.yes"), indonesian.t("data.no"))) if line_cache is not None else ""
    if line_cache is not None and line_cache.get("written with") != written_with:
        line_cache.clear()
        line_cache["written with"] = written_with
    kept: dict[str, tuple[str, str, str]] = {} if line_cache is None else line_cache.setdefault("lines", {})
    now: dict[str, tuple[str, str, str]] = {}
    units_shown: dict[int, str] = {}  # id of a unit's row (alive in `data` while this runs) -> its repr
    for year in data.years:
        for row in data.rows_by_year[year]:
            unit = unit_of(data, row)
            key = (year, row["unit_id"])
            shown = ""
            if line_cache is not None:
                # A SiteRow's digest (its items pickled: as exact as a repr) is made once per row and kept with
                # a year a warm session keeps (site_rows.py); the unit's repr once per unit.
                unit_shown = units_shown.get(id(unit))
                if unit_shown is None:
                    unit_shown = units_shown[id(unit)] = repr(unit)
                shown = (row_digest(row) if type(row) is SiteRow else repr(row)) + unit_shown
            written = kept.get(shown) if line_cache is not None else None
            if written is None:
                values = [column.value(row, unit) for column in columns]
                published = list(values)
                for at in numbers:
                    if published[at] is not None:
                        published[at] = _json_number(published[at], precision)
                written = (machine.row(values), excel.row(list(in_excel(values))),
                           _JSON_ROW.encode(dict(zip(names, published, strict=True))))
            now[shown] = written
            lines["csv"][key], lines["excel"][key], lines["json"][key] = written
    if line_cache is not None:
        line_cache["lines"] = now  # this build's rows only: the cache does not grow with every edit
    join = {"csv": machine.join, "excel": excel.join, "json": _json_file}

    def joined(kind: str, keys: list[tuple[int, str]]) -> Callable[[], bytes]:
        return lambda: join[kind]([lines[kind][k] for k in keys])

    files = []
    for year in data.years:
        keys = [(year, row["unit_id"]) for row in data.rows_by_year[year]]
        files += [DownloadFile(SiteUrls.year_download(year, kind), kind, year, None, joined(kind, keys))
                  for kind in KINDS]
    files += [DownloadFile(SiteUrls.dataset_download(kind), kind, None, None, joined(kind, list(lines[kind])))
              for kind in KINDS]
    unit_files = []
    for unit_id, history in sorted(data.history.items()):
        keys = [(int(row["year"]), unit_id) for row in history]
        unit_files += [DownloadFile(SiteUrls.unit_download(unit_id, kind), kind, None, unit_id, joined(kind, keys))
                       for kind in ("csv", "json")]
    return Downloads(columns, excel_columns, headers, tuple(files), tuple(unit_files))

