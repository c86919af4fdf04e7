"""Load the registry, the reference lists and the list of result files, each read with `csv_read`.

Every file is read as text cells (codes like `11.10` must not become numbers) and every problem is collected.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd

from .columns import likely_field, report_unread
from .config import Config
from .csv_read import LINE, Table, find_column, is_marker, parse_numbers, per_unique, read_table, with_control
from .errors import CONTROL_HINT, ProblemList, shown
from .file_names import WINDOWS_DEVICE, WINDOWS_HINT

__all__ = [
    "LINE",
    "Table",
    "find_column",
    "is_marker",
    "load_provinces",
    "load_regencies",
    "load_registry",
    "parse_numbers",
    "per_unique",
    "read_table",
    "result_files",
]

SAFE_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def _reference(table: Table | None, what: str, pattern: str, example: str,
               problems: ProblemList) -> pd.DataFrame | None:
    """Codes and names (columns kode, nama) of a Kemendagri reference list, every code checked.

    None when the file cannot be used (the problem is reported).
    """
    if table is None:
        return None
    display = table.path
    code_column, name_column = find_column(table, "kode"), find_column(table, "nama")
    if code_column is None or name_column is None:
        for needed, found in (("kode", code_column), ("nama", name_column)):
            if found is None:
                problems.error(display, 1, 1, f"missing column '{needed}'",
                               f"the {what} file needs the columns kode (Kemendagri code) and nama")
        return None
    frame = table.frame
    codes = frame[code_column].astype(object)
    column = table.column(code_column)
    bad = ~(codes.str.fullmatch(pattern).fillna(False) & ~codes.str.contains("..", regex=False)).to_numpy(dtype=bool)
    for code, line in zip(codes[bad], frame.loc[bad, LINE], strict=True):
        problems.error(display, int(line), column, f"{what} code '{code}' is not allowed",
                       f"use the Kemendagri code: {example}")
    # Codes name folders of the site (province/<code>/): one that Windows cannot store is refused too.
    device = ~bad & (codes.str.fullmatch(WINDOWS_DEVICE.pattern).fillna(False) | codes.str.endswith(".")).to_numpy()
    for code, line in zip(codes[device], frame.loc[device, LINE], strict=True):
        problems.error(display, int(line), column, f"{what} code '{code}' cannot name a folder on Windows",
                       WINDOWS_HINT)
    bad |= device
    names = frame[name_column].astype(object)
    for name, line in zip(names[with_control(names)], frame.loc[with_control(names), LINE], strict=True):
        problems.error(display, int(line), table.column(name_column),
                       f"{what} name '{name}' holds a control or invisible character", CONTROL_HINT)
    twice = codes.duplicated() & ~bad
    for code, line in zip(codes[twice], frame.loc[twice, LINE], strict=True):
        problems.error(display, int(line), column, f"{what} code '{code}' appears twice", f"list each {what} once")
    return pd.DataFrame({"code": codes.to_numpy(dtype=object),
                         "name": frame[name_column].astype(object).to_numpy(dtype=object)})


def load_provinces(config: Config, problems: ProblemList) -> pd.DataFrame:
    """Province codes and names from the reference CSV (columns kode, nama); codes become folder names."""
    table = read_table(config.data.provinces, config.rel(config.data.provinces), problems, "one row per province",
                       root=config.root)
    found = _reference(table, "province", SAFE_CODE.pattern, "digits, e.g. 35", problems)
    if found is None:  # reported; units are then not checked against an empty list
        return pd.DataFrame({"code": pd.Series(dtype=object), "name": pd.Series(dtype=object)})
    return found


REGENCY_CODE = re.compile(r"\d\d\.\d\d")


def load_regencies(config: Config, problems: ProblemList) -> pd.DataFrame | None:
    """Regency and city codes (`35.07`, always text) and names from the reference CSV (columns kode, nama).

    None when there is no list: `data.regencies = ""`, left at its default and the file is absent, or the file
    cannot be used (which is reported).
    """
    path = config.data.regencies
    if path is None or (config.data.regencies_optional and not os.path.lexists(path)):
        return None
    table = read_table(path, config.rel(path), problems, "one row per regency or city", root=config.root)
    return _reference(table, "regency", REGENCY_CODE.pattern, "<province>.<nn>, e.g. 35.07", problems)


REGISTRY_COLUMNS = ("id", "name", "level", "type", "province", "regency", "former_ids", "former_names")
REQUIRED_REGISTRY = ("id", "name", "level", "type")


def load_registry(config: Config, problems: ProblemList, strict: bool = False) -> Table | None:
    """The unit registry as text cells; `registry_checks.check_registry` turns it into the unit table.

    A column that is not one of the registry's is reported (a misspelled `former_ids` would drop them all).
    """
    display = config.rel(config.data.registry)
    table = read_table(config.data.registry, display, problems, root=config.root)
    if table is None:
        return None
    found = {c: find_column(table, c) for c in REGISTRY_COLUMNS}
    missing = [c for c in REQUIRED_REGISTRY if found[c] is None]
    unread = [h for h in table.columns if h not in found.values() and h.strip().casefold()
              not in config.data.ignore_columns]
    for name in missing:
        meant = [h for h in unread if likely_field(h, {name: ()}) == name]
        problems.error(display, 1, 1, f"missing column '{name}'",
                       f"the file has '{meant[0]}': rename it to {name}" if meant else
                       "the registry needs the columns " + ",".join(REGISTRY_COLUMNS))
    report_unread(table, [h for h in found.values() if h is not None], config.data.ignore_columns,
                  {c: () for c, h in found.items() if h is None}, problems, strict, "registry")
    return None if missing else table


def result_files(config: Config, problems: ProblemList) -> list[tuple[int | None, Path]]:
    """The result files to read, each with the year its name gives (per-year layout) or None (long)."""
    source = config.data.results
    display = config.rel(source)
    if config.data.layout == "long":
        if os.path.isdir(source):
            problems.error(display, 1, 1, "data.results names a folder, but data.layout = \"long\" reads one file",
                           "set data.results to your CSV file, or use data.layout = \"per-year\" for a folder of "
                           "<year>.csv files")
            return []
        if not os.path.lexists(source) and _missing(source):
            problems.error(display, 1, 1, "the results file does not exist",
                           "set data.results in rapor.toml to your CSV file")
            return []
        return [(None, source)]  # read_table reports any other failure to read it
    try:
        entries = sorted(source.iterdir())
    except OSError as exc:
        problems.error(display, 1, 1, *_folder_failure(exc, source))
        return []
    files: list[tuple[int | None, Path]] = []
    misnamed = False
    for path in entries:
        if path.name.startswith(".") or (os.path.isdir(path) and path.suffix.lower() != ".csv"):
            continue  # hidden files and plain sub-folders (e.g. an archive) are not result files
        stem_is_year = re.fullmatch(r"(19|20)\d\d", path.stem) is not None
        if path.suffix.lower() != ".csv" or not stem_is_year:
            problems.error(config.rel(path), 1, 1, f"file name '{path.name}' is not a year",
                           "name each yearly file after its year, e.g. 2023.csv")
            misnamed = True
            continue
        files.append((int(path.stem), path))
    if not files and not misnamed:
        problems.error(display, 1, 1, "no <year>.csv files in the results folder", "add e.g. 2023.csv")
    return files


def _missing(path: Path) -> bool:
    """Whether `path` is simply absent (its folder exists and holds no such name)."""
    try:
        os.stat(path)
    except FileNotFoundError:
        return True
    except OSError:
        return False  # another failure (a path through a file, no permission): read_table words it
    return False


def _folder_failure(exc: OSError, source: Path) -> tuple[str, str]:
    """Why the results folder of the per-year layout cannot be listed, and what to do."""
    per_year = "set data.results to the folder holding one <year>.csv per year"
    if isinstance(exc, NotADirectoryError) and os.path.isfile(source):
        return ("data.results names a file, but data.layout = \"per-year\" reads a folder",
                per_year + ", or use data.layout = \"long\" for one file with a year column")
    if isinstance(exc, FileNotFoundError) and os.path.islink(source):
        return (f"the results folder is a link to {shown(os.readlink(source))}, which does not exist",
                "point the link at the folder, or put the folder in its place")
    if isinstance(exc, FileNotFoundError):
        return "the results folder does not exist", per_year
    if isinstance(exc, NotADirectoryError):
        return ("the results folder cannot be reached: a part of its path is a file, not a folder",
                "correct data.results in rapor.toml")
    if isinstance(exc, PermissionError):
        return ("no permission to read the results folder",
                "give read and search permission to the folder (e.g. chmod a+rx FOLDER), or run rapor as its owner")
    return f"cannot read the results folder: {exc.strerror or exc}", "check the disk and the folder"
