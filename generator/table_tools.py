"""What a ranking page's table tools need (sorting, filters, the year switcher, the CSV link).

The sort and filter values are made only when the page is rendered (PageTools, a deferred.Deferred): a
rebuild reuses most ranking pages, whose fingerprints name the values' inputs instead (the page's rows and
the settings below). Templates see them as before: `table_tools` is {"filters", "sort", "filter"}.

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
import hashlib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .deferred import Deferred
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
    """Each ranking page's tool context: the years that have its ranking, the year's CSV, and its table values
    deferred (PageTools: made only if the page is rendered). A page's two languages share one PageTools, so
    its values are made at most once per process that renders them."""

    grade_letters: Sequence[str]
    precision: int
    years: dict[tuple[str, str], list[int]]
    order: dict[str, list[str]]  # level and type keys in configured order, province codes sorted
    _pages: dict[tuple[int, str, str, int], dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.values = TableValues(tuple(self.grade_letters), self.precision,
                                  {name: list(self.order.get(name, [])) for name in FILTERS if name != "grade"})

    def context(self, year: int, scope: str, key: str, page: int, rows: list[Row]) -> dict[str, Any]:
        """The page's tool values; their `table_tools` holds the page's rows (`rows` of its context: the first
        language's list, so a plan sent to a worker holds one list, not two)."""
        found = self._pages.get((year, scope, key, page))
        if found is None:
            found = self._pages[(year, scope, key, page)] = {
                "ranking_years": self.years.get((scope, key), [year]), "download": SiteUrls.download(year),
                "table_tools": PageTools(self.values, year, scope, key, page, rows)}
        return found


class PageTools(Deferred):
    """A ranking page's `table_tools` ({"filters", "sort", "filter"}), made when the page is rendered. They are
    made from the page's rows (`rows` in its context: its fingerprint covers them) and from (year, scope, key)
    and its TableValues' settings, which `fingerprint` names."""

    __slots__ = ("_made", "key", "page", "rows", "scope", "values", "year")

    def __init__(self, values: TableValues, year: int, scope: str, key: str, page: int, rows: list[Row]) -> None:
        self.values, self.year, self.scope, self.key, self.page, self.rows = values, year, scope, key, page, rows
        self._made: dict[str, Any] | None = None

    def value(self) -> dict[str, Any]:
        if self._made is None:
            self._made = self.values.compute(self.year, self.scope, self.key, self.rows)
        return self._made

    def fingerprint(self) -> tuple[object, ...]:
        return (self.year, self.scope, self.key, self.page, self.values.digest)

    def __reduce__(self) -> tuple[Any, ...]:
        """Sent without the values (a worker makes them; they are as large as the rows)."""
        return PageTools, (self.values, self.year, self.scope, self.key, self.page, self.rows)


class TableValues:
    """Makes a ranking page's sort and filter values from its rows, the grade scheme's letters (best first),
    the precision figures are published with and the order of level, type and province options. One per build:
    it keeps each unit-year's figures written (`_figures`), which only that build's rows may read."""

    def __init__(self, grade_letters: tuple[str, ...], precision: int, order: dict[str, list[str]],
                 token: str | None = None) -> None:
        self.grade_letters, self.precision, self.order = grade_letters, precision, order
        # What the values are made with, as a digest for the pages' fingerprints (incremental.py). JSON, not a
        # pickle: the same in every process and Python version.
        settings = json.dumps([list(grade_letters), precision, sorted(order.items())], ensure_ascii=False)
        self.digest = hashlib.blake2b(settings.encode("utf-8"), digest_size=16).hexdigest()
        # Names this build's values in a render worker (never a fingerprint: it differs per build).
        self.token = os.urandom(8).hex() if token is None else token
        # A row's sort fields after its rank and change (grade, index, aspects) are the same on every ranking
        # that shows it: written once per unit-year, not once per ranking (four per row).
        self._figures: dict[tuple[int, str], str] = {}

    def __reduce__(self) -> tuple[Any, ...]:
        """To a render worker: its settings and this build's token, so that the worker's chunks of pages share
        one TableValues (and its figures) per build."""
        return _received, (self.grade_letters, self.precision, self.order, self.token)

    def compute(self, year: int, scope: str, key: str, rows: list[Row]) -> dict[str, Any]:
        grade_position = {letter: i for i, letter in enumerate(self.grade_letters)}
        present = {name: {_value(row, name) for row in rows} for name in FILTERS}
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
        if len(figures) > FIGURES_KEPT:  # bounded: a worker renders a few years' rankings at most
            figures.clear()
        for row in rows:
            evaluated = bool(row["evaluated"])
            values = [_value(row, name) for name in FILTERS]
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
        return {"filters": filters, "sort": sort_values, "filter": filter_values}


FIGURES_KEPT = 400_000
# This process's TableValues received from the build (a render worker's: one build's at a time).
_RECEIVED: dict[str, TableValues] = {}


def _received(grade_letters: tuple[str, ...], precision: int, order: dict[str, list[str]], token: str
              ) -> TableValues:
    found = _RECEIVED.get(token)
    if found is None:
        _RECEIVED.clear()
        found = _RECEIVED[token] = TableValues(grade_letters, precision, order, token)
    return found


def _value(row: Row, name: str) -> str:
    value = row[name]
    return "" if value is None or value != value else str(value)
