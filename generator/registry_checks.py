"""Checks on the unit registry: every problem is collected, none stops the others from being found.

Produces the clean unit table the model is built from, and the rules for unit ids and names that the
result checks share. The checks are vectorised; Python loops run only over the rows that have a problem,
to word its message.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from .config import Config
from .csv_read import LINE, Table, find_column, with_control
from .errors import CONTROL_HINT, ProblemList
from .file_names import WINDOWS_DEVICE, WINDOWS_HINT, windows_unsafe

SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
# Said exactly: an id with 'ü' or 'é' in it is made of letters, just not ones every file system and URL keeps.
ID_HINT = ("use only ASCII letters (A-Z, a-z), digits (0-9), '.', '-' and '_', starting with a letter or digit, "
           "at most 128 characters and no '..' (e.g. 35.07-dpmptsp)")
LIST_SEP = "|"


def id_refusal(unit_id: str) -> tuple[str, str] | None:
    """Why an id cannot name its unit's folder, as (what is wrong, hint); None for a safe id.

    Refused: ids that could name a path outside the unit's own folder or none at all, and ids that Windows
    cannot store as a folder name (the site is copied to and served from Windows machines too).
    """
    if SAFE_ID.fullmatch(unit_id) is None or ".." in unit_id:
        return "is not allowed", ID_HINT
    if windows_unsafe(unit_id):
        return "cannot name a folder on Windows", WINDOWS_HINT
    return None


def _unsafe_ids(ids: pd.Series) -> np.ndarray:
    safe = ids.str.fullmatch(SAFE_ID.pattern).fillna(False) & ~ids.str.contains("..", regex=False)
    device = ids.str.fullmatch(WINDOWS_DEVICE.pattern).fillna(False) | ids.str.endswith(".").fillna(False)
    return ~(safe & ~device).to_numpy(dtype=bool)


def refusal(unit_id: str) -> tuple[str, str]:
    """`id_refusal` of an id already known to be unsafe."""
    return id_refusal(unit_id) or ("is not allowed", ID_HINT)


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split(LIST_SEP) if part.strip())


def name_key(name: str) -> str:
    return " ".join(name.casefold().split())


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
           lambda r: "give every unit an id: " + ID_HINT)
    report(unsafe, "id", lambda r: f"unit id '{r['id']}' {refusal(r['id'])[0]}",
           lambda r: refusal(r["id"])[1])
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
    # Names are shown on every page and in messages: control and invisible formatting characters (a bidi
    # override turns a name around, an escape sequence rewrites a terminal) are refused.
    report(with_control(cells("name")), "name",
           lambda r: f"the name of unit '{r['id']}' holds a control or invisible character: '{r['name']}'",
           lambda r: CONTROL_HINT)
    report(with_control(cells("former_names")), "former_names",
           lambda r: f"a former name of unit '{r['id']}' holds a control or invisible character: "
                     f"'{r['former_names']}'", lambda r: CONTROL_HINT)
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
    # Keyed ignoring case, as current ids are: a former id's page would share a folder with the other's
    # on Windows and macOS.
    owners = {key: (unit_id, unit_id) for key, unit_id in zip(folded[keep], ids[keep], strict=True)}  # spelling, unit
    for unit_id, cell, line in zip(ids[formers != ""], formers[formers != ""], lines[(formers != "").to_numpy()],
                                   strict=True):
        for former in _split(cell):
            refused = id_refusal(former)
            if refused is not None:
                problems.error(table.path, int(line), col["former_ids"],
                               f"former id '{former}' {refused[0]}", refused[1])
            elif former.casefold() in owners:
                spelling, owner = owners[former.casefold()]
                problems.error(table.path, int(line), col["former_ids"],
                               f"former id '{former}' already belongs to unit '{owner}'",
                               "an id can name only one unit" if spelling == former else
                               f"it differs from '{spelling}' only in case, and ids name folders, which Windows "
                               "and macOS would treat as one; an id can name only one unit")
            else:
                owners[former.casefold()] = (former, unit_id)

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
