"""Walk the parsed `rapor.toml` against the settings table: kinds, unknown keys, required entries, defaults.

Every problem is located at the line and column where its key is written.
"""

from __future__ import annotations

import math
import re
from typing import Any

from .errors import CONTROL_HINT, ProblemList, did_you_mean, has_control, quoted, shown
from .settings import SETTINGS, SETTINGS_BY_KEY

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_.\-\"' ]+?)\s*=")


def key_positions(text: str) -> dict[str, tuple[int, int]]:
    """Map dotted keys (`scheme.aspects[1].weight`) to (line, column) by scanning the TOML text.

    tomllib gives no positions, and errors without a line are hard to act on.
    """
    positions: dict[str, tuple[int, int]] = {}
    table = ""
    array_counts: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            name = header.group(2).replace('"', "").replace("'", "").replace(" ", "")
            if header.group(1) == "[[":
                index = array_counts.get(name, -1) + 1
                array_counts[name] = index
                table = f"{name}[{index}]"
            else:
                table = name
            positions.setdefault(table, (number, line.index("[") + 1))
            continue
        key = _KEY.match(line)
        if key and not line.lstrip().startswith("#"):
            name = key.group(1).replace('"', "").replace("'", "").replace(" ", "")
            dotted = f"{table}.{name}" if table else name
            positions.setdefault(dotted, (number, line.index(key.group(1)[0]) + 1))
    return positions


def _generic(key: str) -> str:
    return re.sub(r"\[\d+\]", "[]", key)


# Settings the data checks depend on: a value of the wrong kind there makes the config unusable.
_STRUCTURAL = frozenset({
    "scheme.scale_min", "scheme.scale_max", "scheme.precision", "scheme.tolerance", "scheme.aspects",
    "scheme.aspects[].key", "scheme.weights", "scheme.grades", "scheme.grades[].letter", "levels", "levels[].key",
    "levels[].needs_province", "unit_types", "unit_types[].key", "columns",
})


def _structural(key: str) -> bool:
    generic = _generic(key)
    return generic in _STRUCTURAL or generic.startswith("data.")


class ConfigReader:
    """Walks the parsed TOML, checking kinds and unknown keys, remembering every problem."""

    def __init__(self, path: str, positions: dict[str, tuple[int, int]], problems: ProblemList):
        self.path = path
        self.positions = positions
        self.problems = problems
        self.fatal = False  # an error that leaves the config unusable for checking the data
        self.grades_in_error = False
        self.weights_in_error: set[int | None] = set()
        # Scheme parts holding a value that is not a usable number: checks on their numbers would only echo it.
        self.bad_numbers: set[str] = set()

    def where(self, key: str) -> tuple[int, int]:
        while key:
            if key in self.positions:
                return self.positions[key]
            key = key.rpartition(".")[0]
        return (1, 1)

    def error(self, key: str, message: str, hint: str = "", fatal: bool = False) -> None:
        line, column = self.where(key)
        self.problems.error(self.path, line, column, message, hint)
        self.fatal = self.fatal or fatal

    def unknown(self, key: str, known: list[str]) -> None:
        leaf = key.rpartition(".")[2]
        parent = key.rpartition(".")[0]
        where = f" in [{_generic(parent)}]" if parent else ""
        self.unused(key, f"unknown key '{leaf}'{where}",
                    did_you_mean(leaf, known) or "see the configuration table in README.md")

    def unused(self, key: str, message: str, hint: str) -> None:
        """Something rapor.toml says that nothing reads, most often a misspelling: what it meant to configure
        is silently left at its default, so it is an error, listed before the errors it may cause."""
        line, column = self.where(key)
        self.problems.error(self.path, line, column, message, hint, cause=True)

    def check_table(self, prefix: str, table: dict[str, Any]) -> None:
        generic = _generic(prefix)
        start = len(generic) + 1 if generic else 0
        known = sorted(
            {s.key[start:].split(".")[0].split("[")[0] for s in SETTINGS
             if generic == "" or s.key.startswith(generic + ".")}
        )
        for name, value in table.items():
            key = f"{prefix}.{name}" if prefix else name
            setting = SETTINGS_BY_KEY.get(_generic(key))
            if setting is None and isinstance(value, dict) and any(
                s.key.startswith(_generic(key) + ".") for s in SETTINGS
            ):
                self.check_table(key, value)
                continue
            if setting is None:
                self.unknown(key, known)
                continue
            if setting.kind == "list[table]":
                if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
                    self.error(key, f"'{name}' must be a list of tables", f"write it as [[{_generic(key)}]] blocks",
                               fatal=_structural(key))
                    continue
                for i, item in enumerate(value):
                    self.check_table(f"{key}[{i}]", item)
            elif setting.kind == "table":
                if not isinstance(value, dict):
                    self.error(key, f"'{name}' must be a table", f"write it as [{key}]", fatal=_structural(key))
            else:
                self.check_kind(key, setting.kind, value)

    def check_kind(self, key: str, kind: str, value: Any) -> None:
        ok = {
            "str": isinstance(value, str),
            "int": isinstance(value, int) and not isinstance(value, bool),
            "float": isinstance(value, int | float) and not isinstance(value, bool),
            "bool": isinstance(value, bool),
            "list[str]": isinstance(value, list) and all(isinstance(v, str) for v in value),
        }.get(kind, True)
        if ok and kind in ("str", "list[str]"):
            self.check_text(key, [value] if kind == "str" else value)
        if not ok or (kind == "float" and not finite(value)):
            words = {"str": "text in quotes", "int": "a whole number", "float": "a finite number" if ok else "a number",
                     "bool": "true or false", "list[str]": "a list of texts"}
            leaf = key.rpartition(".")[2]
            generic = _generic(key)
            self.error(key, f"'{leaf}' must be {words[kind]}, not {quoted(value)}", SETTINGS_BY_KEY[generic].doc,
                       fatal=_structural(key))
            if generic in ("scheme.grades[].min", "scheme.grades[].max"):
                self.grades_in_error = True
                self.bad_numbers.add("scheme.grades")
            elif generic == "scheme.aspects[].weight":
                self.weights_in_error.add(None)
                self.bad_numbers.add("scheme.aspects")

    def check_text(self, key: str, values: list[str]) -> None:
        """Text goes into pages and terminal messages: control and invisible formatting characters are refused
        (a line break or tab in a long text such as a notice is harmless and allowed)."""
        for value in values:
            if has_control(value.replace("\n", "").replace("\t", "")):
                leaf = key.rpartition(".")[2]
                self.error(key, f"'{leaf}' holds a control or invisible character: '{shown(value)}'", CONTROL_HINT)
                return


def setting_value(raw: dict[str, Any], key: str) -> Any:
    node: Any = raw
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return SETTINGS_BY_KEY[key].default
        node = node[part]
    return node


def setting_entries(raw: dict[str, Any], key: str, reader: ConfigReader) -> list[dict[str, Any]]:
    """The entries of a list-of-tables setting, each checked for its required fields."""
    items = setting_value(raw, key)
    if not isinstance(items, list):
        return []
    fields = [s for s in SETTINGS if s.key.startswith(key + "[].")]
    good = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        complete = dict(item)
        for s in fields:
            name = s.key.rpartition(".")[2]
            if name not in item:
                if s.default is None:
                    reader.error(f"{key}[{i}]", f"[[{key}]] entry {i + 1} has no '{name}'", s.doc, fatal=True)
                    complete = {}
                    break
                complete[name] = s.default
        if complete:
            good.append(complete)
    return good


def finite(value: Any) -> bool:
    """A number that can be computed with: TOML also allows inf and nan, which no setting can use."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def as_number(value: Any, default: float = 0.0) -> float:
    """`value` as a float; anything else (text, a boolean, inf, nan) as `default`, already reported."""
    return float(value) if finite(value) else default


def as_whole(value: Any, default: int) -> int:
    """`value` as an int when it is a whole number (not a boolean); anything else as `default`."""
    return value if isinstance(value, int) and not isinstance(value, bool) else default
