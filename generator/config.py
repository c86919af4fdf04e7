"""Read `rapor.toml` against the settings table into frozen dataclasses, collecting every problem.

A config with errors is still used to check the data when it can be (a bad weight, overlapping grade
bands, an unknown key): the user then sees config and data problems in one run. Only a
config that cannot be read, or whose scheme, columns or data settings cannot be used, stops at once.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config_reader import ConfigReader, as_number, as_whole, finite, key_positions, setting_entries, setting_value
from .config_site import Program, SiteSettings, lang_pair, read_program, read_site
from .errors import (
    CONTROL_HINT,
    NotUtf8,
    Problem,
    ProblemList,
    RaporError,
    did_you_mean,
    has_control,
    quoted,
    read_bytes,
    read_failure,
    utf8_text,
)
from .file_names import WINDOWS_HINT, windows_unsafe
from .scheme import Aspect, Choice, GradeBand, Scheme, check_scheme
from .settings import SETTINGS_BY_KEY

CONFIG_NAME = "rapor.toml"
RESULT_FIELDS = ("year", "unit_id", "unit_name", "index", "grade")
SAFE_KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
# Grade colours are written into a style attribute: only a CSS hex colour can go there safely.
HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})")
COLOUR_HINT = "use a hex colour such as #1f5f8b"


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
    ignore_columns: frozenset[str] = frozenset()  # headers (casefolded) read by nothing, and not reported
    corrections: Path | None = None  # the corrections log; None: data.corrections = ""
    corrections_optional: bool = True  # left at its default: a missing file means no corrections
    province_map: Path | None = None  # None: no map (data.province_map = "")
    province_map_optional: bool = True  # left at its default: a missing file means no map, not an error
    province_map_credit: dict[str, str] = dataclasses.field(default_factory=dict)  # lang -> the boundaries' source


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

    def portable(self) -> Config:
        """This config with its paths as the user wrote them (relative to the project where they are inside
        it): what a file's input key is made from, so the same project built from another folder gets the same
        keys, and the same manifest, byte for byte."""
        def moved(path: Path | None) -> Path | None:
            return None if path is None else Path(self.rel(path))

        data = self.data
        data = dataclasses.replace(data, registry=Path(self.rel(data.registry)),
                                   provinces=Path(self.rel(data.provinces)),
                                   regencies=moved(data.regencies), results=Path(self.rel(data.results)),
                                   corrections=moved(data.corrections), province_map=moved(data.province_map))
        # The output folder is not an input of any file: where it is changes nothing in it.
        return dataclasses.replace(self, root=Path("."), path=Path(self.rel(self.path)), output=Path("."), data=data)


def load_config(root: Path, strict: bool = False) -> Config:
    """Read `rapor.toml` from the project folder. Raises RaporError listing every problem found."""
    problems = ProblemList()
    config = read_config(root, problems, strict)
    problems.raise_if_errors()
    return config


def read_config(root: Path, problems: ProblemList, strict: bool = False) -> Config:
    """Read `rapor.toml`, adding every problem to `problems`, so the data can be checked in the same run.

    Raises RaporError (with every config problem) only when the config cannot be used to check the data:
    unreadable, not TOML, or a scheme, column mapping or data setting that cannot be read. Every config
    problem is an error with or without `strict` (an unknown key is most often a misspelling); the argument
    is accepted so that callers can pass the one flag to every stage.
    """
    root = root.resolve()
    path = root / CONFIG_NAME
    text, raw = _read_toml(root, path)
    reader = ConfigReader(CONFIG_NAME, key_positions(text), problems)
    reader.check_table("", raw)
    scheme = _read_scheme(raw, reader)
    levels = _read_choices(raw, "levels", "levels", reader)
    unit_types = _read_choices(raw, "unit_types", "unit types", reader)
    site = read_site(raw, reader)
    program = read_program(raw, reader)
    data = _read_data(raw, root, reader)
    columns = _read_columns(raw, scheme, reader)
    _check_ignored(data, columns, reader)
    if reader.fatal:
        raise RaporError(problems.items)
    return Config(
        root=root,
        path=path,
        site=site,
        program=program,
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
    try:
        data = read_bytes(path)
    except OSError as exc:
        blocker = next((p for p in [*reversed(root.parents), root] if os.path.lexists(p) and not p.is_dir()), None)
        if blocker is not None:  # the project folder given is a file, or lies below one
            raise RaporError.single(str(blocker), 1, 1, "this is a file, not a project folder",
                                    "pass the project's folder (the one holding rapor.toml), e.g. rapor build "
                                    "kota/; to start a new project, run: rapor init NEW_FOLDER") from None
        if isinstance(exc, FileNotFoundError) and not os.path.lexists(path):
            raise RaporError.single(CONFIG_NAME, 1, 1, f"no {CONFIG_NAME} in {root}",
                                    "run rapor in a project folder, or pass the folder: rapor build PROJECT_DIR; "
                                    "to start a new project there, run: rapor init PROJECT_DIR") from None
        message, hint = read_failure(exc, path, CONFIG_NAME)
        if message.endswith("is a folder, not a file"):
            hint = f"replace the folder with the {CONFIG_NAME} text file"
        raise RaporError.single(CONFIG_NAME, 1, 1, message, hint) from None
    try:
        text = utf8_text(data)
        return text, tomllib.loads(text)
    except NotUtf8 as bad:
        raise RaporError.single(CONFIG_NAME, bad.line, bad.column, f"{CONFIG_NAME} is not UTF-8 text ({bad.reason})",
                                "save the file as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line, column = (int(found.group(1)), int(found.group(2))) if found else (1, 1)
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise RaporError.single(CONFIG_NAME, line, column, f"TOML syntax error: {message}",
                                "check quotes, brackets and '=' on this line (see https://toml.io)") from None


def _read_scheme(raw: dict[str, Any], reader: ConfigReader) -> Scheme:
    def number(key: str) -> float:
        """The setting, or its default when it is not a finite number (reported by the reader)."""
        return as_number(setting_value(raw, key), SETTINGS_BY_KEY[key].default)

    scheme = Scheme(
        scale_min=number("scheme.scale_min"),
        scale_max=number("scheme.scale_max"),
        precision=as_whole(setting_value(raw, "scheme.precision"), SETTINGS_BY_KEY["scheme.precision"].default),
        tolerance=number("scheme.tolerance"),
        index_label=lang_pair(raw, "scheme.index_label"),
        aspects=_read_aspects(raw, reader),
        grades=_read_grades(raw, reader),
        weights_by_year=_read_weights(raw, reader),
    )
    _check_scheme(raw, scheme, reader)
    return scheme


def _read_aspects(raw: dict[str, Any], reader: ConfigReader) -> tuple[Aspect, ...]:
    aspects = tuple(
        Aspect(str(a["key"]), str(a["label_id"]), str(a["label_en"]), as_number(a["weight"]))
        for a in setting_entries(raw, "scheme.aspects", reader)
    )
    for i, aspect in enumerate(aspects):
        # The key names a column of the result files (the default header) and of the yearly download.
        # (Keys Rapor reserves for its own columns are refused by scheme.check_scheme.)
        if not SAFE_KEY.fullmatch(aspect.key):
            reader.error(f"scheme.aspects[{i}].key", f"aspect key '{aspect.key}' is not a plain name",
                         "use only lower-case ASCII letters (a-z), digits (0-9), '-' and '_', starting with a "
                         "letter or digit, at most 64 characters, e.g. kebijakan; map the file's header to it under "
                         "[columns]", fatal=True)
    return aspects


def _read_grades(raw: dict[str, Any], reader: ConfigReader) -> tuple[GradeBand, ...]:
    _check_colours(raw, reader)
    return tuple(
        GradeBand(str(g["letter"]), as_number(g["min"]), as_number(g["max"]), str(g["predikat_id"]),
                  str(g["predikat_en"]), _colour(g["color"]), str(g["zone"]))
        for g in setting_entries(raw, "scheme.grades", reader)
    )


def _colour(value: Any) -> str:
    """A grade's colour as written into pages: a hex colour, or a neutral grey in place of anything else."""
    return value if isinstance(value, str) and HEX_COLOUR.fullmatch(value) else "#555555"


def _check_colours(raw: dict[str, Any], reader: ConfigReader) -> None:
    """Each band's colour is a CSS hex colour (text that is not, the reader has reported)."""
    grades = setting_value(raw, "scheme.grades")
    if not isinstance(grades, list):
        return
    for i, grade in enumerate(grades):
        colour = grade.get("color") if isinstance(grade, dict) else None
        if isinstance(colour, str) and not HEX_COLOUR.fullmatch(colour):
            reader.error(f"scheme.grades[{i}].color", f"grade colour '{colour}' is not a hex colour", COLOUR_HINT)


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
                reader.error(f"{key}.{name}", f"weight '{name}' for {year} must be a number, not {quoted(value)}",
                             "write the percent without quotes, e.g. kebijakan = 25")
            elif not finite(value):
                reader.error(f"{key}.{name}",
                             f"weight '{name}' for {year} must be a finite number, not {quoted(value)}",
                             "write the percent as a number, e.g. kebijakan = 25")
            else:
                continue
            reader.weights_in_error.add(int(year))
            reader.bad_numbers.add(key)
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
        if issue.key in reader.bad_numbers and issue.spoils != "scheme":
            continue  # a sum or band that holds a value already reported as not a number
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
                         "use only lower-case ASCII letters (a-z), digits (0-9), '-' and '_', starting with a "
                         "letter or digit, at most 64 characters, e.g. kabupaten-kota; it becomes part of URLs")
        elif windows_unsafe(choice.key):
            reader.error(where, f"{key} key '{choice.key}' cannot name a folder on Windows", WINDOWS_HINT)
        elif choice.key in seen:
            reader.error(where, f"{key} key '{choice.key}' is declared twice", "give each entry its own key")
        seen.add(choice.key)
    if not found:
        reader.error(key, f"no {what} are declared", f"add [[{key}]] blocks with key, label_id and label_en",
                     fatal=True)
    return found


def _read_data(raw: dict[str, Any], root: Path, reader: ConfigReader) -> DataSettings:
    layout = str(setting_value(raw, "data.layout"))
    if layout not in ("per-year", "long"):
        reader.error("data.layout", f"unknown data layout '{layout}'", "use 'per-year' or 'long'", fatal=True)
    regencies = str(setting_value(raw, "data.regencies"))
    corrections = str(setting_value(raw, "data.corrections"))
    province_map = str(setting_value(raw, "data.province_map"))
    data_table = raw.get("data")
    not_evaluated = setting_value(raw, "data.not_evaluated")
    ignored = setting_value(raw, "data.ignore_columns")
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
        ignore_columns=(frozenset(str(v).strip().casefold() for v in ignored)
                        if isinstance(ignored, list) else frozenset()),
        corrections=root / corrections if corrections else None,
        corrections_optional=not (isinstance(data_table, dict) and "corrections" in data_table),
        province_map=root / province_map if province_map else None,
        province_map_optional=not (isinstance(data_table, dict) and "province_map" in data_table),
        province_map_credit={lang: str(setting_value(raw, f"data.province_map_credit_{lang}"))
                             for lang in ("id", "en")},
    )


def _read_columns(raw: dict[str, Any], scheme: Scheme, reader: ConfigReader) -> dict[str, str]:
    """Rapor field -> the header in the result files: each field's own name unless [columns] maps it."""
    columns_raw = setting_value(raw, "columns")
    columns = {f: f for f in RESULT_FIELDS} | {a.key: a.key for a in scheme.aspects}
    if not isinstance(columns_raw, dict):
        return columns
    mapped: dict[str, str] = {}  # header ignoring case -> the field it was mapped to first
    for field, header in columns_raw.items():
        key = f"columns.{field}"
        if field not in columns:
            reader.unused(key, f"unknown field '{field}' in [columns]",
                          did_you_mean(field, columns) or "fields: " + ", ".join(columns))
        elif not isinstance(header, str):
            reader.error(key, f"the header for '{field}' must be text in quotes",
                         f"write the header as it appears in your file, e.g. {field} = \"{field}\"", fatal=True)
        elif has_control(header):
            reader.error(key, f"the header for '{field}' holds a control or invisible character: '{header}'",
                         CONTROL_HINT, fatal=True)
        elif not header.strip():
            reader.error(key, f"the header for '{field}' is empty",
                         f"write the header as it appears in your file, e.g. {field} = \"{field}\"", fatal=True)
        else:
            columns[field] = header
    for field, header in columns.items():
        folded = header.strip().casefold()
        if folded in mapped:
            other = mapped[folded]
            written = field if field in columns_raw else other
            reader.error(f"columns.{written}", f"'{other}' and '{field}' both read the column '{header}'",
                         "map each field to its own column", fatal=True)
        mapped.setdefault(folded, field)
    return columns


def _check_ignored(data: DataSettings, columns: dict[str, str], reader: ConfigReader) -> None:
    """A column listed in data.ignore_columns cannot also be read for a field."""
    read = {header.strip().casefold(): field for field, header in columns.items()}
    for header in sorted(data.ignore_columns):
        if header in read:
            reader.error("data.ignore_columns", f"column '{header}' is ignored but also read for '{read[header]}'",
                         "remove it from data.ignore_columns, or map the field to another column under [columns]")
