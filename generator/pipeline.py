"""Read and check everything a site is built from, collecting every problem before stopping."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .boundaries import Boundaries, load_boundaries
from .config import Config, read_config
from .content import Page, load_content
from .corrections import Correction, load_corrections
from .errors import Problem, ProblemList
from .load import load_provinces, load_regencies, load_registry, result_files
from .published import check_published_years
from .registry_checks import check_registry
from .result_checks import check_results
from .theme import Theme, load_theme


@dataclass(frozen=True)
class Inputs:
    config: Config
    units: pd.DataFrame
    results: pd.DataFrame
    provinces: pd.DataFrame
    pages: tuple[Page, ...]
    theme: Theme
    warnings: tuple[Problem, ...]
    corrections: tuple[Correction, ...] = ()
    boundaries: Boundaries | None = None  # the province map, if the project has one


ThemeLoader = Callable[[Config, ProblemList], Theme]
ContentLoader = Callable[..., tuple[Page, ...]]  # load_content's parameters

_NO_UNITS = pd.DataFrame({c: pd.Series(dtype=object) for c in
                          ("name", "level", "type", "province", "regency", "regency_name", "former_ids",
                           "former_names")})


def read_inputs(root: Path, strict: bool = False, theme_loader: ThemeLoader = load_theme,
                content_loader: ContentLoader = load_content) -> Inputs:
    """Config, registry, results and narrative, checked. Raises RaporError with every problem found.

    Config errors are collected with the rest: only a config that cannot be used stops before the data.
    A warm build session (session.py) passes loaders that reuse an unchanged theme and narrative.
    """
    problems = ProblemList()
    config = read_config(root, problems, strict=strict)
    theme = theme_loader(config, problems)
    provinces = load_provinces(config, problems)
    regencies = load_regencies(config, problems)
    boundaries = load_boundaries(config, provinces, problems) if len(provinces) else None
    table = load_registry(config, problems, strict)
    units = check_registry(config, table, provinces, problems, regencies) if table is not None else None
    files = result_files(config, problems)
    # Without a registry the result files are still checked, only not matched to units.
    results = check_results(config, files, units if units is not None else _NO_UNITS, problems, strict,
                            match_units=units is not None)
    if units is None:
        problems.raise_if_errors()
        raise AssertionError("a registry that failed to load always reports an error")
    years = {int(y) for y in results["year"].unique()}
    # A year whose file failed to read still has results: its date, its corrections and its narrative are not
    # reported as well (as having no results), only the file's own problems.
    with_files = years | {y for y, _ in files if y is not None}
    check_published_years(config.program.published, with_files, problems)
    former_ids = {former: str(unit_id) for unit_id, formers in units["former_ids"].items() for former in formers}
    corrections = load_corrections(config, units, results, problems, frozenset(with_files - years))
    pages = content_loader(config, set(units.index), with_files, theme.own_templates, theme.labels(), problems,
                         former_ids, frozenset(provinces["code"]))
    problems.raise_if_errors()
    return Inputs(config, units, results, provinces, pages, theme, tuple(problems.warnings), corrections,
                  boundaries)
