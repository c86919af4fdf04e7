"""Read CSV exports into string DataFrames that remember where every cell came from.

Spreadsheet exports vary: a UTF-8 byte-order mark or Windows-1252, `,` or `;` separators, decimal
commas, padded cells, upper-case names. Everything is read as text (codes like `11.10` must not become
numbers); `parse_numbers` converts the score columns afterwards and reports every cell that is not one.
How the bytes become text is csv_decode's part.

A quote opens a quoted cell only at the cell's start; anywhere else it is a character of the cell, as
Excel and LibreOffice read it on import (a cell holding a quote is exported quoted, its quote doubled, so a
bare quote inside a cell was typed by hand). A quote that opens a cell and is never closed is an error,
located at the quote.
"""

from __future__ import annotations

import csv
import io
import itertools
import os
import re
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .csv_decode import decode
from .errors import CONTROL_CHARACTERS, ProblemList, read_bytes, read_failure

LINE = " line"  # headers are stripped, so no CSV column can be called this


@dataclass(frozen=True)
class Table:
    """One CSV file: its cells as text, the 1-based line of every row, the column of every header."""

    path: str
    frame: pd.DataFrame  # one column per named header plus LINE
    columns: dict[str, int]  # header as written -> 1-based column number

    def column(self, header: str | None) -> int:
        return self.columns.get(header, 1) if header is not None else 1


_QUOTED = re.compile(r'"[^"]*"')


def _separator(header_line: str) -> str:
    """The most frequent of `;`, `,` and tab outside quotes in the header; `,` wins ties."""
    bare = _QUOTED.sub("", header_line)
    counts = {sep: bare.count(sep) for sep in (";", ",", "\t")}
    return max(counts, key=lambda s: (counts[s], s == ","))


def _padded(text: str, sep: str) -> bool:
    """Whether any cell may start or end with white space (or the file has quotes, which may hide some)."""
    if '"' in text or text[:1].isspace() or text.rstrip("\n")[-1:].isspace():
        return True
    # No-break spaces and the like are rare, so any of them anywhere means stripping every cell.
    if any(c in text for c in "\x0b\x0c\x1c\x1d\x1e\x1f") or (not text.isascii() and _UNUSUAL_SPACE.search(text)):
        return True
    # Substring tests run at memchr speed; a regex with look-arounds is ten times slower on 20,000 lines.
    blanks = {" ", "\t"} - {sep}
    return any(pair in text for blank in blanks for pair in (blank + sep, sep + blank, blank + "\n", "\n" + blank))


_UNUSUAL_SPACE = re.compile(r"[^\S\n \t]")


def per_unique(values: pd.Series, func: Callable[[str], object]) -> np.ndarray:
    """`func` applied to each distinct cell once: scores, grades and years repeat a lot."""
    codes, uniques = pd.factorize(values.to_numpy(dtype=object))
    mapped = np.empty(len(uniques), dtype=object)
    mapped[:] = [func(str(u)) for u in uniques]
    return mapped[codes] if len(codes) else np.empty(0, dtype=object)


def _too_many_hint(sep: str) -> str:
    if sep == ",":
        return ("a decimal comma splits a number in two in a ','-separated file: quote it (\"3,68\"), "
                "use a decimal point, or export with ';'")
    shown = "tab" if sep == "\t" else f"'{sep}'"
    return f"check for a stray {shown} or quote the value that contains it"


@dataclass
class _Parsed:
    header: list[str]
    frame: pd.DataFrame  # columns 0..width-1, every cell text
    cells: np.ndarray  # cells per row as written (0 for a blank line)
    lines: np.ndarray  # 1-based line where each row starts


def _parse_plain(text: str, sep: str) -> _Parsed | None:
    """A file without quotes: every line is a row, so counting separators is exact and vectorised."""
    physical = text.split("\n")
    if physical and physical[-1] == "":
        physical.pop()
    header, body = physical[0].split(sep), physical[1:]
    if not body:
        empty = pd.DataFrame({i: pd.Series(dtype=object) for i in range(len(header))})
        return _Parsed(header, empty, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    # Cells per line from the byte positions of separators and line ends (both ASCII, so never part of a
    # multi-byte UTF-8 character): no Python call per line.
    data = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    ends = np.flatnonzero(data == ord("\n"))
    if len(ends) < len(physical):
        ends = np.append(ends, len(data))
    separators = np.flatnonzero(data == ord(sep))
    per_line = np.diff(np.searchsorted(separators, ends), prepend=0)
    cells = per_line[1:len(physical)].astype(np.int64) + 1
    width = max(len(header), int(cells.max()))
    frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, header=None,
                        skip_blank_lines=False, skiprows=1, names=list(range(width)), index_col=False,
                        engine="c", skipinitialspace=True, quoting=csv.QUOTE_NONE)
    if len(frame) != len(body):
        return None  # the tokenizer saw the lines differently (e.g. a NUL byte); use the csv module
    return _Parsed(header, frame, cells, np.arange(2, len(body) + 2, dtype=np.int64))


def _parse_quoted(text: str, sep: str) -> _Parsed:
    """A file with quotes: the csv module, which also knows where a row spanning lines starts."""
    rows = list(csv.reader(io.StringIO(text), delimiter=sep, skipinitialspace=True))
    header, body = rows[0], rows[1:]
    physical = text.count("\n") + (0 if text.endswith("\n") else 1)
    if physical == len(rows):
        lines = np.arange(2, len(body) + 2, dtype=np.int64)
    else:  # a quoted cell spans lines: ask the reader where each row starts
        reader = csv.reader(io.StringIO(text), delimiter=sep, skipinitialspace=True)
        starts, end = [], 0
        for _ in reader:
            starts.append(end + 1)
            end = reader.line_num
        lines = np.array(starts[1:], dtype=np.int64)
    cells = np.fromiter(map(len, body), dtype=np.int64, count=len(body))
    width = max(len(header), int(cells.max()) if len(body) else 0)
    columns = list(itertools.zip_longest(*body, fillvalue="")) if body else []
    frame = pd.DataFrame({i: pd.Series(columns[i] if i < len(columns) else [""] * len(body), dtype=object)
                          for i in range(width)})
    return _Parsed(header, frame, cells, lines)


# A quote opens a quoted cell only where the cell starts (after any spaces); elsewhere it is a character of the
# cell, as spreadsheets read it on import and as the csv module does. A quoted cell ends at a quote that is not
# doubled.
_QUOTED_REST = re.compile(r'[^"]*(?:""[^"]*)*"(?!")')
_OPENING = {sep: re.compile(rf'(?:\A|(?<=[\n{re.escape(sep)}])) *"') for sep in (",", ";", "\t")}


def _unclosed_quote(text: str, sep: str, start: int) -> int | None:
    """The offset of a quote that opens a cell at or after `start` (where a row starts) and is never closed."""
    at = start
    while (opening := _OPENING[sep].search(text, at)) is not None:
        closed = _QUOTED_REST.match(text, opening.end())
        if closed is None:
            return opening.end() - 1
        at = closed.end()
    return None


def _cell_number(text: str, sep: str, row_start: int, quote: int) -> int:
    """The number (from 1) of the cell of the row starting at `row_start` that the quote at `quote` opens."""
    cell, at = 1, row_start
    while (opening := _OPENING[sep].search(text, at, quote + 1)) is not None and opening.end() - 1 < quote:
        cell += text.count(sep, at, opening.start())
        closed = _QUOTED_REST.match(text, opening.end())
        assert closed is not None, "a quote before the unclosed one is closed"
        at = closed.end()
    return cell + text.count(sep, at, quote)


def _line_start(text: str, line: int) -> int:
    at = 0
    for _ in range(line - 1):
        at = text.index("\n", at) + 1
    return at


TableReader = Callable[[Path, str, ProblemList, str, bool], "Table | None"]
# While a warm build session (session.py) reads a build's inputs, its reader, which keeps unchanged files'
# tables between builds and calls read_file_table for the others. Context-local: builds in other threads or
# tasks read as usual.
TABLE_READER: ContextVar[TableReader | None] = ContextVar("rapor_table_reader", default=None)


def read_table(path: Path, display: str, problems: ProblemList, rows: str = "one row per unit",
               may_be_empty: bool = False, root: Path | None = None) -> Table | None:
    """Read one CSV file as text cells, reporting every row and header that cannot be used.

    Rows with the wrong number of cells are reported and left out, so the rest of the file is still checked.
    Returns None when nothing usable is left (a header without rows is usable when `may_be_empty`: a log).
    With the project's `root`, a file inside it that is a link to a file outside it is reported, not read.
    """
    if root is not None:
        refused = link_out_of_project(path, root)
        if refused is not None:
            problems.error(display, 1, 1, *refused)
            return None
    reader = TABLE_READER.get()
    if reader is not None:
        return reader(path, display, problems, rows, may_be_empty)
    return read_file_table(path, display, problems, rows, may_be_empty)


def link_out_of_project(path: Path, root: Path) -> tuple[str, str] | None:
    """(message, hint) when `path`, named inside the project `root`, is (or lies in a folder that is) a symbolic
    link to a file outside the project; as under content/ and themes/, data is read from the project's own files,
    so a link cannot publish, or print in a message, a file from elsewhere (/etc/passwd). A path in rapor.toml
    that names a place outside the project is the config's own choice and is read. A link to nothing, a folder or
    a device is left to the reading, which says what it is."""
    root = root.resolve()
    absolute = Path(os.path.normpath(path if path.is_absolute() else root / path))  # data.registry = "../x.csv"
    if not absolute.is_relative_to(root):
        return None
    try:
        real = absolute.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if real.is_relative_to(root) or not real.is_file():
        return None
    return (f"a symbolic link leads this file outside the project ('{real.as_posix()}')",
            "copy the file into the project instead of linking to it, or name its place in rapor.toml")


def read_file_table(path: Path, display: str, problems: ProblemList, rows: str = "one row per unit",
                    may_be_empty: bool = False) -> Table | None:
    """read_table, from the file itself."""
    try:
        data = read_bytes(path)
    except OSError as exc:
        problems.error(display, 1, 1, *read_failure(exc, path, f"'{path.name}'"))
        return None
    decoded = decode(data, display, problems)
    if decoded is None:
        return None
    text = decoded.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        problems.error(display, 1, 1, "the file is empty", "export the sheet again with its header row and data")
        return None
    sep = _separator(text.split("\n", 1)[0])
    parsed = None if '"' in text else _parse_plain(text, sep)
    if parsed is None:
        failure = None
        # A cell may be as long as the file (a long quoted name): the csv module's 128 KiB default would refuse a
        # valid file, while a quote left open, which swallows the rest of the file, is found below either way.
        csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
        try:
            parsed = _parse_quoted(text, sep)
        except csv.Error as exc:  # e.g. a cell over the field size limit, which an unclosed quote makes
            failure = str(exc)
        # An unclosed quote swallows the rest of the file into one cell of the last row, or overflows a cell.
        last_row = int(parsed.lines[-1]) if parsed is not None and len(parsed.lines) else 1
        row_start = _line_start(text, last_row)
        quote = _unclosed_quote(text, sep, row_start)
        if quote is not None:
            # Its own line (a row's earlier cell may span lines) and, as in every message, its cell's number.
            if parsed is None:  # the rows are not known: the quote's row is taken to start on its line
                row_start = text.rfind("\n", 0, quote) + 1
            problems.error(display, text.count("\n", 0, quote) + 1, _cell_number(text, sep, row_start, quote),
                           "a quote (\") opened in this cell is never closed",
                           "close the quote or remove it; a quote inside a quoted cell is written twice (\"\")")
            return None
        if parsed is None:
            problems.error(display, 1, 1, f"the file cannot be read as CSV ({failure})",
                           "export the sheet again as 'CSV UTF-8'")
            return None

    header = [name.strip() for name in parsed.header]
    named = max((i + 1 for i, name in enumerate(header) if name), default=0)
    if named == 0:
        problems.error(display, 1, 1, "the first line holds no column names",
                       "the first line must be the header row, e.g. unit_id,index,grade")
        return None
    frame = parsed.frame.fillna("")
    if _padded(text, sep):  # stripping costs a Python call per cell; most exports need none
        frame = frame.apply(lambda col: col.str.strip())
    lines, cells = parsed.lines, parsed.cells
    blank = ~(frame != "").any(axis=1).to_numpy()
    extra = frame[list(range(named, frame.shape[1]))]
    too_many = ~blank & (extra != "").any(axis=1).to_numpy()
    too_few = ~blank & ~too_many & (cells < named)
    for line, count in zip(lines[too_many], cells[too_many], strict=True):
        problems.error(display, int(line), named + 1, f"this row has {count} cells but the header has {named}",
                       _too_many_hint(sep))
    for line, count in zip(lines[too_few], cells[too_few], strict=True):
        problems.error(display, int(line), int(count) + 1, f"this row has {count} cells but the header has {named}",
                       f"keep a cell for every column, even an empty one (e.g. a{sep}{sep}c)")

    columns: dict[str, int] = {}
    seen: dict[str, int] = {}
    keep: dict[int, str] = {}
    for number, name in enumerate(header[:named], start=1):
        if not name:
            continue  # an unnamed column cannot be mapped to anything
        folded = name.casefold()
        if folded in seen:
            problems.error(display, 1, number, f"column '{name}' appears twice",
                           f"the first is column {seen[folded]}; rename or delete one")
            continue
        seen[folded] = number
        columns[name] = number
        keep[number - 1] = name
    usable = ~blank & ~too_many & ~too_few
    frame = frame.loc[usable, list(keep)].rename(columns=keep)
    frame[LINE] = lines[usable]
    if frame.empty and not (may_be_empty and not (too_many.any() or too_few.any())):
        if not (too_many.any() or too_few.any()):
            problems.error(display, 1, 1, "the file has a header but no data rows",
                           f"add {rows} below the header")
        return None
    return Table(display, frame.reset_index(drop=True), columns)


def find_column(table: Table, header: str) -> str | None:
    """The frame column for a configured header, matched without regard to case or padding."""
    wanted = header.strip().casefold()
    for name in table.columns:
        if name.casefold() == wanted:
            return name
    return None


def is_marker(values: pd.Series, markers: frozenset[str]) -> np.ndarray:
    """Which cells are one of the 'not evaluated' markers (given casefolded), ignoring case."""
    return per_unique(values, lambda v: v.casefold() in markers).astype(bool)


def parse_numbers(table: Table, column: str, missing: frozenset[str], problems: ProblemList,
                  hint: str) -> pd.Series:
    """A text column as floats: decimal commas accepted, 'not evaluated' markers (any case) become NaN."""
    text = table.frame[column].astype(object)
    numbers = pd.to_numeric(text, errors="coerce").astype("float64")  # the fast path: plain decimal points
    # 'inf', 'Infinity' and '1e999' parse as infinite floats: no score is infinite, so they are not numbers.
    failed = ~np.isfinite(numbers.to_numpy())
    if not failed.any():
        return numbers
    rest = text[failed]
    marked = is_marker(rest, missing)
    retried = pd.to_numeric(rest.str.replace(",", ".", regex=False).where(~marked), errors="coerce")
    retried_values = retried.to_numpy(dtype="float64", copy=True)
    bad = ~np.isfinite(retried_values) & ~marked
    retried_values[bad] = np.nan
    numbers[failed] = retried_values
    if bad.any():
        col = table.column(column)
        for value, line in zip(rest[bad], table.frame.loc[failed, LINE].to_numpy()[bad], strict=True):
            problems.error(table.path, int(line), col, f"'{value}' is not a number (column '{column}')", hint)
    return numbers


def with_control(values: pd.Series) -> np.ndarray:
    """Which cells hold a control or invisible formatting character."""
    cells = values.tolist()
    # The pattern is one character class: the cells joined by a space (not in it) hold a match only if a cell
    # does, so the common case, none, costs one search instead of one per cell.
    if all(type(cell) is str for cell in cells) and CONTROL_CHARACTERS.search(" ".join(cells)) is None:
        return np.zeros(len(cells), dtype=bool)
    return values.str.contains(CONTROL_CHARACTERS.pattern, regex=True).fillna(False).to_numpy(dtype=bool)
