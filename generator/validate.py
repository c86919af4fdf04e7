"""Checks on the loaded tables: every problem is collected, none stops the others from being found.

Produces the clean unit table and result table the model is built from.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from .config import Config
from .errors import ProblemList, closest
from .load import LINE, Table, find_column, parse_numbers, read_table

SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
ID_HINT = "use letters, digits, '.', '-' and '_' only (e.g. 35.07-dpmptsp); no '/', '\\' or '..'"
LIST_SEP = "|"


def unsafe_id(unit_id: str) -> bool:
    """True for ids that could name a path outside the unit's own folder, or none at all."""
    return SAFE_ID.fullmatch(unit_id) is None or ".." in unit_id


def describe_id(unit_id: str) -> str:
    return unit_id.encode("unicode_escape").decode("ascii")


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split(LIST_SEP) if part.strip())


def name_key(name: str) -> str:
    return " ".join(name.casefold().split())


def check_registry(config: Config, table: Table, provinces: pd.DataFrame, problems: ProblemList) -> pd.DataFrame:
    """The unit registry as a DataFrame indexed by id, after checking every row."""
    frame = table.frame
    get = {c: find_column(table, c) for c in ("id", "name", "level", "type", "province", "regency",
                                              "former_ids", "former_names")}

    def cells(name: str) -> pd.Series:
        column = get[name]
        return frame[column] if column is not None else pd.Series("", index=frame.index)

    ids, lines = cells("id"), frame[LINE]
    levels = {c.key for c in config.levels}
    types = {c.key for c in config.unit_types}
    province_codes = set(provinces["code"])
    first_line: dict[str, int] = {}
    former_owner: dict[str, str] = {}
    keep = np.ones(len(frame), dtype=bool)
    col = {name: table.column(column) for name, column in get.items() if column is not None}
    for i, (unit_id, line) in enumerate(zip(ids, lines, strict=True)):
        line = int(line)
        if unsafe_id(unit_id):
            problems.error(table.path, line, col["id"], f"unit id '{describe_id(unit_id)}' is not allowed", ID_HINT)
            keep[i] = False
        elif unit_id in first_line:
            problems.error(table.path, line, col["id"], f"unit id '{unit_id}' appears twice",
                           f"each unit needs its own id; the first is on line {first_line[unit_id]}")
            keep[i] = False
        else:
            first_line[unit_id] = line
    for i, row in enumerate(frame.itertuples(index=False)):
        values = dict(zip(frame.columns, row, strict=True))
        line = int(values[LINE])
        unit_id = ids.iloc[i]

        def value(name: str, values: dict[str, str] = values) -> str:
            column = get[name]
            return values[column] if column is not None else ""

        if not value("name"):
            problems.error(table.path, line, col["name"], f"unit '{unit_id}' has no name", "fill in the name column")
        level = value("level")
        if level not in levels:
            problems.error(table.path, line, col["level"], f"unknown level '{level}'",
                           "use one of: " + ", ".join(sorted(levels)))
        if value("type") not in types:
            hint = ", ".join(closest(value("type"), types)) or ", ".join(sorted(types))
            problems.error(table.path, line, col["type"], f"unknown unit type '{value('type')}'",
                           f"use one of: {hint} (unit types are declared in rapor.toml)")
        province = value("province")
        if province and province not in province_codes:
            problems.error(table.path, line, col.get("province", 1), f"unknown province code '{province}'",
                           "use a Kemendagri code from " + config.rel(config.data.provinces) + ", e.g. 35")
        elif not province and level in ("provinsi", "kabupaten-kota"):
            problems.error(table.path, line, col.get("province", 1), f"unit '{unit_id}' has no province code",
                           "fill in the province column, e.g. 35")
        regency = value("regency")
        if regency and (not re.fullmatch(r"\d\d\.\d\d", regency) or not regency.startswith(province + ".")):
            problems.error(table.path, line, col.get("regency", 1), f"regency code '{regency}' is not valid here",
                           f"write it as <province>.<nn>, e.g. {province or '35'}.07, matching the province")
        for former in _split(value("former_ids")):
            if unsafe_id(former):
                problems.error(table.path, line, col.get("former_ids", 1),
                               f"former id '{describe_id(former)}' is not allowed", ID_HINT)
            elif former in first_line or former in former_owner:
                owner = former if former in first_line else former_owner[former]
                problems.error(table.path, line, col.get("former_ids", 1),
                               f"former id '{former}' already belongs to unit '{owner}'",
                               "an id can name only one unit")
            else:
                former_owner[former] = unit_id
    frame = frame[keep]
    units = pd.DataFrame(
        {
            "name": cells("name")[keep].to_numpy(),
            "level": cells("level")[keep].to_numpy(),
            "type": cells("type")[keep].to_numpy(),
            "province": cells("province")[keep].to_numpy(),
            "regency": cells("regency")[keep].to_numpy(),
            "former_ids": [_split(v) for v in cells("former_ids")[keep]],
            "former_names": [_split(v) for v in cells("former_names")[keep]],
        },
        index=pd.Index(ids[keep].to_numpy(), name="id"),
    )
    return units


def _unit_lookup(units: pd.DataFrame) -> tuple[dict[str, str], dict[str, str]]:
    by_id = {unit_id: unit_id for unit_id in units.index}
    by_name: dict[str, str] = {}
    for unit_id, name, former_ids, former_names in zip(
        units.index, units["name"], units["former_ids"], units["former_names"], strict=True
    ):
        for former in former_ids:
            by_id.setdefault(former, unit_id)
        for label in (name, *former_names):
            by_name.setdefault(name_key(label), unit_id)
    return by_id, by_name


def check_results(config: Config, files: list[tuple[int | None, Path]], units: pd.DataFrame,
                  problems: ProblemList, strict: bool) -> pd.DataFrame:
    """Every result row, checked and resolved to a registry id, as one long DataFrame."""
    by_id, by_name = _unit_lookup(units)
    frames = [
        frame
        for year, path in files
        if (table := read_table(path, config.rel(path), problems)) is not None
        and (frame := _check_table(config, table, year, by_id, by_name, units, problems, strict)) is not None
    ]
    aspects = list(config.scheme.aspect_keys)
    if not frames:
        columns = ["year", "unit_id", "index", "grade", *aspects, "path", "line"]
        return pd.DataFrame({c: pd.Series(dtype="float64" if c in aspects or c == "index" else "object")
                             for c in columns})
    results = pd.concat(frames, ignore_index=True)
    _check_duplicates(results, problems)
    return results


def _check_table(config: Config, table: Table, file_year: int | None, by_id: dict[str, str],
                 by_name: dict[str, str], units: pd.DataFrame, problems: ProblemList,
                 strict: bool) -> pd.DataFrame | None:
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
    if file_year is None:
        year_text = frame[headers["year"]]
        good_year = year_text.str.fullmatch(r"(19|20)\d\d")
        for value, row_line in zip(year_text[~good_year], line[~good_year.to_numpy()], strict=True):
            problems.error(table.path, int(row_line), table.column(headers["year"]), f"'{value}' is not a year",
                           "write the year as four digits, e.g. 2023")
        out["year"] = pd.to_numeric(year_text.where(good_year), errors="coerce").fillna(0).astype("int64")
    else:
        out["year"] = file_year
    index = parse_numbers(table, headers["index"], missing, problems, number_hint)
    grade_column = headers["grade"]
    grade = frame[grade_column] if grade_column is not None else pd.Series("", index=frame.index)
    if config.data.zero_is_missing:
        zero = index == 0
        index = index.mask(zero)
        grade = grade.mask(zero | (grade == "0"), "")
    grade = grade.mask(grade.isin(missing), "")
    out["index"] = index.to_numpy()
    for key in scheme.aspect_keys:
        values = parse_numbers(table, headers[key], missing, problems, number_hint)
        out[key] = values.to_numpy()
    for field in ("index", *scheme.aspect_keys):
        values = out[field]
        outside = (values < scheme.scale_min) | (values > scheme.scale_max)
        column = table.column(headers[field])
        for value, row_line in zip(values[outside], line[outside.to_numpy()], strict=True):
            problems.error(table.path, int(row_line), column,
                           f"{value:g} is outside the scale {scheme.scale_min:g}–{scheme.scale_max:g} "
                           f"(column '{headers[field]}')", number_hint)
    out["unit_id"] = _resolve_units(table, headers, by_id, by_name, units, problems)
    out["grade"] = grade.to_numpy()
    _check_grades(config, table, out, grade_column, problems)
    _check_weights(config, table, out, headers, problems, strict)
    out["path"] = table.path
    return out


def _resolve_units(table: Table, headers: dict[str, str | None], by_id: dict[str, str],
                   by_name: dict[str, str], units: pd.DataFrame, problems: ProblemList) -> np.ndarray:
    frame = table.frame
    raw_ids = frame[headers["unit_id"]] if headers["unit_id"] else pd.Series("", index=frame.index)
    names = frame[headers["unit_name"]] if headers["unit_name"] else pd.Series("", index=frame.index)
    resolved = raw_ids.map(by_id)
    by_name_hit = names.map(lambda n: by_name.get(name_key(n)))
    resolved = resolved.where(raw_ids != "", by_name_hit)
    unknown = resolved.isna()
    id_column = table.column(headers["unit_id"]) if headers["unit_id"] else 1
    name_column = table.column(headers["unit_name"]) if headers["unit_name"] else 1
    for raw_id, name, line in zip(raw_ids[unknown], names[unknown], frame.loc[unknown, LINE], strict=True):
        if raw_id:
            if unsafe_id(raw_id):
                problems.error(table.path, int(line), id_column,
                               f"unit id '{describe_id(raw_id)}' is not allowed", ID_HINT)
                continue
            suggestions = closest(raw_id, by_id) + closest(name, units["name"]) if name else closest(raw_id, by_id)
            problems.error(table.path, int(line), id_column, f"unit '{raw_id}' is not in the registry",
                           _suggest(suggestions))
        elif name:
            problems.error(table.path, int(line), name_column, f"no unit named '{name}' in the registry",
                           _suggest(closest(name, units["name"])))
        else:
            problems.error(table.path, int(line), id_column, "this row names no unit",
                           "fill in the unit id (or the unit name)")
    return resolved.fillna("").to_numpy(dtype=object)


def _suggest(names: list[str]) -> str:
    unique = list(dict.fromkeys(names))
    if unique:
        return "closest known: " + ", ".join(f"'{n}'" for n in unique[:3]) + "; or add it to the registry"
    return "add the unit to the registry (data/units.csv) or correct the id"


def _check_grades(config: Config, table: Table, out: pd.DataFrame, grade_column: str | None,
                  problems: ProblemList) -> None:
    if grade_column is None:
        return
    scheme = config.scheme
    column = table.column(grade_column)
    known = {band.letter for band in scheme.grades}
    given = out["grade"]
    unknown = (given != "") & ~given.isin(known)
    for value, line in zip(given[unknown], out.loc[unknown, "line"], strict=True):
        problems.error(table.path, int(line), column, f"unknown grade '{value}'",
                       "use one of: " + ", ".join(b.letter for b in scheme.grades))
    expected = scheme.grade_letters(out["index"])
    wrong = (given != "") & ~unknown & expected.notna() & (given != expected.fillna(""))
    for value, index, should, line in zip(given[wrong], out.loc[wrong, "index"], expected[wrong],
                                          out.loc[wrong, "line"], strict=True):
        band = scheme.band(str(should))
        span = f" ({band.min:g}–{band.max:g})" if band else ""
        problems.error(table.path, int(line), column,
                       f"grade '{value}' contradicts index {index:.{scheme.precision}f}, which is grade {should}",
                       f"grade {should}{span}; correct the grade or the index")


def _check_weights(config: Config, table: Table, out: pd.DataFrame, headers: dict[str, str | None],
                   problems: ProblemList, strict: bool) -> None:
    scheme = config.scheme
    if not scheme.aspects:
        return
    keys = list(scheme.aspect_keys)
    for year, rows in out.groupby("year", sort=True):
        weights = scheme.weights_for(int(year))
        weighted = sum(rows[k] * (weights.get(k, 0.0) / 100.0) for k in keys)
        gap = (rows["index"] - weighted).abs()
        off = gap > scheme.tolerance + 1e-9
        report = problems.error if strict else problems.warning
        column = table.column(str(headers["index"]))
        shown = ", ".join(f"{k} {weights.get(k, 0):g}%" for k in keys)
        for index, expected, line in zip(rows.loc[off, "index"], weighted[off], rows.loc[off, "line"], strict=True):
            report(table.path, int(line), column,
                   f"index {index:.{scheme.precision}f} differs from the weighted aspects "
                   f"({expected:.{scheme.precision + 1}f}) by more than {scheme.tolerance:g}",
                   f"weights for {int(year)}: {shown}; check the index and the aspect scores")


def _check_duplicates(results: pd.DataFrame, problems: ProblemList) -> None:
    known = results[results["unit_id"] != ""]
    twice = known.duplicated(["year", "unit_id"], keep=False)
    if not twice.any():
        return
    for (year, unit_id), rows in known[twice].groupby(["year", "unit_id"], sort=True):
        first = rows.iloc[0]
        for _, row in rows.iloc[1:].iterrows():
            problems.error(str(row["path"]), int(row["line"]), 1, f"unit '{unit_id}' appears twice in {year}",
                           f"the first is {first['path']} line {int(first['line'])}; keep one row per unit and year")
