"""The province league: every province of the reference list in every year, computed once in pandas. Pure.

Averages, ranks and movement are the model's (model.rank_provinces); the league adds the grade counts of each
province's evaluated units and the provinces with no evaluated unit that year, which are listed as "no data"
(mean, rank and movement missing), never as zero.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .model import Model
from .scheme import Scheme
from .sitedata import records

Row = dict[str, Any]


def province_league(model: Model, provinces: pd.DataFrame, scheme: Scheme) -> pd.DataFrame:
    """One row per (year, province of `provinces`): name, has_data, units (0 without data), mean, rank, of (how
    many provinces are ranked that year), compared_year, previous_rank, movement, and `grade:<letter>` counts."""
    letters = [band.letter for band in scheme.grades]
    results = model.results
    evaluated = results[results["evaluated"] & (results["province"] != "")]
    grades = (evaluated.groupby(["year", "province", "grade"], sort=True).size()
              .unstack("grade", fill_value=0).reindex(columns=letters, fill_value=0)
              .rename(columns=lambda letter: f"grade:{letter}"))
    codes = list(provinces["code"])
    grid = pd.MultiIndex.from_product([list(model.years), codes], names=["year", "province"]).to_frame(index=False)
    ranked = model.provinces.drop(columns=["name"])
    frame = grid.merge(ranked, on=["year", "province"], how="left")
    frame = frame.merge(grades.reset_index(), on=["year", "province"], how="left")
    count_columns = [f"grade:{letter}" for letter in letters]
    frame[count_columns] = frame[count_columns].fillna(0).astype(int)
    frame["has_data"] = frame["mean"].notna()
    frame["units"] = frame["units"].fillna(0).astype(int)
    frame["of"] = frame.groupby("year")["has_data"].transform("sum").astype(int)
    frame["name"] = frame["province"].map(dict(zip(provinces["code"], provinces["name"], strict=True)))
    frame["no_rank"] = frame["rank"].isna()
    frame = frame.sort_values(["year", "no_rank", "rank", "province"]).drop(columns=["no_rank"])
    return frame.reset_index(drop=True)


def league_by_year(frame: pd.DataFrame, scheme: Scheme) -> dict[int, list[Row]]:
    """The league as rows per year, ranked provinces first; each row's grade counts under `grades`."""
    letters = [band.letter for band in scheme.grades]
    by_year: dict[int, list[Row]] = {}
    for row in records(frame):
        row["grades"] = {letter: int(row.pop(f"grade:{letter}")) for letter in letters}
        row["year"] = int(row["year"])
        by_year.setdefault(row["year"], []).append(row)
    return by_year
