"""The evaluation scheme: scale, weighted aspects (per year), grade bands. Pure; no I/O."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Literal

from .names import RESERVED_ASPECT_KEYS
from .rounding import format_fixed, round_series

if TYPE_CHECKING:  # pandas is imported where it is used: a render worker (parallel.py) never loads it
    import pandas as pd


@dataclass(frozen=True)
class Aspect:
    key: str
    label_id: str
    label_en: str
    weight: float

    def label(self, lang: str) -> str:
        return self.label_id if lang == "id" else self.label_en


@dataclass(frozen=True)
class GradeBand:
    letter: str
    min: float
    max: float
    predikat_id: str
    predikat_en: str
    color: str
    zone: str

    def predikat(self, lang: str) -> str:
        return self.predikat_id if lang == "id" else self.predikat_en


@dataclass(frozen=True)
class Choice:
    """A level or unit type: a key used in the registry and its labels."""

    key: str
    label_id: str
    label_en: str
    needs_province: bool = False  # levels only: units at this level must name their province

    def label(self, lang: str) -> str:
        return self.label_id if lang == "id" else self.label_en


@dataclass(frozen=True)
class Scheme:
    scale_min: float
    scale_max: float
    precision: int
    tolerance: float
    index_label: dict[str, str]
    aspects: tuple[Aspect, ...]
    grades: tuple[GradeBand, ...]
    weights_by_year: tuple[tuple[int, tuple[tuple[str, float], ...]], ...]

    @property
    def aspect_keys(self) -> tuple[str, ...]:
        return tuple(a.key for a in self.aspects)

    def weights_for(self, year: int) -> dict[str, float]:
        """Weights in force in `year`: the latest override at or before it, else the aspects' own."""
        chosen = {a.key: a.weight for a in self.aspects}
        for override_year, weights in self.weights_by_year:
            if override_year <= year:
                chosen = dict(weights)
        return chosen

    def weights_source(self, year: int) -> int | None:
        """The year of the [scheme.weights.<year>] table in force in `year`, or None for the aspects' own."""
        source = None
        for override_year, _ in self.weights_by_year:
            if override_year <= year:
                source = override_year
        return source

    def round(self, values: pd.Series) -> pd.Series:
        """Values at the published precision, by the site's one rounding rule (see rounding.py)."""
        return round_series(values, self.precision)

    def grade_letters(self, index: pd.Series) -> pd.Series:
        """The band letter of each index (rounded to the published precision); NaN stays missing."""
        import numpy as np
        import pandas as pd

        rounded = self.round(index).to_numpy()  # float64, NaN where missing (no band holds NaN)
        letters = np.full(len(rounded), None, dtype=object)
        lettered = np.zeros(len(rounded), dtype=bool)
        half_step = 0.5 * 10.0**-self.precision
        for band in reversed(self.grades):  # where bands touch, the higher one wins
            hit = (rounded >= band.min - half_step) & (rounded <= band.max + half_step) & ~lettered
            letters[hit] = band.letter
            lettered |= hit
        return pd.Series(letters, index=index.index, dtype="string")

    def band(self, letter: str) -> GradeBand | None:
        for band in self.grades:
            if band.letter == letter:
                return band
        return None

    def grade_for(self, index: float) -> GradeBand | None:
        import pandas as pd

        letter = self.grade_letters(pd.Series([index], dtype="float64")).iloc[0]
        return None if pd.isna(letter) else self.band(str(letter))


@dataclass(frozen=True)
class SchemeProblem:
    """A problem in the scheme and what it spoils.

    `spoils` says what can no longer be checked in the data: "scheme" (the scheme cannot be used at all),
    "grades" (whether a grade agrees with its index) or "weights" (whether an index is the weighted sum of
    its aspects, for the weights of `year`; None means the aspects' own weights).
    """

    key: str  # the config key the problem belongs to
    line_key: str  # a more precise key, for the line it is reported at
    message: str
    hint: str
    spoils: Literal["scheme", "grades", "weights"]
    year: int | None = None


def check_scheme(scheme: Scheme) -> Iterator[SchemeProblem]:
    """Every problem in a scheme, located by config key."""
    problem = SchemeProblem
    if not 0 <= scheme.precision <= 6:
        yield problem("scheme.precision", "scheme.precision", f"precision {scheme.precision} is not between 0 and 6",
                      "give the published decimals, e.g. 2", "scheme")
        return
    if scheme.tolerance < 0:
        yield problem("scheme.tolerance", "scheme.tolerance", f"tolerance {scheme.tolerance:g} is negative",
                      "e.g. tolerance = 0.01", "scheme")
    step = 10.0**-scheme.precision
    if scheme.scale_max <= scheme.scale_min:
        yield problem("scheme.scale_max", "scheme.scale_max",
                      f"scale_max {scheme.scale_max:g} is not above scale_min {scheme.scale_min:g}",
                      "e.g. scale_min = 0 and scale_max = 5", "scheme")
    keys = [a.key for a in scheme.aspects]
    for i, key in enumerate(keys):
        if key in keys[:i]:
            yield problem("scheme.aspects", f"scheme.aspects[{i}].key", f"aspect '{key}' is declared twice",
                          "give each aspect its own key", "scheme")
        elif key.casefold() in RESERVED_ASPECT_KEYS:
            # [columns] and the download's header row hold Rapor's own names beside the aspect keys.
            yield problem("scheme.aspects", f"scheme.aspects[{i}].key",
                          f"aspect key '{key}' is a name Rapor uses for its own column",
                          f"choose another key, e.g. '{key}_aspect', and map it to your header under [columns]; "
                          "reserved: " + ", ".join(sorted(RESERVED_ASPECT_KEYS)), "scheme")
    for i, aspect in enumerate(scheme.aspects):
        if not 0 <= aspect.weight <= 100:
            yield problem("scheme.aspects", f"scheme.aspects[{i}].weight",
                          f"aspect '{aspect.key}' has weight {aspect.weight:g}, not a percent from 0 to 100",
                          "give each aspect its share of the index in percent, e.g. weight = 25", "weights")
    if scheme.aspects:
        total = sum(a.weight for a in scheme.aspects)
        if abs(total - 100) > 1e-6:
            yield problem("scheme.aspects", "scheme.aspects[0].weight", f"aspect weights sum to {total:g}, not 100",
                          "adjust the weights so they add up to 100", "weights")
    for year, weights in scheme.weights_by_year:
        key = f"scheme.weights.{year}"
        given = [k for k, _ in weights]
        for name in given:
            if name not in keys:
                yield problem(key, f"{key}.{name}", f"[{key}] names unknown aspect '{name}'",
                              "aspects: " + ", ".join(keys) if keys else "the scheme declares no aspects",
                              "weights", year)
        missing = [k for k in keys if k not in given]
        if missing:
            yield problem(key, key, f"[{key}] gives no weight for " + ", ".join(missing),
                          "give every aspect a weight for that year", "weights", year)
        for name, weight in weights:
            if not 0 <= weight <= 100:
                yield problem(key, f"{key}.{name}", f"weight '{name}' for {year} is {weight:g}, not a percent from "
                              "0 to 100", "give each aspect its share of the index in percent, e.g. kebijakan = 25",
                              "weights", year)
        total = sum(w for _, w in weights)
        if abs(total - 100) > 1e-6:
            yield problem(key, key, f"weights for {year} sum to {total:g}, not 100",
                          "adjust the weights so they add up to 100", "weights", year)
    if not scheme.grades:
        yield problem("scheme.grades", "scheme.grades", "the scheme has no grade bands",
                      "add [[scheme.grades]] blocks", "scheme")
        return
    letters = [g.letter for g in scheme.grades]
    for i, letter in enumerate(letters):
        if letter in letters[:i]:
            yield problem("scheme.grades", f"scheme.grades[{i}].letter", f"grade '{letter}' is declared twice",
                          "give each band its own letter", "grades")
    order = sorted(range(len(scheme.grades)), key=lambda i: scheme.grades[i].min)
    for i in order:
        band = scheme.grades[i]
        if band.min > band.max:
            yield problem("scheme.grades", f"scheme.grades[{i}].min",
                          f"grade {band.letter}: min {band.min:g} is above max {band.max:g}", "swap min and max",
                          "grades")
    lowest = scheme.grades[order[0]]
    if lowest.min > scheme.scale_min + 1e-9:
        yield problem("scheme.grades", f"scheme.grades[{order[0]}].min",
                      f"no grade covers {scheme.scale_min:g} to {lowest.min:g}",
                      f"let grade {lowest.letter} start at {scheme.scale_min:g}", "grades")
    highest = scheme.grades[order[-1]]
    if highest.max < scheme.scale_max - 1e-9:
        yield problem("scheme.grades", f"scheme.grades[{order[-1]}].max",
                      f"no grade covers {highest.max:g} to {scheme.scale_max:g}",
                      f"let grade {highest.letter} end at {scheme.scale_max:g}", "grades")
    for below, above in pairwise(order):
        low, high = scheme.grades[below], scheme.grades[above]
        gap = high.min - low.max
        next_start = format_fixed(low.max + step, scheme.precision)
        if gap <= 1e-9:
            yield problem("scheme.grades", f"scheme.grades[{above}].min",
                          f"grades {low.letter} ({low.min:g}–{low.max:g}) and {high.letter} "
                          f"({high.min:g}–{high.max:g}) overlap",
                          f"start {high.letter} at {next_start}, just above {low.max:g}",
                          "grades")
        elif gap > step + 1e-9:
            yield problem("scheme.grades", f"scheme.grades[{above}].min",
                          f"gap between grade {low.letter} (up to {low.max:g}) and {high.letter} "
                          f"(from {high.min:g})", f"start {high.letter} at {next_start}",
                          "grades")
