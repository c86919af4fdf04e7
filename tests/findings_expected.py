"""What the findings of each page should be, derived from the model's DataFrames (not from findings.py): the
message each sentence uses, in order, and every number it states."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from generator.model import Model
from generator.rounding import round_half_up

ASPECTS = ("kebijakan", "sdm", "sarpras", "sipp", "konsultasi", "inovasi")
GRADES = ("A", "A-", "B", "B-", "C", "C-", "D", "E", "F")


def published(value: object) -> Decimal:
    return round_half_up(float(value), 2)  # type: ignore[arg-type]


def mean_of(values: pd.Series) -> Decimal:
    shown = [published(v) for v in values if pd.notna(v)]
    return (sum(shown, Decimal(0)) / len(shown)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def sign(value: Decimal | int) -> int:
    return (value > 0) - (value < 0)


def relation(value: Decimal) -> str:
    return "above" if value > 0 else "below" if value < 0 else "equal"


def evaluated(model: Model, year: int) -> pd.DataFrame:
    rows = model.results
    return rows[(rows["year"] == year) & rows["evaluated"]]


def national(model: Model, year: int, field: str = "index") -> Decimal:
    return mean_of(evaluated(model, year)[field])


Expected = list[tuple[str, list[Decimal]]]  # (message key without "findings.", the numbers it states)


def rank_story(family: str, since: int, own: Decimal, average: Decimal, move: int) -> tuple[str, list[Decimal]]:
    # "contrast": both moved the same way and the national average further ("rose 0.12, but ... rose 0.25").
    relative = own - average
    further = (0 < own < average) or (average < own < 0)
    link = "equal" if relative == 0 else "contrast" if further else "while"
    outcome = "so" if sign(move) == sign(relative) else "yet"
    numbers = [Decimal(since)] + [abs(own)] * bool(own) + [abs(average)] * bool(link != "equal" and average)
    return f"{family}.{link}_{outcome}", numbers + [Decimal(abs(move))] * bool(move)


def aspects_against(values: dict[str, Decimal], means: dict[str, Decimal]) -> Expected:
    diffs = {k: values[k] - means[k] for k in ASPECTS}
    best = next(k for k in ASPECTS if diffs[k] == max(diffs.values()))
    worst = next(k for k in ASPECTS if diffs[k] == min(diffs.values()))
    if diffs[best] == diffs[worst]:
        return [(f"aspects.even_{relation(diffs[best])}", [abs(diffs[best])] * bool(diffs[best]))]
    return [(f"aspects.{end}_{relation(diffs[k])}",
             [values[k]] + ([abs(diffs[k]), means[k]] if diffs[k] else []))
            for end, k in (("best", best), ("worst", worst))]


def unit_expected(model: Model, unit_id: str) -> Expected:
    rows = model.results[(model.results["unit_id"] == unit_id) & model.results["evaluated"]]
    if rows.empty:
        return []
    row = rows.sort_values("year").iloc[-1]
    year, since = int(row["year"]), row["compared_year"]
    out: Expected = []
    if row["returning"]:
        gap = [Decimal(y) for y in model.years if since < y < year]
        out.append(("unit.returned", [Decimal(year), *gap, Decimal(int(since))]))
    if row["is_new"]:
        out.append(("unit.first", [Decimal(year)]))
    if pd.notna(since):
        own = published(row["index"]) - published(row["prev_index"])
        out.append(rank_story("unit_rank", int(since), own, national(model, year) - national(model, int(since)),
                              int(row["move_national"])))
        before, now = GRADES.index(row["prev_grade"]), GRADES.index(row["grade"])
        if before != now:
            out.append((f"unit.grade_{'up' if now < before else 'down'}", [Decimal(int(since))]))
    peers = evaluated(model, year)
    peers = peers[(peers["level"] == row["level"]) & (peers["type"] == row["type"])]
    if len(peers) > 1:
        out += aspects_against({k: published(row[f"aspect:{k}"]) for k in ASPECTS},
                               {k: mean_of(peers[f"aspect:{k}"]) for k in ASPECTS})
    return out


def province_expected(model: Model, code: str) -> Expected:
    year = model.years[-1]
    units = evaluated(model, year)
    units = units[units["province"] == code]
    if units.empty:
        return []
    mean, average = mean_of(units["index"]), national(model, year)
    difference = mean - average
    out: Expected = [(f"province.mean_{relation(difference)}",
                      [Decimal(year), mean] + ([abs(difference), average] if difference else []))]
    earlier = [y for y in model.years[:-1] if not evaluated(model, y)[lambda r: r["province"] == code].empty]
    ranks = model.provinces[model.provinces["year"] == year].set_index("province")["rank"]
    if earlier:
        since = earlier[-1]
        before = model.provinces[model.provinces["year"] == since].set_index("province")["rank"]
        then = evaluated(model, since)
        out.append(rank_story("province_rank", since, mean - mean_of(then[then["province"] == code]["index"]),
                              average - national(model, since), int(before[code] - ranks[code])))
    elif len(model.years) > 1:
        out.append(("province.first", [Decimal(year)]))
    out += aspects_against({k: mean_of(units[f"aspect:{k}"]) for k in ASPECTS},
                           {k: national(model, year, f"aspect:{k}") for k in ASPECTS})
    return out


def year_expected(model: Model, year: int) -> Expected:
    if year == model.years[0]:
        return []
    previous = model.years[model.years.index(year) - 1]
    now, then = national(model, year), national(model, previous)
    change = now - then
    direction = "up" if change > 0 else "down" if change < 0 else "same"
    out: Expected = [(f"year.average_{direction}", [now, Decimal(previous)] + [abs(change), then] * bool(change))]
    rows = evaluated(model, year)
    compared = rows[rows["compared_year"].notna()]
    orders = {"before": compared["prev_grade"].map(GRADES.index), "now": compared["grade"].map(GRADES.index)}
    up, down = int((orders["now"] < orders["before"]).sum()), int((orders["now"] > orders["before"]).sum())
    if len(compared):
        out.append(("year.grades" + "_one" * (len(compared) == 1),
                    [Decimal(n) for n in (len(compared), up, down, len(compared) - up - down)]))
    changes = {k: national(model, year, f"aspect:{k}") - national(model, previous, f"aspect:{k}") for k in ASPECTS}
    largest = next(k for k in ASPECTS if abs(changes[k]) == max(abs(c) for c in changes.values()))
    if changes[largest]:
        out.append((f"year.aspect_{'up' if changes[largest] > 0 else 'down'}",
                    [abs(changes[largest]), Decimal(previous), national(model, year, f"aspect:{largest}")]))
    else:
        out.append(("year.aspects_same", [Decimal(previous)]))
    gone = set(evaluated(model, previous)["unit_id"]) - set(rows["unit_id"])
    for key, n, extra in (("year.new", int(rows["is_new"].sum()), []),
                          ("year.returned", int(rows["returning"].sum()), []),
                          ("year.gone", len(gone), [Decimal(previous)])):
        if n:
            out.append((key + "_one" * (n == 1), [Decimal(n), *extra]))
    return out
