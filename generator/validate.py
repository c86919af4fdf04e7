"""Checks on the loaded tables: every problem is collected, none stops the others from being found.

Produces the clean unit table and result table the model is built from. The checks are vectorised; Python
loops run only over the rows that have a problem, to word its message.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from .config import Config
from .errors import ProblemList
from .load import LINE, Table, find_column, is_marker, parse_numbers, per_unique, read_table

SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
ID_HINT = "use letters, digits, '.', '-' and '_' only (e.g. 35.07-dpmptsp); no '/', '\\' or '..'"
LIST_SEP = "|"
SUGGESTION_LIMIT = 10  # 'closest known' hints cost ~0.1 s each against 20,000 units; the first few suffice


def unsafe_id(unit_id: str) -> bool:
    """True for ids that could name a path outside the unit's own folder, or none at all."""
    return SAFE_ID.fullmatch(unit_id) is None or ".." in unit_id


def _unsafe_ids(ids: pd.Series) -> np.ndarray:
    safe = ids.str.fullmatch(SAFE_ID.pattern).fillna(False) & ~ids.str.contains("..", regex=False)
    return ~safe.to_numpy(dtype=bool)


def describe_id(unit_id: str) -> str:
    return unit_id.encode("unicode_escape").decode("ascii")


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split(LIST_SEP) if part.strip())


def name_key(name: str) -> str:
    return " ".join(name.casefold().split())


def _name_keys(names: pd.Series) -> pd.Series:
    return names.str.casefold().str.split().str.join(" ")


def _one_of(keys: list[str], what: str) -> str:
    return "use one of: " + ", ".join(keys) + f" ({what} are declared in rapor.toml)"


def check_registry(config: Config, table: Table, provinces: pd.DataFrame, problems: ProblemList,
                   regencies: pd.DataFrame | None = None) -> pd.DataFrame:
    """The unit registry as a DataFrame indexed by id, after checking every row.

    Regency codes are checked against `regencies` (code, name) when there is such a list.
    """
    frame = table.frame
    get = {c: find_column(table, c) for c in ("id", "name", "level", "type", "province", "regency",
                                              "former_ids", "former_names")}
    col = {name: table.column(column) for name, column in get.items()}

    def cells(name: str) -> pd.Series:
        column = get[name]
        return frame[column].astype(object) if column is not None else pd.Series("", index=frame.index, dtype=object)

    def report(mask: np.ndarray, field: str, message: Callable[[dict[str, str]], str],
               hint: Callable[[dict[str, str]], str]) -> None:
        """One error per flagged row, worded from that row's cells."""
        if not mask.any():
            return
        values = {name: cells(name)[mask].to_numpy(dtype=object) for name in get}
        for i, line in enumerate(frame.loc[mask, LINE]):
            row = {name: str(v[i]) for name, v in values.items()}
            problems.error(table.path, int(line), col[field], message(row), hint(row))

    ids, lines = cells("id"), frame[LINE].to_numpy()
    empty_id = (ids == "").to_numpy()
    unsafe = _unsafe_ids(ids) & ~empty_id
    report(empty_id, "id", lambda r: "this row has no unit id",
           lambda r: "give every unit an id, e.g. 35.07-dpmptsp; " + ID_HINT)
    report(unsafe, "id", lambda r: f"unit id '{describe_id(r['id'])}' is not allowed", lambda r: ID_HINT)
    usable = ~empty_id & ~unsafe
    folded = ids.str.casefold()
    twice = folded.duplicated().to_numpy() & usable
    if twice.any():
        first_id = ids.groupby(folded).transform("first")
        first_line = pd.Series(lines, index=frame.index).groupby(folded).transform("first")
        for unit_id, other, line, other_line in zip(ids[twice], first_id[twice], lines[twice], first_line[twice],
                                                    strict=True):
            if unit_id == other:
                problems.error(table.path, int(line), col["id"], f"unit id '{unit_id}' appears twice",
                               f"each unit needs its own id; the first is on line {other_line}")
            else:
                problems.error(table.path, int(line), col["id"],
                               f"unit id '{unit_id}' differs from '{other}' (line {other_line}) only in case",
                               "ids name folders, which Windows and macOS would treat as one; rename one")
    keep = usable & ~twice

    report((cells("name") == "").to_numpy(), "name", lambda r: f"unit '{r['id']}' has no name",
           lambda r: "fill in the name column")
    level_keys = [c.key for c in config.levels]
    type_keys = [c.key for c in config.unit_types]
    level = cells("level")
    report(~level.isin(level_keys).to_numpy(), "level", lambda r: f"unknown level '{r['level']}'",
           lambda r: _one_of(level_keys, "levels"))
    report(~cells("type").isin(type_keys).to_numpy(), "type", lambda r: f"unknown unit type '{r['type']}'",
           lambda r: _one_of(type_keys, "unit types"))
    province = cells("province")
    known_province = province.isin(set(provinces["code"])).to_numpy()
    has_province = (province != "").to_numpy()
    reference = config.rel(config.data.provinces)
    # An empty province list could not be read (that is reported): checking against it would flag every unit.
    report(has_province & ~known_province & (len(provinces) > 0), "province",
           lambda r: f"unknown province code '{r['province']}'",
           lambda r: f"use a Kemendagri code from {reference}, e.g. 35")
    needs = level.isin([c.key for c in config.levels if c.needs_province]).to_numpy()
    report(needs & ~has_province, "province", lambda r: f"unit '{r['id']}' has no province code",
           lambda r: f"units at level '{r['level']}' need one; fill in the province column, e.g. 35")
    regency = cells("regency")
    regency_ok = (regency.str.fullmatch(r"\d\d\.\d\d").fillna(False) & (regency.str[:2] == province)).to_numpy()
    report((regency != "").to_numpy() & ~regency_ok, "regency",
           lambda r: f"regency code '{r['regency']}' is not valid here",
           lambda r: f"write it as <province>.<nn> matching the province column, e.g. {r['province'] or '35'}.07")
    regency_names: dict[str, str] = {}
    if regencies is not None:
        for code, name in zip(regencies["code"], regencies["name"], strict=True):
            regency_names.setdefault(str(code), str(name))
        listed = config.rel(config.data.regencies) if config.data.regencies is not None else ""
        report(regency_ok & ~regency.isin(set(regency_names)).to_numpy(), "regency",
               lambda r: f"unknown regency code '{r['regency']}'",
               lambda r: _regency_hint(r["regency"], r["name"], regency_names, listed))

    formers = cells("former_ids")
    owners = dict(zip(ids[keep], ids[keep], strict=True))
    for unit_id, cell, line in zip(ids[formers != ""], formers[formers != ""], lines[(formers != "").to_numpy()],
                                   strict=True):
        for former in _split(cell):
            if unsafe_id(former):
                problems.error(table.path, int(line), col["former_ids"],
                               f"former id '{describe_id(former)}' is not allowed", ID_HINT)
            elif former in owners:
                problems.error(table.path, int(line), col["former_ids"],
                               f"former id '{former}' already belongs to unit '{owners[former]}'",
                               "an id can name only one unit")
            else:
                owners[former] = unit_id

    def kept(name: str) -> np.ndarray:
        return cells(name)[keep].to_numpy(dtype=object)

    return pd.DataFrame(
        {
            "name": kept("name"),
            "level": kept("level"),
            "type": kept("type"),
            "province": kept("province"),
            "regency": kept("regency"),
            "regency_name": [regency_names.get(code, "") for code in kept("regency")],
            "former_ids": [_split(v) for v in kept("former_ids")],
            "former_names": [_split(v) for v in kept("former_names")],
        },
        index=pd.Index(ids[keep].to_numpy(dtype=object), name="id"),
    )


def _regency_hint(code: str, unit_name: str, names: dict[str, str], listed: str) -> str:
    """'did you mean' for an unknown regency code: the province's regency named in the unit's name, else the
    nearest codes in that province."""
    in_province = {c: n for c, n in names.items() if c.startswith(code[:3])}
    unit = name_key(unit_name)
    named = sorted((c for c, n in in_province.items() if name_key(n) in unit), key=lambda c: -len(in_province[c]))
    # Codes in one province share 'pp.', so only a code one digit away (ratio 0.8) is near.
    hits = named[:1] or difflib.get_close_matches(code, list(in_province), n=3, cutoff=0.8)
    if not hits:
        example = min(in_province, default="35.07")
        return f"use a Kemendagri code from {listed}, e.g. {example}"
    shown = " or ".join(f"'{c}' ({in_province[c]})" for c in hits)
    return f"did you mean {shown}? codes are listed in {listed}"


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


def check_results(config: Config, files: list[tuple[int | None, Path]], units: pd.DataFrame,
                  problems: ProblemList, strict: bool, match_units: bool = True) -> pd.DataFrame:
    """Every result row, checked and resolved to a registry id, as one long DataFrame.

    With `match_units` False (the registry could not be read) rows are checked but not matched to units.
    """
    registry = _Registry(units, config.rel(config.data.registry), match_units)
    frames = [
        frame
        for year, path in files
        if (table := read_table(path, config.rel(path), problems)) is not None
        and (frame := _check_table(config, table, year, registry, problems, strict)) is not None
    ]
    aspects = list(config.scheme.aspect_keys)
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
    for field in absent:
        problems.error(table.path, 1, 1, f"missing column '{config.columns[field]}'",
                       f"add it, or map Rapor's field '{field}' to your header under [columns] in rapor.toml")
    if absent:
        return None
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
        index = index.mask(zero)
        # Exports often write grade 0 for a unit not evaluated; with a real index, '0' stays a wrong grade.
        grade = grade.mask(zero | ((grade == "0") & index.isna()).to_numpy(), "")
    grade = grade.mask(is_marker(grade, missing), "")
    out["index"] = index.to_numpy()
    for key in scheme.aspect_keys:
        aspect_column = headers[key]
        assert aspect_column is not None
        out[key] = parse_numbers(table, aspect_column, missing, problems, number_hint).to_numpy()
    for field in ("index", *scheme.aspect_keys):
        header = headers[field]
        values = out[field]
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
    if name_header and not has_id.all():  # names are only looked up where the id is left out
        name_keys[~has_id] = _name_keys(names[~has_id])
    by_name = name_keys.map(registry.by_name).astype(object)
    resolved = raw_ids.map(registry.by_id).astype(object).where(has_id, by_name)
    id_column, name_column = table.column(id_header), table.column(name_header)
    columns = np.where(has_id, id_column, name_column if name_header else id_column)
    unknown = resolved.isna().to_numpy() & registry.match
    for raw_id, name, key, line in zip(raw_ids[unknown], names[unknown], name_keys[unknown],
                                       frame.loc[unknown, LINE], strict=True):
        if raw_id:
            if unsafe_id(raw_id):
                problems.error(table.path, int(line), id_column, f"unit id '{describe_id(raw_id)}' is not allowed",
                               ID_HINT)
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
        values = rows[list(weights)].to_numpy(dtype="float64")
        weighted = pd.Series(values @ (np.array(list(weights.values())) / 100.0), index=rows.index)
        checkable = rows["index"].notna() & weighted.notna()
        off = (checkable & ((rows["index"] - weighted).abs() > scheme.tolerance + 1e-9)).to_numpy()
        shown = ", ".join(f"{k} {w:g}%" for k, w in weights.items())
        for index, expected, line in zip(rows.loc[off, "index"], weighted[off], rows.loc[off, "line"], strict=True):
            report(table.path, int(line), column,
                   f"index {index:.{p}f} differs from the weighted aspects ({expected:.{p + 1}f}) "
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
