"""Read `rapor.toml` against the settings table into frozen dataclasses, collecting every problem.

A config with errors is still used to check the data when it can be (a bad weight, overlapping grade
bands, an unknown key under --strict): the user then sees config and data problems in one run. Only a
config that cannot be read, or whose scheme, columns or data settings cannot be used, stops at once.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import Problem, ProblemList, RaporError, did_you_mean
from .scheme import Aspect, Choice, GradeBand, Scheme, check_scheme
from .settings import SETTINGS, SETTINGS_BY_KEY

CONFIG_NAME = "rapor.toml"
RESULT_FIELDS = ("year", "unit_id", "unit_name", "index", "grade")
SAFE_KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


@dataclass(frozen=True)
class SiteSettings:
    title: dict[str, str]
    description: dict[str, str]
    notice: dict[str, str]
    base_url: str
    theme: str
    languages: tuple[str, ...]


@dataclass(frozen=True)
class Program:
    key: str
    name: dict[str, str]
    publisher: str


@dataclass(frozen=True)
class DataSettings:
    registry: Path
    provinces: Path
    regencies: Path | None  # None: no regency list (data.regencies = "")
    regencies_optional: bool  # left at its default: a missing file means no list, not an error
    layout: str
    results: Path
    not_evaluated: frozenset[str]
    zero_is_missing: bool


@dataclass(frozen=True)
class Config:
    root: Path
    path: Path
    site: SiteSettings
    program: Program
    scheme: Scheme
    levels: tuple[Choice, ...]
    unit_types: tuple[Choice, ...]
    data: DataSettings
    columns: dict[str, str]  # Rapor field -> the file's header
    output: Path
    warnings: tuple[Problem, ...]
    # Config errors that spoil some data checks, which are then skipped rather than reported row by row:
    grades_in_error: bool = False  # the grade bands: whether a grade agrees with its index
    weights_in_error: frozenset[int | None] = frozenset()  # weights of these years (None: the aspects' own)

    def rel(self, path: Path) -> str:
        """A path as the user sees it in messages: relative to the project where possible."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_.\-\"' ]+?)\s*=")


def _key_positions(text: str) -> dict[str, tuple[int, int]]:
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


class _Reader:
    """Walks the parsed TOML, checking kinds and unknown keys, remembering every problem."""

    def __init__(self, path: str, positions: dict[str, tuple[int, int]], problems: ProblemList, strict: bool):
        self.path = path
        self.positions = positions
        self.problems = problems
        self.strict = strict
        self.fatal = False  # an error that leaves the config unusable for checking the data
        self.grades_in_error = False
        self.weights_in_error: set[int | None] = set()

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
        """Something rapor.toml says that nothing reads: a warning, or an error with --strict."""
        line, column = self.where(key)
        report = self.problems.error if self.strict else self.problems.warning
        report(self.path, line, column, message, hint)

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
        if not ok:
            words = {"str": "text in quotes", "int": "a whole number", "float": "a number",
                     "bool": "true or false", "list[str]": "a list of texts"}
            leaf = key.rpartition(".")[2]
            generic = _generic(key)
            self.error(key, f"'{leaf}' must be {words[kind]}, not {value!r}", SETTINGS_BY_KEY[generic].doc,
                       fatal=_structural(key))
            if generic in ("scheme.grades[].min", "scheme.grades[].max"):
                self.grades_in_error = True
            elif generic == "scheme.aspects[].weight":
                self.weights_in_error.add(None)


def _value(raw: dict[str, Any], key: str) -> Any:
    node: Any = raw
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return SETTINGS_BY_KEY[key].default
        node = node[part]
    return node


def _items(raw: dict[str, Any], key: str, reader: _Reader) -> list[dict[str, Any]]:
    """The entries of a list-of-tables setting, each checked for its required fields."""
    items = _value(raw, key)
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


def _num(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def load_config(root: Path, strict: bool = False) -> Config:
    """Read `rapor.toml` from the project folder. Raises RaporError listing every problem found."""
    problems = ProblemList()
    config = read_config(root, problems, strict)
    problems.raise_if_errors()
    return config


def read_config(root: Path, problems: ProblemList, strict: bool = False) -> Config:
    """Read `rapor.toml`, adding every problem to `problems`, so the data can be checked in the same run.

    Raises RaporError (with every config problem) only when the config cannot be used to check the data:
    unreadable, not TOML, or a scheme, column mapping or data setting that cannot be read.
    """
    root = root.resolve()
    path = root / CONFIG_NAME
    text = ""
    if not path.exists():
        raise RaporError.single(CONFIG_NAME, 1, 1, f"no {CONFIG_NAME} in {root}",
                                "run rapor in a project folder, or pass the folder: rapor build PROJECT_DIR")
    if path.is_dir():
        raise RaporError.single(CONFIG_NAME, 1, 1, f"{CONFIG_NAME} is a folder, not a file",
                                f"replace the folder with the {CONFIG_NAME} text file")
    try:
        text = path.read_text(encoding="utf-8-sig")
        raw = tomllib.loads(text)
    except OSError as exc:
        raise RaporError.single(CONFIG_NAME, 1, 1, f"cannot read {CONFIG_NAME}: {exc.strerror or exc}",
                                "check that the file is readable") from None
    except UnicodeDecodeError as exc:
        raise RaporError.single(CONFIG_NAME, 1, 1, f"{CONFIG_NAME} is not UTF-8 text ({exc.reason})",
                                "save the file as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line, column = (int(found.group(1)), int(found.group(2))) if found else (1, 1)
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise RaporError.single(CONFIG_NAME, line, column, f"TOML syntax error: {message}",
                                "check quotes, brackets and '=' on this line (see https://toml.io)") from None

    reader = _Reader(CONFIG_NAME, _key_positions(text), problems, strict)
    reader.check_table("", raw)

    aspects = tuple(
        Aspect(str(a["key"]), str(a["label_id"]), str(a["label_en"]), _num(a["weight"]))
        for a in _items(raw, "scheme.aspects", reader)
    )
    grades = tuple(
        GradeBand(str(g["letter"]), _num(g["min"]), _num(g["max"]), str(g["predikat_id"]),
                  str(g["predikat_en"]), str(g["color"]), str(g["zone"]))
        for g in _items(raw, "scheme.grades", reader)
    )
    weights_raw = _value(raw, "scheme.weights")
    weights: list[tuple[int, tuple[tuple[str, float], ...]]] = []
    if isinstance(weights_raw, dict):
        for year, table in weights_raw.items():
            key = f"scheme.weights.{year}"
            if not re.fullmatch(r"\d{4}", str(year)) or not isinstance(table, dict):
                reader.error(key, f"[scheme.weights.{year}] must be named by a year and hold aspect = percent",
                             "e.g. [scheme.weights.2021] then kebijakan = 25")
                continue
            for name, value in table.items():
                if not isinstance(value, int | float) or isinstance(value, bool):
                    reader.error(f"{key}.{name}", f"weight '{name}' for {year} must be a number, not {value!r}",
                                 "write the percent without quotes, e.g. kebijakan = 25")
                    reader.weights_in_error.add(int(year))
            weights.append((int(year), tuple((str(k), _num(v)) for k, v in table.items())))
    scheme = Scheme(
        scale_min=_num(_value(raw, "scheme.scale_min")),
        scale_max=_num(_value(raw, "scheme.scale_max")),
        precision=int(_num(_value(raw, "scheme.precision"))),
        tolerance=_num(_value(raw, "scheme.tolerance")),
        index_label={"id": str(_value(raw, "scheme.index_label_id")),
                     "en": str(_value(raw, "scheme.index_label_en"))},
        aspects=aspects,
        grades=grades,
        weights_by_year=tuple(sorted(weights)),
    )
    # An incomplete entry was reported and left out; checking what is left would only report its absence.
    incomplete = {name for name, found in (("scheme.aspects", aspects), ("scheme.grades", grades))
                  if isinstance(_value(raw, name), list) and len(_value(raw, name)) != len(found)}
    for issue in check_scheme(scheme):
        if issue.key in incomplete or (issue.key.startswith("scheme.weights") and "scheme.aspects" in incomplete):
            continue
        reader.error(issue.line_key if issue.line_key in reader.positions else issue.key, issue.message,
                     issue.hint, fatal=issue.spoils == "scheme")
        if issue.spoils == "grades":
            reader.grades_in_error = True
        elif issue.spoils == "weights":
            reader.weights_in_error.add(issue.year)

    def choices(key: str) -> tuple[Choice, ...]:
        found = tuple(Choice(str(c["key"]), str(c["label_id"]), str(c["label_en"]),
                             bool(c.get("needs_province", False)))
                      for c in _items(raw, key, reader))
        seen: set[str] = set()
        for i, choice in enumerate(found):
            where = f"{key}[{i}].key"
            if not SAFE_KEY.fullmatch(choice.key):
                reader.error(where, f"{key} key '{choice.key}' is not a plain name",
                             "use lower-case letters, digits and '-', e.g. kabupaten-kota; it becomes part of URLs")
            elif choice.key in seen:
                reader.error(where, f"{key} key '{choice.key}' is declared twice", "give each entry its own key")
            seen.add(choice.key)
        return found

    levels = choices("levels")
    unit_types = choices("unit_types")
    if not levels:
        reader.error("levels", "no levels are declared", "add [[levels]] blocks with key, label_id and label_en",
                     fatal=True)
    if not unit_types:
        reader.error("unit_types", "no unit types are declared",
                     "add [[unit_types]] blocks with key, label_id and label_en", fatal=True)

    languages_raw = _value(raw, "site.languages")
    languages = tuple(languages_raw) if isinstance(languages_raw, list) else ("id", "en")
    for lang in languages:
        if lang not in ("id", "en"):
            reader.error("site.languages", f"language '{lang}' is not supported", "use 'id' and/or 'en'")
    if not languages:
        reader.error("site.languages", "site.languages is empty", "use [\"id\", \"en\"]")
    # What is left is used to check the narrative; with an error reported, nothing is built from it.
    languages = tuple(dict.fromkeys(lang for lang in languages if lang in ("id", "en"))) or ("id", "en")

    not_evaluated_raw = _value(raw, "data.not_evaluated")
    _not_evaluated = not_evaluated_raw if isinstance(not_evaluated_raw, list) else []

    layout = str(_value(raw, "data.layout"))
    if layout not in ("per-year", "long"):
        reader.error("data.layout", f"unknown data layout '{layout}'", "use 'per-year' or 'long'", fatal=True)

    columns_raw = _value(raw, "columns")
    columns = {f: f for f in RESULT_FIELDS} | {a.key: a.key for a in aspects}
    if isinstance(columns_raw, dict):
        for field, header in columns_raw.items():
            if field not in columns:
                reader.unused(f"columns.{field}", f"unknown field '{field}' in [columns]",
                              did_you_mean(field, columns) or "fields: " + ", ".join(columns))
            elif not isinstance(header, str):
                reader.error(f"columns.{field}", f"the header for '{field}' must be text in quotes",
                             f"write the header as it appears in your file, e.g. {field} = \"{field}\"", fatal=True)
            else:
                columns[field] = header

    theme = str(_value(raw, "site.theme"))
    if not re.fullmatch(r"[A-Za-z0-9_-]+", theme):
        reader.error("site.theme", f"theme name '{theme}' is not a plain folder name",
                     "use letters, digits, '-' or '_'; the theme lives in themes/<name>/")

    if reader.fatal:
        raise RaporError(problems.items)

    regencies = str(_value(raw, "data.regencies"))
    data_table = raw.get("data")

    def lang_pair(prefix: str) -> dict[str, str]:
        return {"id": str(_value(raw, f"{prefix}_id")), "en": str(_value(raw, f"{prefix}_en"))}

    return Config(
        root=root,
        path=path,
        site=SiteSettings(
            title=lang_pair("site.title"),
            description=lang_pair("site.description"),
            notice=lang_pair("site.notice"),
            base_url=str(_value(raw, "site.base_url")),
            theme=theme,
            languages=languages,
        ),
        program=Program(str(_value(raw, "program.key")), lang_pair("program.name"),
                        str(_value(raw, "program.publisher"))),
        scheme=scheme,
        levels=levels,
        unit_types=unit_types,
        data=DataSettings(
            registry=root / str(_value(raw, "data.registry")),
            provinces=root / str(_value(raw, "data.provinces")),
            regencies=root / regencies if regencies else None,
            regencies_optional=not (isinstance(data_table, dict) and "regencies" in data_table),
            layout=layout,
            results=root / str(_value(raw, "data.results")),
            not_evaluated=frozenset(str(v).strip().casefold() for v in _not_evaluated),
            zero_is_missing=bool(_value(raw, "data.zero_is_missing")),
        ),
        columns=columns,
        output=root / str(_value(raw, "build.output")),
        warnings=tuple(problems.warnings),
        grades_in_error=reader.grades_in_error,
        weights_in_error=frozenset(reader.weights_in_error),
    )
