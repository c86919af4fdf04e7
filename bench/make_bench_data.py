#!/usr/bin/env python3
"""Write a large synthetic Rapor project: 20,000 units x 10 years = 200,000 result rows (per-year layout).

    python bench/make_bench_data.py OUT_DIR [--units 20000] [--years 10]

OUT_DIR gets rapor.toml (the default PEKPPP scheme, with year-dependent weights), data/units.csv,
data/reference/provinsi.csv (copied from the sample project) and data/results/<year>.csv. The figures are
random and meaningless, but valid: every index is the weighted sum of its aspects and every grade agrees
with its index, so a benchmark measures the happy path. Some units were renamed (their early rows use a
former id) and about 2% of rows are marked not evaluated. Deterministic for a given size.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
ASPECTS = ("kebijakan", "sdm", "sarpras", "sipp", "konsultasi", "inovasi")
OLD_WEIGHTS = (25, 25, 20, 10, 10, 10)
CURRENT_WEIGHTS = (24, 25, 18, 11, 10, 12)
FIRST_CURRENT_YEAR = 2022
TYPES = ("dpmptsp", "samsat", "disdukcapil", "mpp")
BANDS = ((4.51, "A"), (4.01, "A-"), (3.51, "B"), (3.01, "B-"), (2.51, "C"), (2.01, "C-"), (1.51, "D"),
         (1.01, "E"), (0.0, "F"))

CONFIG = """# Synthetic benchmark project written by bench/make_bench_data.py; the figures are random.
[site]
title_id = "Bench"
title_en = "Bench"

[data]
layout = "per-year"
results = "data/results"
"""


def weights_table(years: list[int]) -> str:
    text = ""
    eras = [(years[0], OLD_WEIGHTS), (max(years[0], FIRST_CURRENT_YEAR), CURRENT_WEIGHTS)]
    for year, weights in dict(eras).items():  # one table per first year (a short run may start in 2022)
        text += f"\n[scheme.weights.{year}]\n" + "".join(f"{a} = {w}\n" for a, w in zip(ASPECTS, weights,
                                                                                            strict=True))
    return text


def make_units(count: int, provinces: list[str], rng: np.random.Generator) -> pd.DataFrame:
    ids = np.array([f"u{i:05d}" for i in range(count)], dtype=object)
    level = rng.choice(["kementerian-lembaga", "provinsi", "kabupaten-kota"], size=count, p=[0.01, 0.09, 0.90])
    unit_type = np.where(level == "kementerian-lembaga", "upp-kl", rng.choice(TYPES, size=count))
    province = np.where(level == "kementerian-lembaga", "", rng.choice(provinces, size=count))
    regency_number = rng.integers(1, 80, size=count)
    regency = np.array([f"{p}.{n:02d}" if lv == "kabupaten-kota" else ""
                        for p, n, lv in zip(province, regency_number, level, strict=True)], dtype=object)
    renamed = rng.random(count) < 0.01
    former = np.where(renamed, np.char.add("old-", ids.astype(str)), "")
    names = [f"{t.upper()} {lv} {p or 'pusat'} nomor {i}"
             for i, (t, lv, p) in enumerate(zip(unit_type, level, province, strict=True))]
    return pd.DataFrame({"id": ids, "name": names, "level": level, "type": unit_type, "province": province,
                         "regency": regency, "former_ids": former, "former_names": ""})


def grade_letters(index: np.ndarray) -> np.ndarray:
    letters = np.full(index.shape, "F", dtype=object)
    for low, letter in reversed(BANDS):
        letters[index >= low - 1e-9] = letter
    return letters


def make_year(units: pd.DataFrame, year: int, first_year: int, level_of: np.ndarray,
              rng: np.random.Generator) -> pd.DataFrame:
    count = len(units)
    weights = np.array(OLD_WEIGHTS if year < FIRST_CURRENT_YEAR else CURRENT_WEIGHTS) / 100.0
    drift = 0.05 * (year - first_year)
    aspects = np.clip(level_of[:, None] + drift + rng.normal(0, 0.35, size=(count, len(ASPECTS))), 0, 5).round(2)
    index = (aspects @ weights).round(2)
    missing = rng.random(count) < 0.02
    early = year < first_year + 5
    ids = np.where(early & (units["former_ids"] != ""), units["former_ids"], units["id"])
    frame = pd.DataFrame({"ID UPP": ids, "Nama UPP": units["name"]})
    for position, aspect in enumerate(ASPECTS):
        frame[aspect] = np.where(missing, "", np.char.mod("%.2f", aspects[:, position]))
    frame["Indeks"] = np.where(missing, "-", np.char.mod("%.2f", index))
    frame["Kategori"] = np.where(missing, "", grade_letters(index))
    return frame


def write_project(out: Path, unit_count: int = 20_000, year_count: int = 10, seed: int = 20240917) -> None:
    rng = np.random.default_rng(seed)
    reference = pd.read_csv(REPO / "data" / "reference" / "provinsi.csv", dtype=str)
    (out / "data" / "results").mkdir(parents=True, exist_ok=True)
    (out / "data" / "reference").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(REPO / "data" / "reference" / "provinsi.csv", out / "data" / "reference" / "provinsi.csv")
    years = list(range(2025 - year_count, 2025))
    columns = "\n[columns]\nunit_id = \"ID UPP\"\nunit_name = \"Nama UPP\"\nindex = \"Indeks\"\ngrade = \"Kategori\"\n"
    (out / "rapor.toml").write_text(CONFIG + weights_table(years) + columns, encoding="utf-8")
    units = make_units(unit_count, list(reference["kode"]), rng)
    units.to_csv(out / "data" / "units.csv", index=False)
    level_of = rng.uniform(2.2, 4.4, size=unit_count)
    for year in years:
        make_year(units, year, years[0], level_of, rng).to_csv(out / "data" / "results" / f"{year}.csv", index=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write the project into (created if needed)")
    parser.add_argument("--units", type=int, default=20_000)
    parser.add_argument("--years", type=int, default=10)
    args = parser.parse_args()
    write_project(args.out, args.units, args.years)
    print(f"wrote {args.units} units x {args.years} years to {args.out}")


if __name__ == "__main__":
    main()
