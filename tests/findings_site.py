"""Scratch projects for the findings tests: one provincial DPMPTSP per province, results with crafted aspects.

With one unit per province and every unit of the same level and type, a unit's national rank is its province's
rank, and its peers' average is the national one: one set of crafted numbers drives the unit, province and year
findings alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

from scratch_site import ASPECTS, RESULT_HEADER, TmpSite, csv_row, grade_of

WEIGHTS = {"kebijakan": 24, "sdm": 25, "sarpras": 18, "sipp": 11, "konsultasi": 10, "inovasi": 12}

# Offsets that leave the weighted index unchanged (24 × 0.30 = 18 × 0.40; 12 × 0.10 = 10 × 0.12), so a unit's
# aspects can differ from its index while the index still agrees with them.
SPREAD = {"sarpras": 0.40, "kebijakan": -0.30}
TILT = {"inovasi": 0.10, "konsultasi": -0.12}

# Province names without digits: the tests read every number in a sentence.
LETTERS = ("Alfa", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel", "India", "Juliett")

# A result: an index (every aspect equal to it), or an index with aspect offsets.
Result = float | tuple[float, Mapping[str, float]]


def province_code(n: int) -> str:
    return str(11 + n)


def write_project(root: Path, years: Mapping[int, Mapping[str, Result]],
                  names: Mapping[str, str] | None = None) -> TmpSite:
    """A project whose units are the keys of `years`' results ('p0', 'p1', …: province n's DPMPTSP)."""
    site = TmpSite(root)
    site.config('[data]\nregencies = ""\n')
    ids = sorted({unit for rows in years.values() for unit in rows}, key=lambda u: int(u[1:]))
    names = names or {}
    provinces = ["kode,nama"] + [csv_row([province_code(int(u[1:])), names.get(u, f"Provinsi {LETTERS[int(u[1:])]}")])
                                 for u in ids]
    site.write("data/reference/provinsi.csv", "\n".join(provinces) + "\n")
    site.units([(unit_id(u), f"DPMPTSP {names.get(u, LETTERS[int(u[1:])])}", "provinsi", "dpmptsp",
                 province_code(int(u[1:])), "", "", "") for u in ids])
    for year, rows in years.items():
        lines = [RESULT_HEADER]
        for u, result in rows.items():
            index, offsets = (result, {}) if isinstance(result, float) else result
            aspects = [Decimal(f"{index:.2f}") + Decimal(f"{offsets.get(a, 0):.2f}") for a in ASPECTS]
            lines.append(csv_row([unit_id(u), "", *aspects, f"{index:.2f}", grade_of(index)]))
        site.write(f"data/results/{year}.csv", "\n".join(lines) + "\n")
    return site


def unit_id(u: str) -> str:
    return f"{province_code(int(u[1:]))}-dpmptsp"
