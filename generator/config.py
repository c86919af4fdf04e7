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

from .config_reader import ConfigReader, as_number, key_positions, setting_entries, setting_value
from .errors import Problem, ProblemList, RaporError, did_you_mean
from .scheme import Aspect, Choice, GradeBand, Scheme, check_scheme

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
    text, raw = _read_toml(root, path)
    reader = ConfigReader(CONFIG_NAME, key_positions(text), problems, strict)
    reader.check_table("", raw)
    scheme = _read_scheme(raw, reader)
    levels = _read_choices(raw, "levels", "levels", reader)
    unit_types = _read_choices(raw, "unit_types", "unit types", reader)
    site = _read_site(raw, reader)
    data = _read_data(raw, root, reader)
    columns = _read_columns(raw, scheme, reader)
    if reader.fatal:
        raise RaporError(problems.items)
    return Config(
        root=root,
        path=path,
        site=site,
        program=_read_program(raw),
        scheme=scheme,
        levels=levels,
        unit_types=unit_types,
        data=data,
        columns=columns,
        output=root / str(setting_value(raw, "build.output")),
        warnings=tuple(problems.warnings),
        grades_in_error=reader.grades_in_error,
        weights_in_error=frozenset(reader.weights_in_error),
    )


def _read_toml(root: Path, path: Path) -> tuple[str, dict[str, Any]]:
    """The file's text and its parsed tables; a file that cannot be read as TOML stops at once."""
    if not path.exists():
        raise RaporError.single(CONFIG_NAME, 1, 1, f"no {CONFIG_NAME} in {root}",
                                "run rapor in a project folder, or pass the folder: rapor build PROJECT_DIR")
    if path.is_dir():
        raise RaporError.single(CONFIG_NAME, 1, 1, f"{CONFIG_NAME} is a folder, not a file",
                                f"replace the folder with the {CONFIG_NAME} text file")
    try:
        text = path.read_text(encoding="utf-8-sig")
        return text, tomllib.loads(text)
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


def _read_scheme(raw: dict[str, Any], reader: ConfigReader) -> Scheme:
    scheme = Scheme(
        scale_min=as_number(setting_value(raw, "scheme.scale_min")),
        scale_max=as_number(setting_value(raw, "scheme.scale_max")),
        precision=int(as_number(setting_value(raw, "scheme.precision"))),
        tolerance=as_number(setting_value(raw, "scheme.tolerance")),
        index_label=_lang_pair(raw, "scheme.index_label"),
        aspects=_read_aspects(raw, reader),
        grades=_read_grades(raw, reader),
        weights_by_year=_read_weights(raw, reader),
    )
    _check_scheme(raw, scheme, reader)
    return scheme


def _read_aspects(raw: dict[str, Any], reader: ConfigReader) -> tuple[Aspect, ...]:
    return tuple(
        Aspect(str(a["key"]), str(a["label_id"]), str(a["label_en"]), as_number(a["weight"]))
        for a in setting_entries(raw, "scheme.aspects", reader)
    )


def _read_grades(raw: dict[str, Any], reader: ConfigReader) -> tuple[GradeBand, ...]:
    return tuple(
        GradeBand(str(g["letter"]), as_number(g["min"]), as_number(g["max"]), str(g["predikat_id"]),
                  str(g["predikat_en"]), str(g["color"]), str(g["zone"]))
        for g in setting_entries(raw, "scheme.grades", reader)
    )


def _read_weights(raw: dict[str, Any], reader: ConfigReader) -> tuple[tuple[int, tuple[tuple[str, float], ...]], ...]:
    """[scheme.weights.<year>] tables, by year; a year's weights that are not numbers mark it in error."""
    weights_raw = setting_value(raw, "scheme.weights")
    if not isinstance(weights_raw, dict):
        return ()
    weights: list[tuple[int, tuple[tuple[str, float], ...]]] = []
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
        weights.append((int(year), tuple((str(k), as_number(v)) for k, v in table.items())))
    return tuple(sorted(weights))


def _check_scheme(raw: dict[str, Any], scheme: Scheme, reader: ConfigReader) -> None:
    """Report the scheme's issues, remembering which data checks they spoil."""
    # An incomplete entry was reported and left out; checking what is left would only report its absence.
    incomplete = {name for name, found in (("scheme.aspects", scheme.aspects), ("scheme.grades", scheme.grades))
                  if isinstance(setting_value(raw, name), list) and len(setting_value(raw, name)) != len(found)}
    for issue in check_scheme(scheme):
        if issue.key in incomplete or (issue.key.startswith("scheme.weights") and "scheme.aspects" in incomplete):
            continue
        reader.error(issue.line_key if issue.line_key in reader.positions else issue.key, issue.message,
                     issue.hint, fatal=issue.spoils == "scheme")
        if issue.spoils == "grades":
            reader.grades_in_error = True
        elif issue.spoils == "weights":
            reader.weights_in_error.add(issue.year)


def _read_choices(raw: dict[str, Any], key: str, what: str, reader: ConfigReader) -> tuple[Choice, ...]:
    """[[levels]] or [[unit_types]]: at least one, each with its own key that is safe in URLs."""
    found = tuple(Choice(str(c["key"]), str(c["label_id"]), str(c["label_en"]), bool(c.get("needs_province", False)))
                  for c in setting_entries(raw, key, reader))
    seen: set[str] = set()
    for i, choice in enumerate(found):
        where = f"{key}[{i}].key"
        if not SAFE_KEY.fullmatch(choice.key):
            reader.error(where, f"{key} key '{choice.key}' is not a plain name",
                         "use lower-case letters, digits and '-', e.g. kabupaten-kota; it becomes part of URLs")
        elif choice.key in seen:
            reader.error(where, f"{key} key '{choice.key}' is declared twice", "give each entry its own key")
        seen.add(choice.key)
    if not found:
        reader.error(key, f"no {what} are declared", f"add [[{key}]] blocks with key, label_id and label_en",
                     fatal=True)
    return found


def _read_site(raw: dict[str, Any], reader: ConfigReader) -> SiteSettings:
    return SiteSettings(
        title=_lang_pair(raw, "site.title"),
        description=_lang_pair(raw, "site.description"),
        notice=_lang_pair(raw, "site.notice"),
        base_url=str(setting_value(raw, "site.base_url")),
        theme=_read_theme(raw, reader),
        languages=_read_languages(raw, reader),
    )


def _read_theme(raw: dict[str, Any], reader: ConfigReader) -> str:
    theme = str(setting_value(raw, "site.theme"))
    if not re.fullmatch(r"[A-Za-z0-9_-]+", theme):
        reader.error("site.theme", f"theme name '{theme}' is not a plain folder name",
                     "use letters, digits, '-' or '_'; the theme lives in themes/<name>/")
    return theme


def _read_languages(raw: dict[str, Any], reader: ConfigReader) -> tuple[str, ...]:
    languages_raw = setting_value(raw, "site.languages")
    languages = tuple(languages_raw) if isinstance(languages_raw, list) else ("id", "en")
    for lang in languages:
        if lang not in ("id", "en"):
            reader.error("site.languages", f"language '{lang}' is not supported", "use 'id' and/or 'en'")
    if not languages:
        reader.error("site.languages", "site.languages is empty", "use [\"id\", \"en\"]")
    # What is left is used to check the narrative; with an error reported, nothing is built from it.
    return tuple(dict.fromkeys(lang for lang in languages if lang in ("id", "en"))) or ("id", "en")


def _read_program(raw: dict[str, Any]) -> Program:
    return Program(str(setting_value(raw, "program.key")), _lang_pair(raw, "program.name"),
                   str(setting_value(raw, "program.publisher")))


def _read_data(raw: dict[str, Any], root: Path, reader: ConfigReader) -> DataSettings:
    layout = str(setting_value(raw, "data.layout"))
    if layout not in ("per-year", "long"):
        reader.error("data.layout", f"unknown data layout '{layout}'", "use 'per-year' or 'long'", fatal=True)
    regencies = str(setting_value(raw, "data.regencies"))
    data_table = raw.get("data")
    not_evaluated = setting_value(raw, "data.not_evaluated")
    return DataSettings(
        registry=root / str(setting_value(raw, "data.registry")),
        provinces=root / str(setting_value(raw, "data.provinces")),
        regencies=root / regencies if regencies else None,
        regencies_optional=not (isinstance(data_table, dict) and "regencies" in data_table),
        layout=layout,
        results=root / str(setting_value(raw, "data.results")),
        not_evaluated=(frozenset(str(v).strip().casefold() for v in not_evaluated)
                       if isinstance(not_evaluated, list) else frozenset()),
        zero_is_missing=bool(setting_value(raw, "data.zero_is_missing")),
    )


def _read_columns(raw: dict[str, Any], scheme: Scheme, reader: ConfigReader) -> dict[str, str]:
    """Rapor field -> the header in the result files: each field's own name unless [columns] maps it."""
    columns_raw = setting_value(raw, "columns")
    columns = {f: f for f in RESULT_FIELDS} | {a.key: a.key for a in scheme.aspects}
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
    return columns


def _lang_pair(raw: dict[str, Any], prefix: str) -> dict[str, str]:
    return {"id": str(setting_value(raw, f"{prefix}_id")), "en": str(setting_value(raw, f"{prefix}_en"))}
