"""The model reshaped once into plain Python lookups that page contexts are assembled from. Pure.

DataFrames are converted to records a single time here; page planning then only indexes dicts, so
the work per page stays constant however many units the site has.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .names import aspect_column
from .site_rows import records as records  # league.py reads it here
from .site_rows import result_rows

if TYPE_CHECKING:  # not imported at run time: a render worker (parallel.py) reads SiteData without pandas
    from .model import Model
    from .scheme import Scheme

Row = dict[str, Any]


@dataclass(frozen=True)
class SiteData:
    """What pages look up. A result row (rows_by_year, history) holds model.rank_results' columns:

    year, unit_id, name, level, type, province, evaluated; index (as read), score (published: rounded by the
    one rule, rounding.py), grade; aspects (the values in scheme order; each also under `aspect:<key>`);
    rank_<scope> and count_<scope> for scope national, level, type (within the unit's level), province;
    previous_year (the previous year in the data); compared_year (the year every change of this row is
    measured against: the unit's last evaluated year before this one, None if none); prev_index, prev_grade,
    prev_rank_<scope> (the values in compared_year); delta (score - the score of compared_year), grade_change,
    move_<scope> (positive = up); is_new (first evaluation), returning (compared_year is before
    previous_year, i.e. the unit was not evaluated in previous_year).
    """

    years: tuple[int, ...]
    units: dict[str, Row]  # id -> name, level, type, province, province_name, regency, former_*
    rows_by_year: dict[int, list[Row]]  # national ranking order, evaluated first
    history: dict[str, list[Row]]  # unit id -> its rows, oldest year first
    # (year, group, key, field) -> mean, compared_year, previous, delta; field is `index` or `aspect:<key>`
    averages: dict[tuple[int, str, str, str], Row]
    grade_counts: dict[tuple[int, str, str], dict[str, int]]  # (year, level, type) -> grade -> count
    group_totals: dict[int, list[Row]]  # year -> level, type, listed, evaluated
    provinces: dict[int, list[Row]]  # year -> provinces in rank order
    province_names: dict[str, str]

    def average(self, year: int, group: str, key: str, field: str) -> Row | None:
        """The rounded mean of `field` ('index' or aspect_column(key)) in a group: 'all' (key ''), 'level',
        'type', 'province' (key: its key or code) or 'level_type' (key: model.level_type_key(level, type))."""
        return self.averages.get((year, group, key, field))

    def aspect_average(self, year: int, group: str, key: str, aspect: str) -> Row | None:
        """`average` of the aspect keyed `aspect`."""
        return self.averages.get((year, group, key, aspect_column(aspect)))

    def latest_row(self, unit_id: str) -> Row | None:
        """The unit's most recent evaluated year, or its most recent row if it was never scored."""
        rows = self.history.get(unit_id, [])
        for row in reversed(rows):  # from the latest year: most units were evaluated in it (asked 60,000 times)
            if row["evaluated"]:
                return row
        return rows[-1] if rows else None


def build_site_data(model: Model, scheme: Scheme, province_names: dict[str, str],
                    kept: dict[str, Any] | None = None) -> SiteData:
    """`kept`: a warm session's per-year rows (site_rows.py)."""
    units = model.units.copy()
    units["id"] = units.index
    unit_rows = {row["id"]: row for row in records(units)}
    by_year: dict[int, list[Row]] = defaultdict(list)
    history: dict[str, list[Row]] = defaultdict(list)
    for row in result_rows(model.results, model.units["name"], scheme.aspect_keys, kept):
        by_year[int(row["year"])].append(row)
        history[row["unit_id"]].append(row)
    for rows in history.values():
        rows.sort(key=lambda r: r["year"])
    averages = {(int(r["year"]), r["group"], r["key"], r["field"]): r for r in records(model.averages)}
    counts: dict[tuple[int, str, str], dict[str, int]] = defaultdict(dict)
    for r in records(model.grade_counts):
        counts[(int(r["year"]), r["level"], r["type"])][r["grade"]] = int(r["count"])
    totals: dict[int, list[Row]] = defaultdict(list)
    for r in records(model.group_totals):
        totals[int(r["year"])].append(r)
    provinces: dict[int, list[Row]] = defaultdict(list)
    for r in records(model.provinces):
        provinces[int(r["year"])].append(r)
    return SiteData(
        years=model.years,
        units=unit_rows,
        rows_by_year=dict(by_year),
        history=dict(history),
        averages=averages,
        grade_counts=dict(counts),
        group_totals=dict(totals),
        provinces=dict(provinces),
        province_names=province_names,
    )
