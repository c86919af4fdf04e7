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
import hashlib
import io
import json
import operator
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from .catalog import input_key
from .config import Config
from .download_columns import Column, download_columns, unit_of
from .i18n import Locale
from .incremental import row_digest
from .rounding import format_fixed, round_float
from .site_rows import SiteRow
from .sitedata import Row, SiteData
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
    key: str = ""  # the hash of what its bytes are made from (build_downloads), "" if not asked for
    kept: bool = False  # the previous build's file is still right: it is kept rather than written

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


class Earlier(Protocol):
    """The downloads of the build in the output folder (catalog.FileCatalog)."""

    def unchanged(self, path: str, key: str) -> bool:
        """Whether the previous build's file was made from inputs with this key and is still there as made."""
        ...

    def content(self, path: str) -> bytes | None:
        """The previous build's bytes of the file, if it is still there as that build recorded them."""
        ...


def _files_key(parts: list[str]) -> str:
    """The input key of a file made from `parts` (texts, among them rows' digests: a hash over them all)."""
    return hashlib.blake2b("\n".join(parts).encode("utf-8"), digest_size=16).hexdigest()


def _body(kind: str, data: bytes, head: bytes) -> bytes | None:
    """A year's file without what wraps its rows' lines (the header, or the json array's brackets): its part of
    the whole dataset's file, which holds the years' lines in the same order (None: not such a file)."""
    if kind != "json":
        return data[len(head):] if data.startswith(head) else None
    if data == b"[]\n":
        return b""
    return data[2:-3] if data.startswith(b"[\n") and data.endswith(b"\n]\n") else None


def _dataset(kind: str, head: bytes, bodies: list[bytes]) -> bytes:
    """The whole dataset's file from its years' parts (_body), as joining all its lines at once writes it."""
    if kind != "json":
        return head + b"".join(bodies)
    parts = [body for body in bodies if body]
    return b"[\n" + b",\n".join(parts) + b"\n]\n" if parts else b"[]\n"


def build_downloads(config: Config, data: SiteData, indonesian: Locale,
                    line_cache: dict[str, Any] | None = None, earlier: Earlier | None = None) -> Downloads:
    """Every download's bytes. `indonesian` holds the spreadsheet variant's headers and yes/no words.

    `line_cache` (a warm session's, session.py): a row's three lines kept from the previous build, keyed by the
    result row's digest (a pickle of its items) and its unit's repr, which the columns' values are made from
    (both tell -0.0 from 0.0, 1 from 1.0 and True from 1), under a key of everything else the lines are written
    with (the config, which the columns and their labels come from, and the spreadsheet's words); a one-cell
    correction computes and writes only the rows that changed.

    `earlier` (the previous build's files): each file gets the key of what its bytes are made from, the same
    rows' digests and units' reprs under the same key of everything else (with the headers); a unit's file or a
    year's that `earlier` still has under its key is `kept`, and a row's lines are made only for the files that
    are not. The whole dataset's files, which change with any row, are joined from their years' parts: a kept
    year's is read back from its file, after checking its bytes against the digest the previous build recorded.
    So a one-cell correction in a cold build writes the lines of the changed year's rows and of the changed
    units, not all of them."""
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
    keyed = line_cache is not None or earlier is not None
    written_with = repr((config, [(c.name, c.kind, c.lang) for c in columns], precision,
                         indonesian.t("data.yes"), indonesian.t("data.no"))) if keyed else ""
    if line_cache is not None and line_cache.get("written with") != written_with:
        line_cache.clear()
        line_cache["written with"] = written_with
    kept: dict[str, tuple[str, str, str]] = {} if line_cache is None else line_cache.setdefault("lines", {})
    now: dict[str, tuple[str, str, str]] = {}
    units_shown: dict[int, str] = {}  # id of a unit's row (alive in `data` while this runs) -> its repr
    # (year, unit id) -> the row, its unit, and what they show: the row's digest and the unit's repr (one string
    # per unit, joined only when asked for: a large project's rows would hold a copy each)
    rows: dict[tuple[int, str], tuple[Row, Row, str, str]] = {}
    for year in data.years:
        for row in data.rows_by_year[year]:
            unit = unit_of(data, row)
            shown = unit_shown = ""
            if keyed:
                # A SiteRow's digest (its items pickled: as exact as a repr) is made once per row and kept with
                # a year a warm session keeps (site_rows.py); the unit's repr once per unit.
                known = units_shown.get(id(unit))
                unit_shown = known if known is not None else units_shown.setdefault(id(unit), repr(unit))
                shown = row_digest(row) if type(row) is SiteRow else repr(row)
            rows[(year, row["unit_id"])] = row, unit, shown, unit_shown

    def line(kind: str, key: tuple[int, str]) -> str:
        """The row's line in `kind`, its three made the first time one is asked for."""
        made = lines[kind].get(key)
        if made is not None:
            return made
        row, unit, row_shown, unit_shown = rows[key]
        shown = row_shown + unit_shown
        written = kept.get(shown) if line_cache is not None else None
        if written is None:
            values = [column.value(row, unit) for column in columns]
            published = list(values)
            for at in numbers:
                if published[at] is not None:
                    published[at] = _json_number(published[at], precision)
            written = (machine.row(values), excel.row(list(in_excel(values))),
                       _JSON_ROW.encode(dict(zip(names, published, strict=True))))
        if line_cache is not None:
            now[shown] = written
        lines["csv"][key], lines["excel"][key], lines["json"][key] = written
        return lines[kind][key]

    if line_cache is not None:
        for row_key in rows:  # every row's lines, most of them kept: the session keeps this build's rows only
            line("csv", row_key)
        line_cache["lines"] = now  # this build's rows only: the cache does not grow with every edit
    join = {"csv": machine.join, "excel": excel.join, "json": _json_file}
    heads = {"csv": machine.join([]), "excel": excel.join([]), "json": b""}
    # What the files are written with besides their rows, as a pickle's hash (written_with is a repr, whose
    # sets are ordered by the process's string hashes).
    base = input_key("downloads", config.portable(), [(c.name, c.kind, c.lang) for c in columns], headers,
                     indonesian.t("data.yes"), indonesian.t("data.no")) if keyed else ""

    def joined(kind: str, keys: list[tuple[int, str]]) -> Callable[[], bytes]:
        return lambda: join[kind]([line(kind, k) for k in keys])

    def file_key(kind: str, keys: list[tuple[int, str]]) -> str:
        return _files_key([base, kind, *(rows[k][2] + rows[k][3] for k in keys)]) if keyed else ""

    read: dict[str, bytes] = {}  # a kept year's file, read back once

    def year_file(year: int, kind: str) -> DownloadFile:
        keys = [(year, row["unit_id"]) for row in data.rows_by_year[year]]
        path, key = SiteUrls.year_download(year, kind), file_key(kind, keys)
        if earlier is not None and earlier.unchanged(path, key):
            content = earlier.content(path)
            if content is not None and _body(kind, content, heads[kind]) is not None:
                read[path] = content
                return DownloadFile(path, kind, year, None, lambda: read[path], key, kept=True)
        return DownloadFile(path, kind, year, None, joined(kind, keys), key)

    files = [year_file(year, kind) for year in data.years for kind in KINDS]

    def dataset(kind: str) -> Callable[[], bytes]:
        years = [file for file in files if file.kind == kind]
        if not any(file.kept for file in years):  # as one join of every line (the lines of every year made)
            return joined(kind, list(rows))

        def from_years() -> bytes:
            bodies = [_body(kind, file.make(), heads[kind]) for file in years]
            if None in bodies:  # a made year's file is always such a file, a kept one was checked
                raise AssertionError("a year's download does not hold its rows' lines as build_downloads writes them")
            return _dataset(kind, heads[kind], [body for body in bodies if body is not None])
        return from_years

    files += [DownloadFile(SiteUrls.dataset_download(kind), kind, None, None, dataset(kind),
                           _files_key([base, kind, *(file.key for file in files if file.kind == kind)])
                           if keyed else "") for kind in KINDS]
    unit_files = []
    for unit_id, history in sorted(data.history.items()):
        keys = [(int(row["year"]), unit_id) for row in history]
        for kind in ("csv", "json"):
            path, key = SiteUrls.unit_download(unit_id, kind), file_key(kind, keys)
            unit_files.append(DownloadFile(path, kind, None, unit_id, joined(kind, keys), key,
                                           kept=earlier is not None and earlier.unchanged(path, key)))
    return Downloads(columns, excel_columns, headers, tuple(files), tuple(unit_files))
