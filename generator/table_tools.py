"""What a ranking page's table tools need (sorting, filters, the year switcher, the CSV link). Pure.

The script (themes/default/static/tables.js) never reads locale text: each row carries the numbers it sorts
by and the filter values it matches, written once here in a compact, language-neutral form.

- `data-sort`: the rank, the change in rank, the grade's position in the scheme (0 = best), the index and each
  aspect, rounded as published (so the order matches the shown figures and the ranks), separated by `|`; an
  empty field has no value (not evaluated, new) and sorts last either way.
- `data-filter`: the row's level, type, province and grade as positions in the page's own option lists
  (`filters`), separated by spaces, `-` where the row has none. Positions, not keys: a province code may be
  any text, a position is always safe inside an attribute and short.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .rounding import round_half_up
from .sitedata import Row
from .urls import SiteUrls

FILTERS = ("level", "type", "province", "grade")
GRADE = FILTERS.index("grade")
# A filter with fewer distinct values than this on a page would hide nothing: it is left out.
MIN_CHOICES = 2


def sort_number(value: float | int | None, decimals: int) -> str:
    """A figure as the table shows it (rounded by the site's one rule), with a decimal point; '' for none."""
    if value is None or value != value:  # None or NaN
        return ""
    return _sort_text(value, decimals)


# A unit's figures are in the table of every ranking it is in (national, province, level, type): each distinct
# figure is written once per build.
@functools.lru_cache(maxsize=1 << 16, typed=True)
def _sort_text(value: float | int, decimals: int) -> str:
    text = format(round_half_up(value, decimals), "f")
    if "." in text:  # 3.50 -> 3.5: shorter rows, the same number
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def ranking_years(scopes_by_year: Mapping[int, Mapping[str, Iterable[str]]]) -> dict[tuple[str, str], list[int]]:
    """(scope, key) -> the years that have that ranking, oldest first; the national ranking is in every year."""
    found: dict[tuple[str, str], list[int]] = {}
    for year in sorted(scopes_by_year):
        found.setdefault(("national", ""), []).append(year)
        for scope, keys in scopes_by_year[year].items():
            for key in keys:
                found.setdefault((scope, key), []).append(year)
    return found


@dataclass
class TableTools:
    """Computes each ranking page's tool values once; the second language's plan reuses them."""

    grade_letters: Sequence[str]
    precision: int
    years: dict[tuple[str, str], list[int]]
    order: dict[str, list[str]]  # level and type keys in configured order, province codes sorted
    _cache: dict[tuple[int, str, str, int], dict[str, Any]] = field(default_factory=dict)
    # A row's sort fields after its rank and change (grade, index, aspects) are the same on every ranking that
    # shows it: written once per unit-year, not once per ranking (four per row).
    _figures: dict[tuple[int, str], str] = field(default_factory=dict)
    # A warm session's dict (session.scratch): each page's values of the last build with the rows they were
    # computed from. Reused when this build's page has the very same row objects (site_rows.py keeps an
    # unchanged year's rows, and no one changes a row) and the same grades, precision, years and order.
    kept: dict[Any, Any] | None = None

    def __post_init__(self) -> None:
        if self.kept is not None:
            made_with = (tuple(self.grade_letters), self.precision, self.years, self.order)
            if self.kept.get("made with") != made_with:
                self.kept.clear()
                self.kept["made with"] = made_with

    def context(self, year: int, scope: str, key: str, page: int, rows: list[Row]) -> dict[str, Any]:
        cached = self._cache.get((year, scope, key, page))
        if cached is None:
            last = self.kept.get((year, scope, key, page)) if self.kept is not None else None
            if last is not None and len(last[0]) == len(rows) and all(
                    a is b for a, b in zip(last[0], rows, strict=True)):
                cached = last[1]
            else:
                cached = self._compute(year, scope, key, rows)
                if self.kept is not None:
                    self.kept[(year, scope, key, page)] = (tuple(rows), cached)
            self._cache[(year, scope, key, page)] = cached
        return cached

    def _compute(self, year: int, scope: str, key: str, rows: list[Row]) -> dict[str, Any]:
        grade_position = {letter: i for i, letter in enumerate(self.grade_letters)}
        present = {name: {self._value(row, name) for row in rows} for name in FILTERS}
        choices: dict[str, list[str]] = {}
        for name in FILTERS:
            ordered = self.grade_letters if name == "grade" else self.order.get(name, [])
            known = [value for value in ordered if value in present[name]]
            # Values outside the configured order (none today) still get an option, after the known ones.
            known += sorted(value for value in present[name] - set(known) if value)
            if "" in present[name] and name == "grade":
                known.append("")  # "not evaluated" is a grade readers filter by
            choices[name] = known
        # Each filter with its field in data-filter and its values (the options, in order).
        filters = [{"name": name, "field": i, "values": choices[name]}
                   for i, name in enumerate(FILTERS) if len(choices[name]) >= MIN_CHOICES]
        positions = {name: {value: i for i, value in enumerate(values)} for name, values in choices.items()}
        rank_key, move_key = f"rank_{scope}", f"move_{scope}"
        sort_values: dict[str, str] = {}
        filter_values: dict[str, str] = {}
        figures = self._figures
        for row in rows:
            evaluated = bool(row["evaluated"])
            values = [self._value(row, name) for name in FILTERS]
            figure_key = (row["year"], row["unit_id"])
            shared = figures.get(figure_key)
            if shared is None:
                grade = grade_position.get(values[GRADE])
                shared = figures[figure_key] = "|".join([
                    "" if grade is None else str(grade),
                    sort_number(row["index"], self.precision) if evaluated else "",
                    *(sort_number(value, self.precision) if evaluated else "" for value in row["aspects"])])
            sort_values[row["unit_id"]] = "|".join([
                str(row[rank_key]) if evaluated and row[rank_key] is not None else "",
                str(row[move_key]) if evaluated and row[move_key] is not None else "", shared])
            filter_values[row["unit_id"]] = " ".join(
                str(positions[name].get(value, "-")) if value or name == "grade" else "-"
                for name, value in zip(FILTERS, values, strict=True))
        return {"ranking_years": self.years.get((scope, key), [year]), "download": SiteUrls.download(year),
                "table_tools": {"filters": filters, "sort": sort_values,
                                "filter": filter_values}}

    @staticmethod
    def _value(row: Row, name: str) -> str:
        value = row[name]
        return "" if value is None or value != value else str(value)
