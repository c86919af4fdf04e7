"""The site model: ranks, changes, counts, averages and history, computed once in pandas. Pure; no I/O.

Everything a page shows is derived here, before any page is rendered, so templates only look values up.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from .names import LEVEL_TYPE_SEPARATOR, aspect_column
from .names import level_type_key as level_type_key  # defined in names.py, without pandas (parallel.py)
from .rounding import published_means
from .scheme import Scheme

# Ranking scopes and the columns that group units in each: a type is ranked within its level.
SCOPES = {"national": [], "level": ["level"], "type": ["level", "type"], "province": ["province"]}


@dataclass(frozen=True)
class Model:
    years: tuple[int, ...]
    units: pd.DataFrame  # index id: name, level, type, province, regency, regency_name, former_*, province_name
    results: pd.DataFrame  # one row per (year, unit_id), see rank_results
    grade_counts: pd.DataFrame  # year, level, type, grade, count
    group_totals: pd.DataFrame  # year, level, type, evaluated, listed
    averages: pd.DataFrame  # year, group, key, field (index | aspect:<key>), mean, compared_year, previous, delta
    provinces: pd.DataFrame  # year, province, name, units, mean, rank, compared_year, previous_rank, movement

    @property
    def latest_year(self) -> int:
        return self.years[-1]

    def year_results(self, year: int) -> pd.DataFrame:
        return self.results[self.results["year"] == year]

    @cached_property
    def _rows_by_unit(self) -> dict[str, np.ndarray]:
        groups = self.results.groupby("unit_id", sort=False).indices
        return {str(k): np.asarray(v, dtype=np.int64) for k, v in groups.items()}

    def unit_history(self, unit_id: str) -> pd.DataFrame:
        """Every year's row of one unit, oldest first. Rows filed under a former id or name are included:
        loading already resolved them to the current id."""
        positions = self._rows_by_unit.get(unit_id, np.zeros(0, dtype=np.int64))
        return self.results.iloc[positions].sort_values("year")

    @cached_property
    def former_ids(self) -> dict[str, str]:
        """Former id -> current id, e.g. to redirect old addresses."""
        return {former: str(unit_id) for unit_id, formers in self.units["former_ids"].items() for former in formers}

    def departed(self, year: int) -> pd.DataFrame:
        """Rows of the previous year for units evaluated then but not in `year` (left, or not evaluated)."""
        previous = [y for y in self.years if y < year]
        if not previous:
            return self.results.iloc[0:0]
        before = self.results[(self.results["year"] == previous[-1]) & self.results["evaluated"]]
        now = self.results[(self.results["year"] == year) & self.results["evaluated"]]
        return before[~before["unit_id"].isin(now["unit_id"])]


def rank_results(results: pd.DataFrame, units: pd.DataFrame, scheme: Scheme) -> pd.DataFrame:
    """Results joined with their unit, ranked per year in every scope, with change against an earlier year.

    Aspects arrive and stay in their own columns `aspect:<key>` (names.py), apart from every column below.
    Ranks use standard competition ranking (ties share a rank: 1, 2, 2, 4) on `score`, the index rounded by
    the site's one rule (rounding.py), so two units shown as 3.80 are tied even if the files hold more
    decimals, and a unit shown as 4.51 is ranked and graded as 4.51. Scopes (SCOPES): national; level; type,
    which ranks a unit among the units of its type AT ITS LEVEL (a provincial DPMPTSP is not ranked against
    regency ones); province.

    Changes (`delta`, `grade_change`, `move_<scope>`) compare a row with `compared_year`: the unit's last
    evaluated year before this one, usually `previous_year` (the previous year present in the data, not
    year - 1). `is_new` marks a unit's first evaluated year (after the data's first year); `returning` one
    evaluated before but not in `previous_year`: its changes are against its last evaluated year, which pages
    name. `delta` is the difference of the two published (rounded) indexes, so the page's figures add up.
    """
    frame = results.drop(columns=["path", "line", "column"], errors="ignore").copy()
    frame = frame[frame["unit_id"] != ""]
    frame = frame.join(units[["level", "type", "province"]], on="unit_id")
    frame["evaluated"] = frame["index"].notna()
    frame["score"] = scheme.round(frame["index"])
    for scope, keys in SCOPES.items():
        ranked = frame[frame["evaluated"] & (frame[keys[-1]] != "" if keys else True)]
        grouped = ranked.groupby(["year", *keys], sort=False)["score"]
        frame[f"rank_{scope}"] = grouped.rank(method="min", ascending=False).astype("Int64")
        frame[f"count_{scope}"] = grouped.transform("size").astype("Int64")
    order = {band.letter: position for position, band in enumerate(scheme.grades)}
    computed = scheme.grade_letters(frame["index"])
    frame["grade"] = computed.fillna("").astype(object)
    frame["grade_order"] = frame["grade"].map(order).astype("Int64")

    years = sorted(frame["year"].unique())
    previous_year = dict(zip(years[1:], years[:-1], strict=False))
    frame["previous_year"] = frame["year"].map(previous_year).astype("Int64")
    evaluated = frame[frame["evaluated"]].sort_values(["unit_id", "year"])
    last_evaluated = evaluated.groupby("unit_id", sort=False)["year"].shift(1)
    frame["compared_year"] = last_evaluated.reindex(frame.index).astype("Int64")
    carried = ["index", "score", "grade", "grade_order", *(f"rank_{s}" for s in SCOPES)]
    before = evaluated[["year", "unit_id", *carried]].rename(
        columns={c: f"prev_{c}" for c in carried} | {"year": "compared_year"})
    before["compared_year"] = before["compared_year"].astype("Int64")
    frame = frame.merge(before, on=["compared_year", "unit_id"], how="left")
    frame["delta"] = scheme.round(frame["score"] - frame["prev_score"])
    for scope in SCOPES:
        frame[f"move_{scope}"] = (frame[f"prev_rank_{scope}"] - frame[f"rank_{scope}"]).astype("Int64")
    frame["grade_change"] = (frame["prev_grade_order"] - frame["grade_order"]).astype("Int64")
    first_evaluation = frame["evaluated"] & frame["compared_year"].isna()
    frame["is_new"] = first_evaluation & frame["previous_year"].notna()
    gap = frame["compared_year"].notna() & (frame["compared_year"] != frame["previous_year"])
    frame["returning"] = gap.fillna(False).astype(bool)
    frame = frame.drop(columns=["grade_order", "prev_grade_order", "prev_score"])
    return frame.sort_values(["year", "rank_national", "unit_id"], na_position="last").reset_index(drop=True)


def count_grades(ranked: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Units per grade per year, level and type, and how many were listed and evaluated in each group."""
    evaluated = ranked[ranked["evaluated"]]
    counts = (evaluated.groupby(["year", "level", "type", "grade"], sort=True).size()
              .rename("count").reset_index())
    totals = ranked.groupby(["year", "level", "type"], sort=True).agg(
        listed=("unit_id", "size"), evaluated=("evaluated", "sum")
    ).reset_index()
    return counts, totals


def average_scores(ranked: pd.DataFrame, scheme: Scheme) -> pd.DataFrame:
    """Mean index and aspects per year: nationally (group 'all'), per level, per type, per province and per
    type within a level (group 'level_type', key `level_type_key(level, type)`).

    `field` is `index` or `aspect:<key>`. `mean` is the mean of the published (rounded) values, rounded by
    the same rule (rounding.published_means), so readers averaging the published figures get the same;
    `previous` is the group's mean in `compared_year` (the previous year in the data) and `delta` their
    difference, so a shown change is the difference of the shown averages.
    """
    fields = ["index", *(aspect_column(key) for key in scheme.aspect_keys)]
    evaluated = ranked[ranked["evaluated"]]
    evaluated = evaluated.assign(level_type=evaluated["level"] + LEVEL_TYPE_SEPARATOR + evaluated["type"])
    parts = []
    for group in ("all", "level", "type", "level_type", "province"):
        if group == "all":
            means = published_means(evaluated, ["year"], fields, scheme.precision)
            means["key"] = ""
        else:
            subset = evaluated[evaluated[group] != ""]
            means = published_means(subset, ["year", group], fields, scheme.precision).rename(columns={group: "key"})
        means["group"] = group
        parts.append(means.melt(id_vars=["year", "group", "key"], value_vars=fields, var_name="field",
                                value_name="mean"))
    frame = pd.concat(parts, ignore_index=True)
    years = sorted(frame["year"].unique())
    previous_year = dict(zip(years[1:], years[:-1], strict=False))
    frame["compared_year"] = frame["year"].map(previous_year).astype("Int64")
    before = frame[["year", "group", "key", "field", "mean"]].rename(
        columns={"year": "compared_year", "mean": "previous"})
    before["compared_year"] = before["compared_year"].astype("Int64")
    frame = frame.merge(before, on=["compared_year", "group", "key", "field"], how="left")
    frame["delta"] = scheme.round(frame["mean"] - frame["previous"])
    frame["compared_year"] = frame["compared_year"].where(frame["previous"].notna())
    return frame.sort_values(["year", "group", "key", "field"]).reset_index(drop=True)


def rank_provinces(ranked: pd.DataFrame, provinces: pd.DataFrame, scheme: Scheme) -> pd.DataFrame:
    """Provinces ranked per year by the mean published index of all their evaluated units (rounded, as in
    average_scores); `movement` compares with the province's rank in `compared_year`, the last earlier year
    it was ranked."""
    evaluated = ranked[ranked["evaluated"] & (ranked["province"] != "")]
    frame = published_means(evaluated, ["year", "province"], ["index"], scheme.precision)
    frame = frame.rename(columns={"index": "mean"})
    frame["units"] = evaluated.groupby(["year", "province"], sort=True).size().to_numpy()
    frame["rank"] = frame.groupby("year")["mean"].rank(method="min", ascending=False).astype("Int64")
    names = provinces.set_index("code")["name"]
    frame["name"] = frame["province"].map(names).fillna(frame["province"])
    frame = frame.sort_values(["province", "year"])
    frame["compared_year"] = frame.groupby("province", sort=False)["year"].shift(1).astype("Int64")
    before = frame[["year", "province", "rank"]].rename(columns={"year": "compared_year", "rank": "previous_rank"})
    before["compared_year"] = before["compared_year"].astype("Int64")
    frame = frame.merge(before, on=["compared_year", "province"], how="left")
    frame["movement"] = (frame["previous_rank"] - frame["rank"]).astype("Int64")
    return frame.sort_values(["year", "rank", "province"]).reset_index(drop=True)


def build_model(results: pd.DataFrame, units: pd.DataFrame, provinces: pd.DataFrame, scheme: Scheme) -> Model:
    ranked = rank_results(results, units, scheme)
    counts, totals = count_grades(ranked)
    unit_table = units.copy()
    unit_table["province_name"] = unit_table["province"].map(provinces.set_index("code")["name"]).fillna("")
    return Model(
        years=tuple(int(y) for y in sorted(ranked["year"].unique())),
        units=unit_table,
        results=ranked,
        grade_counts=counts,
        group_totals=totals,
        averages=average_scores(ranked, scheme),
        provinces=rank_provinces(ranked, provinces, scheme),
    )
