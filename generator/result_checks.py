"""Checks on the result files: every problem is collected, none stops the others from being found.

Produces the clean result table the model is built from, each row resolved to a registry id. The checks
are vectorised; Python loops run only over the rows that have a problem, to word its message.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from contextvars import ContextVar
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from .columns import likely_field, report_unread
from .config import Config
from .csv_read import LINE, Table, find_column, is_marker, parse_numbers, per_unique, read_table, with_control
from .errors import CONTROL_HINT, ProblemList, shown
from .names import aspect_column
from .registry_checks import id_refusal, name_key
from .rounding import format_fixed

SUGGESTION_LIMIT = 10  # 'closest known' hints cost ~0.1 s each against 20,000 units; the first few suffice


def _name_keys(names: pd.Series) -> pd.Series:
    """`name_key` of every name in a column at once."""
    return names.str.casefold().str.split().str.join(" ")


class _Registry:
    """Finds registry ids by id (current or former) or by name (current or former, ignoring case and spacing).

    The name tables are built on first use: most files give ids, and 20,000 names take a while to fold.
    """

    def __init__(self, units: pd.DataFrame, registry_path: str, match: bool = True) -> None:
        self.match = match
        self.units = units
        self.registry_path = registry_path
        self.by_id: dict[str, str] = {}
        for unit_id, former_ids in units["former_ids"].items():
            for former in former_ids:
                self.by_id.setdefault(former, str(unit_id))
        self.by_id.update({str(unit_id): str(unit_id) for unit_id in units.index})
        self.suggestions_left = SUGGESTION_LIMIT

    @cached_property
    def _claims(self) -> tuple[dict[str, str], dict[str, list[str]]]:
        claimed: dict[str, list[str]] = {}
        for unit_id, name, former_names in zip(self.units.index, self.units["name"], self.units["former_names"],
                                               strict=True):
            for key in dict.fromkeys(name_key(label) for label in (name, *former_names)):
                claimed.setdefault(key, []).append(str(unit_id))
        unique = {key: owners[0] for key, owners in claimed.items() if len(owners) == 1}
        return unique, {key: sorted(owners) for key, owners in claimed.items() if len(owners) > 1}

    @property
    def by_name(self) -> dict[str, str]:
        return self._claims[0]

    @property
    def ambiguous(self) -> dict[str, list[str]]:
        return self._claims[1]

    @cached_property
    def _ids(self) -> list[str]:
        return [str(unit_id) for unit_id in self.units.index]

    @cached_property
    def _names(self) -> dict[str, str]:
        return dict(zip(self._ids, (str(n) for n in self.units["name"]), strict=True))

    @cached_property
    def _name_owner(self) -> dict[str, str]:
        return {name.lower(): unit_id for unit_id, name in reversed(self._names.items())}

    def suggest(self, raw_id: str, name: str) -> str:
        """'closest known' hint: registry ids near the written id and names near the written name."""
        if self.suggestions_left <= 0:
            return f"check it against {self.registry_path} (suggestions are given for the first few only)"
        self.suggestions_left -= 1
        hits: list[str] = []
        if raw_id:
            hits += difflib.get_close_matches(raw_id, self._ids, n=3, cutoff=0.6)
        if name:
            hits += [self._name_owner[h] for h in
                     difflib.get_close_matches(name.lower(), list(self._name_owner), n=3, cutoff=0.6)]
        unique = list(dict.fromkeys(hits))[:3]
        if not unique:
            return f"add the unit to {self.registry_path} or correct it"
        shown = ", ".join(f"'{h}' ({self._names[h]})" for h in unique)
        return f"closest known: {shown}; or add the unit to {self.registry_path}"


# While a warm build session (session.py) reads a build's inputs, its checker: checker(key, check, problems)
# returns check(found)'s frame, or the frame checked last time under an equal key with the problems found then
# reported again. check returns (frame, whether it may be kept). Context-local, as csv_read.TABLE_READER.
CheckedFrame = tuple[pd.DataFrame | None, bool]
TableChecker = Callable[[tuple[object, ...], Callable[[ProblemList], CheckedFrame], ProblemList], pd.DataFrame | None]
TABLE_CHECKER: ContextVar[TableChecker | None] = ContextVar("rapor_table_checker", default=None)


def _checker(config: Config, registry: _Registry, problems: ProblemList, strict: bool
             ) -> Callable[[Table, int | None], pd.DataFrame | None]:
    """_check_table, through the session's checker when there is one. The key holds all a check reads: the
    config, the table's cells, lines and headers, the file's year, strictness and what the registry matches by
    (ids, names, former ones). A check that gave a suggestion is not kept: suggestions are counted across files."""
    checker = TABLE_CHECKER.get()
    if checker is None:
        return lambda table, year: _check_table(config, table, year, registry, problems, strict)
    from .catalog import frame_digest
    from .incremental import stable_digest

    units = registry.units
    matched_by = stable_digest((registry.match, [str(i) for i in units.index], units["name"].tolist(),
                                units["former_ids"].tolist(), units["former_names"].tolist()))
    # (Not which id objects the rows hold: fingerprints hash values, not how objects are shared: incremental.py.)

    def check(table: Table, year: int | None) -> pd.DataFrame | None:
        def fresh(found: ProblemList) -> CheckedFrame:
            before = registry.suggestions_left
            return _check_table(config, table, year, registry, found, strict), registry.suggestions_left == before

        key = (config, table.path, sorted(table.columns.items()), frame_digest(table.frame), year, strict,
               matched_by)
        return checker(key, fresh, problems)
    return check


def check_results(config: Config, files: list[tuple[int | None, Path]], units: pd.DataFrame,
                  problems: ProblemList, strict: bool, match_units: bool = True) -> pd.DataFrame:
    """Every result row, checked and resolved to a registry id, as one long DataFrame.

    With `match_units` False (the registry could not be read) rows are checked but not matched to units.
    """
    registry = _Registry(units, config.rel(config.data.registry), match_units)
    check = _checker(config, registry, problems, strict)
    frames = [
        frame
        for year, path in files
        if (table := read_table(path, config.rel(path), problems, root=config.root)) is not None
        and (frame := check(table, year)) is not None
    ]
    aspects = [aspect_column(key) for key in config.scheme.aspect_keys]
    if not frames:
        columns = ["year", "unit_id", "index", "grade", *aspects, "path", "line"]
        return pd.DataFrame({c: pd.Series(dtype="float64" if c in aspects or c == "index" else "object")
                             for c in columns})
    return pd.concat(frames, ignore_index=True)


def _check_table(config: Config, table: Table, file_year: int | None, registry: _Registry,
                 problems: ProblemList, strict: bool) -> pd.DataFrame | None:
    scheme = config.scheme
    headers = {field: find_column(table, header) for field, header in config.columns.items()}
    needed = ["index", *scheme.aspect_keys] + (["year"] if file_year is None else [])
    if headers["unit_id"] is None and headers["unit_name"] is None:
        needed.append("unit_id")
    absent = [f for f in needed if headers[f] is None]
    labels = {a.key: (a.label_id, a.label_en) for a in scheme.aspects}
    # A per-year file needs no year column: the year is not offered as a field a stray column might hold.
    not_found = {f: (config.columns[f], *labels.get(f, ())) for f, h in headers.items()
                 if h is None and not (f == "year" and file_year is not None)}
    read = [h for h in headers.values() if h is not None]
    if absent:
        _report_missing(table, absent, config, read, not_found, problems)
        return None
    report_unread(table, read, config.data.ignore_columns, not_found, problems, strict, "results")
    frame = table.frame
    line = frame[LINE].to_numpy()
    missing = config.data.not_evaluated
    example = f"{scheme.scale_min + (scheme.scale_max - scheme.scale_min) * 0.736:.{scheme.precision}f}"
    number_hint = (f"use a number between {scheme.scale_min:g} and {scheme.scale_max:g}, "
                   f"e.g. {example} or {example.replace('.', ',')}")
    out = pd.DataFrame({"line": line})
    year_column = headers["year"]
    if year_column is not None:
        year_text = frame[year_column]
        good_year = per_unique(year_text, lambda y: re.fullmatch(r"(19|20)\d\d", y) is not None).astype(bool)
        if file_year is not None:
            good_year = ~((year_text != str(file_year)) & (year_text != "")).to_numpy(dtype=bool)
            hint = f"this file holds {file_year} (its name says so); move the row or correct the year"
            message = "year '{}' does not match the file name"
        else:
            hint, message = "write the year as four digits, e.g. 2023", "'{}' is not a year"
        for value, row_line in zip(year_text[~good_year], line[~good_year], strict=True):
            problems.error(table.path, int(row_line), table.column(year_column),
                           message.format(value) if value else "the year is missing", hint)
    if file_year is None and year_column is not None:
        out["year"] = pd.to_numeric(frame[year_column].where(good_year), errors="coerce").fillna(0).astype("int64")
    else:
        out["year"] = np.int64(file_year or 0)

    index_column = headers["index"]
    assert index_column is not None
    index = parse_numbers(table, index_column, missing, problems, number_hint)
    index_left_out = is_marker(frame[index_column], missing)
    grade_column = headers["grade"]
    grade = (frame[grade_column].astype(object) if grade_column is not None
             else pd.Series("", index=frame.index, dtype=object))
    if config.data.zero_is_missing:
        zero = (index == 0).to_numpy()
        _warn_graded_zeros(table, index_column, grade_column, grade, zero & ~is_marker(grade, missing), line,
                           problems.error if strict else problems.warning)
        index = index.mask(zero)
        # Exports often write grade 0 for a unit not evaluated; with a real index, '0' stays a wrong grade.
        grade = grade.mask(zero | ((grade == "0") & index.isna()).to_numpy(), "")
    grade = grade.mask(is_marker(grade, missing), "")
    out["index"] = index.to_numpy()
    for key in scheme.aspect_keys:
        aspect_header = headers[key]
        assert aspect_header is not None
        out[aspect_column(key)] = parse_numbers(table, aspect_header, missing, problems, number_hint).to_numpy()
    for field in ("index", *scheme.aspect_keys):
        header = headers[field]
        values = out["index" if field == "index" else aspect_column(field)]
        outside = ((values < scheme.scale_min) | (values > scheme.scale_max)).to_numpy()
        for value, row_line in zip(values[outside], line[outside], strict=True):
            problems.error(table.path, int(row_line), table.column(header),
                           f"{value:g} is outside the scale {scheme.scale_min:g}–{scheme.scale_max:g} "
                           f"(column '{header}')", number_hint)
    out["unit_id"], out["column"] = _resolve_units(table, headers, registry, problems)
    out["grade"] = grade.to_numpy()
    _check_grades(config, table, out, grade_column, index_left_out, problems)
    _check_weights(config, table, out, index_column, problems, strict)
    _check_duplicates(table, out, problems)
    out["path"] = table.path
    return out


def _report_missing(table: Table, absent: list[str], config: Config, read: list[str],
                    not_found: dict[str, tuple[str, ...]], problems: ProblemList) -> None:
    """A missing column's error names the file's header that most likely holds it, or the headers there are."""
    unread = [h for h in table.columns if h not in read and h.strip().casefold() not in config.data.ignore_columns]
    for field in absent:
        header = config.columns[field]
        hint = f"add it, or map Rapor's field '{field}' to your header under [columns] in rapor.toml"
        meant = [h for h in unread if likely_field(h, {field: not_found[field]}) == field]
        if meant:
            hint = (f"the file has '{meant[0]}': map it under [columns] in rapor.toml ({field} = \"{meant[0]}\"), "
                    f"or name the column '{header}'")
        else:
            found = list(table.columns)
            hint += "; the file's headers: " + ", ".join(found[:12]) + (", …" if len(found) > 12 else "")
        problems.error(table.path, 1, 1, f"missing column '{header}'", hint)


def _resolve_units(table: Table, headers: dict[str, str | None], registry: _Registry,
                   problems: ProblemList) -> tuple[np.ndarray, np.ndarray]:
    """The registry id of every row ('' where unknown) and the column that named the unit."""
    frame = table.frame
    id_header, name_header = headers["unit_id"], headers["unit_name"]
    empty = pd.Series("", index=frame.index, dtype=object)
    raw_ids = frame[id_header].astype(object) if id_header else empty
    names = frame[name_header].astype(object) if name_header else empty
    has_id = (raw_ids != "").to_numpy()
    name_keys = pd.Series("", index=frame.index, dtype=object)
    resolved = raw_ids.map(registry.by_id).astype(object)
    if not has_id.all():  # names are only looked up where the id is left out (the name table is built then)
        if name_header:
            name_keys[~has_id] = _name_keys(names[~has_id])
        resolved = resolved.where(has_id, name_keys.map(registry.by_name).astype(object))
    id_column, name_column = table.column(id_header), table.column(name_header)
    columns = np.where(has_id, id_column, name_column if name_header else id_column)
    # A name is matched, and shown in messages: control and invisible formatting characters are refused.
    bad_name = with_control(names)
    for name, line in zip(names[bad_name], frame.loc[bad_name, LINE], strict=True):
        problems.error(table.path, int(line), name_column,
                       f"the unit name '{name}' holds a control or invisible character", CONTROL_HINT)
    unknown = resolved.isna().to_numpy() & registry.match & ~(bad_name & ~has_id)
    for raw_id, name, key, line in zip(raw_ids[unknown], names[unknown], name_keys[unknown],
                                       frame.loc[unknown, LINE], strict=True):
        if raw_id:
            refused = id_refusal(raw_id)
            if refused is not None:
                problems.error(table.path, int(line), id_column, f"unit id '{raw_id}' {refused[0]}",
                               refused[1])
            else:
                problems.error(table.path, int(line), id_column, f"unit '{raw_id}' is not in the registry",
                               registry.suggest(raw_id, name))
        elif key and key in registry.ambiguous:
            problems.error(table.path, int(line), name_column,
                           f"the name '{name}' belongs to several units: " + ", ".join(registry.ambiguous[key]),
                           "give this row's unit id" + (" in the id column" if id_header else
                                                        ", e.g. in a unit_id column"))
        elif name:
            problems.error(table.path, int(line), name_column, f"no unit named '{name}' in the registry",
                           registry.suggest("", name))
        else:
            problems.error(table.path, int(line), id_column, "this row names no unit",
                           "fill in the unit id (or the unit name)")
    return resolved.fillna("").to_numpy(dtype=object), columns


def _warn_graded_zeros(table: Table, index_column: str, grade_column: str | None, grade: pd.Series,
                       zero: np.ndarray, line: np.ndarray, report: Callable[..., None]) -> None:
    """An index of 0 is read as 'not evaluated' (data.zero_is_missing), which drops the unit from the rankings:
    a row that grades such a unit most likely lost its index on the way, and is said so, not silently dropped."""
    if grade_column is None:
        return
    graded = zero & ~grade.astype(str).str.strip().isin(("", "0")).to_numpy()
    for value, row_line in zip(grade[graded], line[graded], strict=True):
        report(table.path, int(row_line), table.column(index_column), "index 0 is read as not evaluated "
               f"(data.zero_is_missing), but the row gives grade '{shown(str(value))}'",
               "write the unit's index; for a unit not evaluated leave the index and the grade empty")


def _check_grades(config: Config, table: Table, out: pd.DataFrame, grade_column: str | None,
                  index_left_out: np.ndarray, problems: ProblemList) -> None:
    if grade_column is None:
        return
    scheme = config.scheme
    column = table.column(grade_column)
    letters = {band.letter.casefold(): band.letter for band in scheme.grades}
    given = out["grade"].astype(object)
    canonical = pd.Series(per_unique(given, lambda g: letters.get(g.casefold())), index=given.index)
    written = (given != "").to_numpy()
    unknown = written & canonical.isna().to_numpy()
    for value, line in zip(given[unknown], out.loc[unknown, "line"], strict=True):
        problems.error(table.path, int(line), column, f"unknown grade '{value}'",
                       "use one of: " + ", ".join(b.letter for b in scheme.grades))
    no_index = written & ~unknown & index_left_out
    for value, line in zip(given[no_index], out.loc[no_index, "line"], strict=True):
        problems.error(table.path, int(line), column, f"grade '{value}' is given but the index is missing",
                       "fill in the index, or leave the grade empty if the unit was not evaluated")
    if config.grades_in_error:
        return  # the grade bands have errors of their own (reported in rapor.toml): no index can be graded
    expected = scheme.grade_letters(out["index"])
    wrong = written & ~unknown & ~no_index & (canonical != expected).fillna(False).to_numpy(dtype=bool)
    published = scheme.round(out["index"])
    for value, index, should, line in zip(given[wrong], published[wrong], expected[wrong],
                                          out.loc[wrong, "line"], strict=True):
        band = scheme.band(str(should))
        p = scheme.precision
        span = f" ({band.min:.{p}f}–{band.max:.{p}f})" if band else ""
        problems.error(table.path, int(line), column,
                       f"grade '{value}' contradicts index {index:.{p}f}, which is grade {should}",
                       f"grade {should} is {span.strip(' ()')}; correct the grade or the index" if band else
                       "correct the grade or the index")


def _check_weights(config: Config, table: Table, out: pd.DataFrame, index_column: str, problems: ProblemList,
                   strict: bool) -> None:
    """Warn (or, with --strict, fail) where the index is not the weighted sum of the aspects of its year.

    Only aspects weighted in that year count; a row missing any of those, or its index, cannot be checked.
    """
    scheme = config.scheme
    if not scheme.aspects:
        return
    report = problems.error if strict else problems.warning
    column = table.column(index_column)
    p = scheme.precision
    year_of_row = out["year"].to_numpy(dtype=np.int64)
    for year in (int(y) for y in np.unique(year_of_row[year_of_row > 0])):
        if scheme.weights_source(year) in config.weights_in_error:
            continue  # the weights in force have errors of their own (reported in rapor.toml)
        rows = out[year_of_row == year]
        weights = {k: w for k, w in scheme.weights_for(year).items() if w and k in scheme.aspect_keys}
        if not weights:
            continue
        values = rows[[aspect_column(k) for k in weights]].to_numpy(dtype="float64")
        weighted = pd.Series(values @ (np.array(list(weights.values())) / 100.0), index=rows.index)
        checkable = rows["index"].notna() & weighted.notna()
        off = (checkable & ((rows["index"] - weighted).abs() > scheme.tolerance + 1e-9)).to_numpy()
        shown = ", ".join(f"{k} {w:g}%" for k, w in weights.items())
        for index, expected, line in zip(rows.loc[off, "index"], weighted[off], rows.loc[off, "line"], strict=True):
            report(table.path, int(line), column,
                   f"index {format_fixed(index, p)} differs from the weighted aspects ({expected:.{p + 1}f}) "
                   f"by more than {scheme.tolerance:g}",
                   f"weights for {year}: {shown}; check the index and the aspect scores")


def _check_duplicates(table: Table, out: pd.DataFrame, problems: ProblemList) -> None:
    """A unit (under its current or a former id or name) may appear once per year."""
    known = (out["unit_id"] != "").to_numpy()
    twice = out.duplicated(["year", "unit_id"], keep="first").to_numpy() & known
    if not twice.any():
        return
    first = out.groupby(["year", "unit_id"])["line"].transform("first")
    for unit_id, year, line, column, first_line in zip(out.loc[twice, "unit_id"], out.loc[twice, "year"],
                                                       out.loc[twice, "line"], out.loc[twice, "column"],
                                                       first[twice], strict=True):
        problems.error(table.path, int(line), int(column), f"unit '{unit_id}' appears twice in {int(year)}",
                       f"the first is on line {int(first_line)}; keep one row per unit and year")
