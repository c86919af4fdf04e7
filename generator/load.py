"""Read CSV exports into string DataFrames that remember where every cell came from.

Spreadsheet exports vary: a UTF-8 byte-order mark or Windows-1252, `,` or `;` separators, decimal
commas, padded cells, upper-case names. Everything is read as text (codes like `11.10` must not become
numbers); `parse_numbers` converts the score columns afterwards and reports every cell that is not one.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .config import Config
from .errors import ProblemList

LINE = "_line"


@dataclass(frozen=True)
class Table:
    """One CSV file: its cells as text, the 1-based line of every row, the column of every header."""

    path: str
    frame: pd.DataFrame  # one column per header plus LINE
    columns: dict[str, int]  # header as written -> 1-based column number

    def column(self, header: str) -> int:
        return self.columns.get(header, 1)


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" as Windows-1252; it decodes every byte, so this cannot fail.
        return data.decode("cp1252")


def _separator(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (";", ",", "\t")}
    return max(counts, key=lambda s: (counts[s], s == ","))


def read_table(path: Path, display: str, problems: ProblemList) -> Table | None:
    """Read one CSV file as text cells. Reports (and returns None for) files that cannot be used."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.error(display, 1, 1, f"cannot read the file: {exc.strerror}", "check that it exists and is readable")
        return None
    text = _decode(data).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        problems.error(display, 1, 1, "the file is empty", "export the sheet again with its header row and data")
        return None
    first_line = text.split("\n", 1)[0]
    sep = _separator(first_line)
    header = next(csv.reader([first_line], delimiter=sep))
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, header=None,
                            skip_blank_lines=False, skiprows=1, names=list(range(len(header))),
                            engine="c", quotechar='"')
    except pd.errors.ParserError as exc:
        found = re.search(r"line (\d+), saw (\d+)", str(exc))
        line = int(found.group(1)) if found else 1
        saw = f" ({found.group(2)} cells)" if found else ""
        problems.error(display, line, 1, f"this row has more cells than the header's {len(header)}{saw}",
                       f"check for a stray '{sep}' or an unquoted value containing it")
        return None
    columns: dict[str, int] = {}
    names = []
    for number, name in enumerate(header, start=1):
        name = name.strip()
        if name in columns:
            problems.error(display, 1, number, f"column '{name}' appears twice",
                           f"the first is column {columns[name]}; rename or delete one")
        columns.setdefault(name, number)
        names.append(name if columns[name] == number else f"{name}#{number}")
    frame.columns = names
    frame = frame.apply(lambda col: col.str.strip())
    frame[LINE] = np.arange(2, len(frame) + 2)
    cells = frame.drop(columns=LINE)
    frame = frame[(cells != "").any(axis=1)] if len(cells.columns) else frame.iloc[0:0]
    if frame.empty:
        problems.error(display, 1, 1, "the file has a header but no data rows", "add one row per unit below the header")
        return None
    return Table(display, frame.reset_index(drop=True), columns)


def find_column(table: Table, header: str) -> str | None:
    """The frame column for a configured header, matched without regard to case or padding."""
    wanted = header.strip().casefold()
    for name in table.columns:
        if name.casefold() == wanted:
            return name
    return None


def parse_numbers(table: Table, column: str, missing: frozenset[str], problems: ProblemList,
                  hint: str) -> pd.Series:
    """A text column as floats: decimal commas accepted, 'not evaluated' markers become NaN."""
    text = table.frame[column]
    is_missing = text.isin(missing)
    numbers = pd.to_numeric(text.str.replace(",", ".", regex=False).where(~is_missing), errors="coerce")
    bad = numbers.isna() & ~is_missing
    if bad.any():
        col = table.column(column)
        for value, line in zip(text[bad], table.frame.loc[bad, LINE], strict=True):
            problems.error(table.path, int(line), col, f"'{value}' is not a number (column '{column}')", hint)
    return numbers.astype("float64")


def load_provinces(config: Config, problems: ProblemList) -> pd.DataFrame:
    """Province codes and names from the reference CSV (columns kode, nama)."""
    display = config.rel(config.data.provinces)
    table = read_table(config.data.provinces, display, problems)
    if table is None:
        return pd.DataFrame({"code": pd.Series(dtype=str), "name": pd.Series(dtype=str)})
    for needed in ("kode", "nama"):
        if find_column(table, needed) is None:
            problems.error(display, 1, 1, f"missing column '{needed}'", "the province file needs kode and nama")
            return pd.DataFrame({"code": pd.Series(dtype=str), "name": pd.Series(dtype=str)})
    frame = table.frame
    return pd.DataFrame({"code": frame[find_column(table, "kode")], "name": frame[find_column(table, "nama")]})


REGISTRY_COLUMNS = ("id", "name", "level", "type", "province", "regency", "former_ids", "former_names")
REQUIRED_REGISTRY = ("id", "name", "level", "type")


def load_registry(config: Config, problems: ProblemList) -> Table | None:
    """The unit registry as text cells; `validate.check_registry` turns it into the unit table."""
    display = config.rel(config.data.registry)
    table = read_table(config.data.registry, display, problems)
    if table is None:
        return None
    missing = [c for c in REQUIRED_REGISTRY if find_column(table, c) is None]
    for name in missing:
        problems.error(display, 1, 1, f"missing column '{name}'",
                       "the registry needs the columns " + ",".join(REGISTRY_COLUMNS))
    return None if missing else table


def result_files(config: Config, problems: ProblemList) -> list[tuple[int | None, Path]]:
    """The result files to read, each with the year its name gives (per-year layout) or None (long)."""
    source = config.data.results
    display = config.rel(source)
    if config.data.layout == "long":
        if not source.is_file():
            problems.error(display, 1, 1, "the results file does not exist",
                           "set data.results in rapor.toml to your CSV file")
            return []
        return [(None, source)]
    if not source.is_dir():
        problems.error(display, 1, 1, "the results folder does not exist",
                       "set data.results to the folder holding one <year>.csv per year")
        return []
    files = []
    for path in sorted(source.iterdir()):
        if path.name.startswith(".") or path.is_dir():
            continue
        stem_is_year = re.fullmatch(r"(19|20)\d\d", path.stem) is not None
        if path.suffix.lower() != ".csv" or not stem_is_year:
            problems.error(config.rel(path), 1, 1, f"file name '{path.name}' is not a year",
                           "name each yearly file after its year, e.g. 2023.csv")
            continue
        files.append((int(path.stem), path))
    if not files and not problems.errors:
        problems.error(display, 1, 1, "no <year>.csv files in the results folder", "add e.g. 2023.csv")
    return files
