#!/usr/bin/env python3
"""Generate the bundled sample project's data files for Rapor.

ALL FIGURES PRODUCED HERE ARE ILLUSTRATIVE SAMPLE DATA, NOT OFFICIAL RESULTS.

Reads only ``data/reference/provinsi.csv`` and ``data/reference/kabupaten_kota.csv``
and writes:

* ``data/units.csv``              the unit registry
* ``data/results/<year>.csv``     one results file per year, 2020-2024

The output is deterministic: a fixed ``random.Random(SEED)``, sorted output,
``\\n`` line endings and no timestamps, so running the script twice gives
byte-identical files.  The narrative Markdown under ``content/`` is written by
hand and is not generated here.

What the sample holds (rows per results file; ``check()`` asserts this table):

==========================  ====  ====  ====  ====  ====
unit type                   2020  2021  2022  2023  2024
==========================  ====  ====  ====  ====  ====
ministries and agencies       79    76    77    78    80
province DPMPTSP              34    34    32    38    38
province SAMSAT               34    33    34    38    38
regency/city DPMPTSP         514   514   513   513   514
regency/city Disdukcapil     514   514   513   514   512
Mal Pelayanan Publik (MPP)    52    84   121   165   210
==========================  ====  ====  ====  ====  ====

* Mal Pelayanan Publik: 212 of the 514 regencies and cities get an MPP, not
  all of them (``MPP_OPENED_BY_YEAR``: 52, 85, 121, 166, 212 opened by
  2020 ... 2024).  New MPPs enter every year, so the number evaluated grows
  every year (``MPP_ROWS``) and new MPPs show up as "new" in the regional
  rankings; two early MPPs leave the evaluation again and one misses 2021.
* Units that enter: the MPPs, the province units of the four new Papua
  provinces (from 2023) and a few ministries and agencies (e.g. BRIN from 2022).
* Units that leave for good: two MPPs and two Disdukcapil evaluated in the
  early years but not in the later ones (``REGIONAL_EXITS``), and a few
  ministries and agencies (BATAN, LAPAN, LIPI).
* Units missing from one middle year and back the year after: one province
  SAMSAT (``SAMSAT_GAPS``), six other regional units and three ministries or
  agencies (``drop_middle_years``).
* Renamed units: three ministries/agencies (new id and name), Kabupaten Toba
  Samosir (new name) and Kabupaten Merauke (new code after the Papua split).
* Not evaluated: 2-5 rows a year listed without scores, written in the forms
  of ``NOT_EVALUATED_FORMS`` (empty cells, ``-``, or both; all of them Rapor's
  default ``data.not_evaluated`` markers).
* Ties: indices have two decimals, so many units share an index and a rank.

Usage::

    python scripts/make_sample.py
"""

from __future__ import annotations

import argparse
import csv
import math
import random
import re
import sys
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "data" / "reference"
DATA = ROOT / "data"

SEED = 20240917
YEARS: tuple[int, ...] = (2020, 2021, 2022, 2023, 2024)

ASPECTS = (
    "Kebijakan Pelayanan",
    "Profesionalisme SDM",
    "Sarana Prasarana",
    "Sistem Informasi Pelayanan Publik",
    "Konsultasi dan Pengaduan",
    "Inovasi",
)
RESULT_HEADER = ("ID UPP", "Nama UPP", *ASPECTS, "Indeks", "Kategori")
UNIT_HEADER = ("id", "name", "level", "type", "province", "regency", "former_ids", "former_names")

# Aspect weights in percent, in the order of ASPECTS.
CURRENT_WEIGHTS = (24, 25, 18, 11, 10, 12)  # PermenPANRB 29/2022 and its instruments
# ILLUSTRATIVE older weights: 2020 and 2021 used other weights than the current
# ones; the values below are made up for the sample, they are NOT the official
# weights of those years.
ILLUSTRATIVE_OLD_WEIGHTS = (25, 25, 20, 10, 10, 10)
WEIGHTS = {
    2020: ILLUSTRATIVE_OLD_WEIGHTS,
    2021: ILLUSTRATIVE_OLD_WEIGHTS,
    2022: CURRENT_WEIGHTS,
    2023: CURRENT_WEIGHTS,
    2024: CURRENT_WEIGHTS,
}
assert all(sum(w) == 100 for w in WEIGHTS.values())

# Target national mean of the unit "level" per year (the index mean lands close to it).
TARGET_MEAN = {2020: 3.30, 2021: 3.42, 2022: 3.55, 2023: 3.68, 2024: 3.80}

# Grade bands on the index in hundredths: (lowest value in the band, grade).
GRADES = (
    (451, "A"),
    (401, "A-"),
    (351, "B"),
    (301, "B-"),
    (251, "C"),
    (201, "C-"),
    (151, "D"),
    (101, "E"),
    (0, "F"),
)

# Systematic differences between aspects (innovation is typically the weakest).
ASPECT_SHIFT = (0.05, 0.0, 0.10, -0.05, 0.05, -0.20)

# Effect of the unit type on its general level.
TYPE_EFFECT = {
    ("kementerian-lembaga", "upp-kl"): 0.15,
    ("provinsi", "dpmptsp"): 0.10,
    ("provinsi", "samsat"): 0.20,
    ("kabupaten-kota", "dpmptsp"): -0.05,
    ("kabupaten-kota", "disdukcapil"): 0.0,
    ("kabupaten-kota", "mpp"): 0.25,
}

# Number of regencies/cities whose Mal Pelayanan Publik (MPP) has entered the evaluation by
# each year (cumulative; 212 of 514 by 2024).  The MPPs of REGIONAL_EXITS leave again, so the
# rows per year are these counts minus the MPPs that have left (see MPP_ROWS).
MPP_OPENED_BY_YEAR = {2020: 52, 2021: 85, 2022: 121, 2023: 166, 2024: 212}
# Evaluated MPPs per year in the results files; check() asserts them and that they grow.
MPP_ROWS = {2020: 52, 2021: 84, 2022: 121, 2023: 165, 2024: 210}

# Rows of the table in this module's docstring -> "level/type".
DOC_TABLE_ROWS = {
    "ministries and agencies": "kementerian-lembaga/upp-kl",
    "province DPMPTSP": "provinsi/dpmptsp",
    "province SAMSAT": "provinsi/samsat",
    "regency/city DPMPTSP": "kabupaten-kota/dpmptsp",
    "regency/city Disdukcapil": "kabupaten-kota/disdukcapil",
    "Mal Pelayanan Publik (MPP)": "kabupaten-kota/mpp",
}
# These always have an MPP from 2020 on (used by the narrative).
MPP_FORCED = ("35.78", "31.71", "51.71", "32.73")

# The four Papua provinces created in 2022; their province-level units are only
# evaluated from 2023 on.
NEW_PROVINCES = ("93", "94", "95", "96")
NEW_PROVINCE_FIRST_YEAR = 2023

# Regional units that leave the evaluation for good: (type, how many, possible last years).
# Only units evaluated from 2020 (MPPs: from 2020 or 2021) outside the new Papua provinces.
REGIONAL_EXITS: tuple[tuple[str, int, tuple[int, ...]], ...] = (
    ("mpp", 2, (2022, 2023)),
    ("disdukcapil", 2, (2022, 2023)),
)
# Province SAMSAT units missing from the file of one middle year and back the year after.
SAMSAT_GAPS = 1

# How a row "listed but not evaluated" is written: (each aspect, index, grade).  Real exports
# use several forms; every cell here is one of Rapor's default ``data.not_evaluated`` markers
# ("" and "-"; rapor.toml does not override the list).  Rows cycle through the forms.
NOT_EVALUATED_FORMS: tuple[tuple[str, str, str], ...] = (
    ("", "-", ""),  # aspects empty, index "-", grade empty
    ("", "", ""),  # every cell empty
    ("-", "-", "-"),  # a dash in every cell
)

# Units referenced by the hand-written narrative: never dropped, never "not scored".
PROTECTED = {
    "35.78-dpmptsp",
    "35.78-disdukcapil",
    "35.78-mpp",
    "35.07-dpmptsp",
    "35.07-disdukcapil",
    "35-dpmptsp",
    "35-samsat",
    "kl-bpom",
    "kl-bpn",
}

# ---------------------------------------------------------------------------
# K/L service units: (slug, name, years evaluated or None for all years).
# Plausible names of ministry/agency service units; NOT an official list.
# ---------------------------------------------------------------------------
KL_UNITS: tuple[tuple[str, str, tuple[int, ...] | None], ...] = (
    ("anri", "Arsip Nasional Republik Indonesia", None),
    ("badan-pangan", "Badan Pangan Nasional", (2023, 2024)),
    ("bakamla", "Badan Keamanan Laut", None),
    ("bapeten", "Badan Pengawas Tenaga Nuklir", None),
    ("bappebti", "Badan Pengawas Perdagangan Berjangka Komoditi — Kementerian Perdagangan", None),
    ("basarnas", "Badan Nasional Pencarian dan Pertolongan", None),
    ("batan", "Badan Tenaga Nuklir Nasional", (2020, 2021)),
    ("big", "Badan Informasi Geospasial", None),
    ("bkkbn", "Badan Kependudukan dan Keluarga Berencana Nasional", None),
    ("bkn", "Badan Kepegawaian Negara", None),
    ("bmkg", "Badan Meteorologi, Klimatologi, dan Geofisika", None),
    ("bnn", "Badan Narkotika Nasional", None),
    ("bnpb", "Badan Nasional Penanggulangan Bencana", None),
    ("bnpp", "Badan Nasional Pengelola Perbatasan", None),
    ("bnpt", "Badan Nasional Penanggulangan Terorisme", None),
    ("bp-batam", "Badan Pengusahaan Batam", None),
    ("bpjph", "Badan Penyelenggara Jaminan Produk Halal", None),
    ("bpjs-kesehatan", "BPJS Kesehatan", None),
    ("bpjs-ketenagakerjaan", "BPJS Ketenagakerjaan", None),
    ("bpkp", "Badan Pengawasan Keuangan dan Pembangunan", None),
    ("bpn", "Badan Pertanahan Nasional — Kementerian ATR/BPN", None),
    ("bpom", "Badan Pengawas Obat dan Makanan", None),
    ("bps", "Badan Pusat Statistik", None),
    ("brin", "Badan Riset dan Inovasi Nasional", (2022, 2023, 2024)),
    ("bsn", "Badan Standardisasi Nasional", None),
    ("bssn", "Badan Siber dan Sandi Negara", None),
    ("ditjen-bea-cukai", "Direktorat Jenderal Bea dan Cukai — Kementerian Keuangan", None),
    (
        "ditjen-binapenta",
        "Direktorat Jenderal Pembinaan Penempatan Tenaga Kerja — Kementerian Ketenagakerjaan",
        None,
    ),
    (
        "ditjen-binwasnaker",
        "Direktorat Jenderal Pembinaan Pengawasan Ketenagakerjaan dan K3 — Kementerian Ketenagakerjaan",
        None,
    ),
    ("ditjen-bimas-islam", "Direktorat Jenderal Bimbingan Masyarakat Islam — Kementerian Agama", None),
    ("ditjen-daglu", "Direktorat Jenderal Perdagangan Luar Negeri — Kementerian Perdagangan", None),
    (
        "ditjen-dukcapil",
        "Direktorat Jenderal Kependudukan dan Pencatatan Sipil — Kementerian Dalam Negeri",
        None,
    ),
    (
        "ditjen-ebtke",
        "Direktorat Jenderal Energi Baru, Terbarukan, dan Konservasi Energi — Kementerian ESDM",
        None,
    ),
    ("ditjen-farmalkes", "Direktorat Jenderal Kefarmasian dan Alat Kesehatan — Kementerian Kesehatan", None),
    ("ditjen-haji-umrah", "Direktorat Jenderal Penyelenggaraan Haji dan Umrah — Kementerian Agama", None),
    ("ditjen-hortikultura", "Direktorat Jenderal Hortikultura — Kementerian Pertanian", None),
    ("ditjen-hubdat", "Direktorat Jenderal Perhubungan Darat — Kementerian Perhubungan", None),
    ("ditjen-hubla", "Direktorat Jenderal Perhubungan Laut — Kementerian Perhubungan", None),
    ("ditjen-hubud", "Direktorat Jenderal Perhubungan Udara — Kementerian Perhubungan", None),
    (
        "ditjen-ikma",
        "Direktorat Jenderal Industri Kecil, Menengah, dan Aneka — Kementerian Perindustrian",
        None,
    ),
    ("ditjen-industri-agro", "Direktorat Jenderal Industri Agro — Kementerian Perindustrian", None),
    ("ditjen-kekayaan-negara", "Direktorat Jenderal Kekayaan Negara — Kementerian Keuangan", None),
    ("ditjen-kesmas", "Direktorat Jenderal Kesehatan Masyarakat — Kementerian Kesehatan", None),
    ("ditjen-ketenagalistrikan", "Direktorat Jenderal Ketenagalistrikan — Kementerian ESDM", None),
    ("ditjen-linjamsos", "Direktorat Jenderal Perlindungan dan Jaminan Sosial — Kementerian Sosial", None),
    ("ditjen-migas", "Direktorat Jenderal Minyak dan Gas Bumi — Kementerian ESDM", None),
    ("ditjen-minerba", "Direktorat Jenderal Mineral dan Batubara — Kementerian ESDM", None),
    ("ditjen-nakes", "Direktorat Jenderal Tenaga Kesehatan — Kementerian Kesehatan", (2022, 2023, 2024)),
    ("ditjen-p2p", "Direktorat Jenderal Pencegahan dan Pengendalian Penyakit — Kementerian Kesehatan", None),
    ("ditjen-pajak", "Direktorat Jenderal Pajak — Kementerian Keuangan", None),
    ("ditjen-pdn", "Direktorat Jenderal Perdagangan Dalam Negeri — Kementerian Perdagangan", None),
    ("ditjen-pendis", "Direktorat Jenderal Pendidikan Islam — Kementerian Agama", None),
    ("ditjen-perbendaharaan", "Direktorat Jenderal Perbendaharaan — Kementerian Keuangan", None),
    (
        "ditjen-perikanan-tangkap",
        "Direktorat Jenderal Perikanan Tangkap — Kementerian Kelautan dan Perikanan",
        None,
    ),
    ("ditjen-perkebunan", "Direktorat Jenderal Perkebunan — Kementerian Pertanian", None),
    ("ditjen-perkeretaapian", "Direktorat Jenderal Perkeretaapian — Kementerian Perhubungan", None),
    ("ditjen-phpt", "Direktorat Jenderal Penetapan Hak dan Pendaftaran Tanah — Kementerian ATR/BPN", None),
    ("ditjen-pkh", "Direktorat Jenderal Peternakan dan Kesehatan Hewan — Kementerian Pertanian", None),
    (
        "ditjen-pktn",
        "Direktorat Jenderal Perlindungan Konsumen dan Tertib Niaga — Kementerian Perdagangan",
        None,
    ),
    ("ditjen-pothan", "Direktorat Jenderal Potensi Pertahanan — Kementerian Pertahanan", None),
    ("ditjen-protokol-konsuler", "Direktorat Jenderal Protokol dan Konsuler — Kementerian Luar Negeri", None),
    (
        "ditjen-prl",
        "Direktorat Jenderal Pengelolaan Kelautan dan Ruang Laut — Kementerian Kelautan dan Perikanan",
        None,
    ),
    ("ditjen-psp", "Direktorat Jenderal Prasarana dan Sarana Pertanian — Kementerian Pertanian", None),
    ("ditjen-rehsos", "Direktorat Jenderal Rehabilitasi Sosial — Kementerian Sosial", None),
    ("ditjen-tanaman-pangan", "Direktorat Jenderal Tanaman Pangan — Kementerian Pertanian", None),
    ("korlantas-polri", "Korps Lalu Lintas — Kepolisian Negara Republik Indonesia", None),
    ("baintelkam-polri", "Badan Intelijen Keamanan — Kepolisian Negara Republik Indonesia", None),
    ("badilum-ma", "Badan Peradilan Umum — Mahkamah Agung", None),
    ("badilag-ma", "Badan Peradilan Agama — Mahkamah Agung", None),
    ("kejaksaan", "Kejaksaan Republik Indonesia", None),
    ("kemenpppa", "Kementerian Pemberdayaan Perempuan dan Perlindungan Anak", None),
    ("kemensetneg", "Kementerian Sekretariat Negara", None),
    ("lan", "Lembaga Administrasi Negara", None),
    ("lapan", "Lembaga Penerbangan dan Antariksa Nasional", (2020,)),
    ("lipi", "Lembaga Ilmu Pengetahuan Indonesia", (2020,)),
    ("lkpp", "Lembaga Kebijakan Pengadaan Barang/Jasa Pemerintah", None),
    ("lpsk", "Lembaga Perlindungan Saksi dan Korban", None),
    ("otorita-ikn", "Otorita Ibu Kota Nusantara", (2024,)),
    ("perpusnas", "Perpusnas — Perpustakaan Nasional Republik Indonesia", None),
    ("pwni-kemlu", "Direktorat Pelindungan WNI — Kementerian Luar Negeri", None),
)


@dataclass(frozen=True)
class Stage:
    """One name/id period of a unit: valid from ``first_year`` until the next stage."""

    first_year: int
    id: str
    name: str


# Renamed K/L units: the current stage is the last one.  Results files for
# years before a rename use the older id and name.
KL_RENAMED: tuple[tuple[Stage, ...], ...] = (
    (
        Stage(
            2020, "kl-ditjen-imigrasi-kemenkumham", "Direktorat Jenderal Imigrasi — Kementerian Hukum dan HAM"
        ),
        Stage(
            2024,
            "kl-ditjen-imigrasi",
            "Direktorat Jenderal Imigrasi — Kementerian Imigrasi dan Pemasyarakatan",
        ),
    ),
    (
        Stage(
            2020,
            "kl-ditjen-ahu-kemenkumham",
            "Direktorat Jenderal Administrasi Hukum Umum — Kementerian Hukum dan HAM",
        ),
        Stage(2024, "kl-ditjen-ahu", "Direktorat Jenderal Administrasi Hukum Umum — Kementerian Hukum"),
    ),
    (
        Stage(2020, "kl-bkpm", "Badan Koordinasi Penanaman Modal"),
        Stage(2021, "kl-kementerian-investasi", "Kementerian Investasi/BKPM"),
        Stage(2024, "kl-kementerian-investasi-hilirisasi", "Kementerian Investasi dan Hilirisasi/BKPM"),
    ),
)

# Regency/city units whose code changed when the Papua provinces were split
# (Kabupaten Merauke: 91.01 in Provinsi Papua -> 93.01 in Provinsi Papua Selatan).
# Simplification: the other regencies of the new Papua provinces are listed
# under their current codes in every year.
REGENCY_CODE_CHANGES = {"93.01": ("91.01", NEW_PROVINCE_FIRST_YEAR)}

# Regency/city renamed while its code stayed (Toba Samosir -> Toba): (code, old name, year of the new name).
REGENCY_NAME_CHANGES = {"12.12": ("Kabupaten Toba Samosir", 2021)}


@dataclass
class Unit:
    level: str
    type: str
    province: str
    regency: str
    stages: tuple[Stage, ...]
    years: tuple[int, ...] = YEARS
    # filled in by the score model
    level_by_year: dict[int, float] = field(default_factory=dict)
    aspect_offset: tuple[float, ...] = ()

    @property
    def id(self) -> str:
        return self.stages[-1].id

    @property
    def name(self) -> str:
        return self.stages[-1].name

    def stage(self, year: int) -> Stage:
        current = self.stages[0]
        for stage in self.stages:
            if stage.first_year <= year:
                current = stage
        return current

    def former_ids(self) -> list[str]:
        ids: list[str] = []
        for stage in self.stages[:-1]:
            if stage.id != self.id and stage.id not in ids:
                ids.append(stage.id)
        return ids

    def former_names(self) -> list[str]:
        names: list[str] = []
        for stage in self.stages[:-1]:
            if stage.name != self.name and stage.name not in names:
                names.append(stage.name)
        return names


# ---------------------------------------------------------------------------
# Reading the reference data
# ---------------------------------------------------------------------------


Row = dict[str, str]


def read_table(name: str) -> list[Row]:
    """A reference CSV as a list of rows sorted by ``kode``; codes stay strings."""
    frame = pd.read_csv(REFERENCE / name, dtype=str, keep_default_na=False)
    rows = [{str(k): str(v).strip() for k, v in record.items()} for record in frame.to_dict("records")]
    return sorted(rows, key=lambda row: row["kode"])


def read_reference() -> tuple[list[Row], list[Row]]:
    prov = read_table("provinsi.csv")
    kab = read_table("kabupaten_kota.csv")
    assert len(prov) == 38, len(prov)
    assert len(kab) == 514, len(kab)
    return prov, kab


# ---------------------------------------------------------------------------
# Building the registry
# ---------------------------------------------------------------------------


def choose_mpp_years(kab: list[Row], rng: random.Random) -> dict[str, int]:
    """Regency code -> first year with an evaluated MPP (cumulative counts from MPP_OPENED_BY_YEAR)."""
    keyed: list[tuple[float, str]] = []
    for row in kab:
        population = float(row["penduduk"] or 0)
        weight = (3.0 if row["jenis"] == "Kota" else 1.0) * (0.3 + population / 1_000_000)
        if row["kode_provinsi"] in NEW_PROVINCES:
            weight *= 0.3
        # Efraimidis-Spirakis weighted sampling without replacement.
        key = rng.random() ** (1.0 / weight)
        if row["kode"] in MPP_FORCED:
            key = 2.0
        keyed.append((key, row["kode"]))
    keyed.sort(key=lambda item: (-item[0], item[1]))
    order = [code for _, code in keyed]
    first_year: dict[str, int] = {}
    start = 0
    for year in YEARS:
        end = MPP_OPENED_BY_YEAR[year]
        for code in order[start:end]:
            first_year[code] = year
        start = end
    return first_year


def build_units(prov: list[Row], kab: list[Row], rng: random.Random) -> list[Unit]:
    units: list[Unit] = []

    for slug, name, years in KL_UNITS:
        units.append(
            Unit(
                "kementerian-lembaga",
                "upp-kl",
                "",
                "",
                (Stage(YEARS[0], f"kl-{slug}", name),),
                years or YEARS,
            )
        )
    for kl_stages in KL_RENAMED:
        units.append(Unit("kementerian-lembaga", "upp-kl", "", "", kl_stages))

    for row in prov:
        years = YEARS
        if row["kode"] in NEW_PROVINCES:
            years = tuple(y for y in YEARS if y >= NEW_PROVINCE_FIRST_YEAR)
        for unit_type, label in (("dpmptsp", "DPMPTSP"), ("samsat", "SAMSAT")):
            stage = Stage(YEARS[0], f"{row['kode']}-{unit_type}", f"{label} Provinsi {row['nama']}")
            units.append(Unit("provinsi", unit_type, row["kode"], "", (stage,), years))

    mpp_years = choose_mpp_years(kab, rng)
    for row in kab:
        kinds: list[tuple[str, str, tuple[int, ...]]] = [
            ("dpmptsp", "DPMPTSP", YEARS),
            ("disdukcapil", "Disdukcapil", YEARS),
        ]
        if row["kode"] in mpp_years:
            first = mpp_years[row["kode"]]
            kinds.append(("mpp", "Mal Pelayanan Publik", tuple(y for y in YEARS if y >= first)))
        for unit_type, label, years in kinds:
            current = Stage(YEARS[0], f"{row['kode']}-{unit_type}", f"{label} {row['nama']}")
            stages: tuple[Stage, ...] = (current,)
            if row["kode"] in REGENCY_CODE_CHANGES:
                old_code, year = REGENCY_CODE_CHANGES[row["kode"]]
                stages = (
                    Stage(YEARS[0], f"{old_code}-{unit_type}", current.name),
                    Stage(year, current.id, current.name),
                )
            elif row["kode"] in REGENCY_NAME_CHANGES:
                old_name, year = REGENCY_NAME_CHANGES[row["kode"]]
                stages = (
                    Stage(YEARS[0], current.id, f"{label} {old_name}"),
                    Stage(year, current.id, current.name),
                )
            units.append(Unit("kabupaten-kota", unit_type, row["kode_provinsi"], row["kode"], stages, years))

    units.sort(key=lambda unit: unit.id)
    return units


# ---------------------------------------------------------------------------
# Who is evaluated when
# ---------------------------------------------------------------------------


def is_special(unit: Unit) -> bool:
    return unit.id in PROTECTED or len(unit.stages) > 1 or unit.years != YEARS


def choose_regional_exits(units: list[Unit], rng: random.Random) -> list[tuple[str, str]]:
    """Regional units that leave the evaluation for good, and province SAMSATs missing one year."""
    changed: list[tuple[str, str]] = []

    def may_change(unit: Unit) -> bool:
        return unit.id not in PROTECTED and len(unit.stages) == 1 and unit.province not in NEW_PROVINCES

    for unit_type, count, last_years in REGIONAL_EXITS:
        if unit_type == "mpp":
            pool = [
                u
                for u in units
                if u.type == "mpp" and u.years[0] <= 2021 and u.regency not in MPP_FORCED and may_change(u)
            ]
        else:
            pool = [u for u in units if u.type == unit_type and u.level == "kabupaten-kota" and u.years == YEARS]
            pool = [u for u in pool if may_change(u)]
        for unit in rng.sample(pool, count):
            last = rng.choice(last_years)
            unit.years = tuple(y for y in unit.years if y <= last)
            changed.append((unit.id, f"{unit.years[0]}-{last}"))

    samsat = [u for u in units if u.level == "provinsi" and u.type == "samsat" and u.years == YEARS]
    for unit in rng.sample([u for u in samsat if may_change(u)], SAMSAT_GAPS):
        year = rng.choice(YEARS[1:-1])
        unit.years = tuple(y for y in unit.years if y != year)
        changed.append((unit.id, f"not {year}"))
    return sorted(changed)


def drop_middle_years(units: list[Unit], rng: random.Random) -> list[tuple[str, int]]:
    """A handful of units are not in the results file of one middle year at all."""
    regional = [u for u in units if u.level != "kementerian-lembaga" and not is_special(u)]
    kl = [u for u in units if u.level == "kementerian-lembaga" and not is_special(u)]
    dropped: list[tuple[str, int]] = []
    for pool, count in ((regional, 6), (kl, 3)):
        for unit in rng.sample(pool, count):
            year = rng.choice(YEARS[1:-1])
            unit.years = tuple(y for y in unit.years if y != year)
            dropped.append((unit.id, year))
    return sorted(dropped)


def choose_not_scored(units: list[Unit], rng: random.Random) -> dict[int, set[str]]:
    """Per year, 2-5 units that are in the file but carry no scores."""
    chosen: dict[int, set[str]] = {}
    for year in YEARS:
        pool = [u.id for u in units if year in u.years and not is_special(u)]
        chosen[year] = set(rng.sample(pool, rng.randint(2, 5)))
    return chosen


# ---------------------------------------------------------------------------
# Score model
# ---------------------------------------------------------------------------


def region_effect(province: str) -> float:
    if province in ("31", "32", "33", "34", "35", "36", "51"):
        return 0.15
    if province.startswith("9"):
        return -0.35
    if province in ("53", "81", "82"):
        return -0.15
    return 0.0


def model_levels(units: list[Unit], rng: random.Random) -> None:
    """Give each unit a persistent level with a small random walk and a few big moves."""
    for unit in units:
        base = rng.gauss(0.0, 0.5) + TYPE_EFFECT[(unit.level, unit.type)] + region_effect(unit.province)
        if unit.type == "mpp":
            base += 0.1
        unit.aspect_offset = tuple(rng.gauss(0.0, 0.22) for _ in ASPECTS)
        # About 3 % of the units have one year with a big rise or fall.
        jump_year = rng.choice(YEARS[1:]) if rng.random() < 0.03 else None
        jump = rng.choice((-1.0, 1.0)) * rng.uniform(0.8, 1.3)
        deviation = base
        for year in YEARS:
            deviation += rng.gauss(0.0, 0.15)
            if year == jump_year:
                deviation += jump
            unit.level_by_year[year] = deviation

    # A few struggling units far below the rest (to cover the low grades).
    low = [u for u in units if u.level == "kabupaten-kota" and u.type != "mpp" and not is_special(u)]
    for unit in rng.sample(low, 4):
        for year in YEARS:
            unit.level_by_year[year] -= rng.uniform(1.4, 2.2)

    # Centre every year on its target mean.
    for year in YEARS:
        present = [u for u in units if year in u.years]
        mean = sum(u.level_by_year[year] for u in present) / len(present)
        for unit in units:
            unit.level_by_year[year] += TARGET_MEAN[year] - mean


def weighted_total(cents: list[int], weights: tuple[int, ...]) -> int:
    """sum(aspect * weight) in units of 1/10000 of an index point (exact integers)."""
    return sum(c * w for c, w in zip(cents, weights, strict=True))


def score(unit: Unit, year: int, rng: random.Random) -> tuple[list[int], int]:
    """Aspect scores and index, all in hundredths (integers)."""
    level = unit.level_by_year[year]
    cents = []
    for shift, offset in zip(ASPECT_SHIFT, unit.aspect_offset, strict=True):
        value = level + shift + offset + rng.gauss(0.0, 0.18)
        # Squash softly below the top of the scale: hard clipping piles units up at exactly 5.00.
        value = 5.0 - 0.2 * math.log1p(math.exp((5.0 - value) / 0.2)) if value > 3.5 else value
        cents.append(max(0, min(500, round(value * 100))))
    weights = WEIGHTS[year]
    # Avoid index values exactly half-way between two hundredths, so that any
    # rounding rule (half-up, half-even) gives the same 2-decimal index.
    position = 0
    while weighted_total(cents, weights) % 100 == 50:
        i = position % len(cents)
        cents[i] += 1 if cents[i] < 500 else -1
        position += 1
    index = (weighted_total(cents, weights) + 50) // 100
    return cents, index


def grade(index_cents: int) -> str:
    for lowest, letter in GRADES:
        if index_cents >= lowest:
            return letter
    raise AssertionError(index_cents)


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


def fmt(cents: int, decimal: str) -> str:
    text = f"{cents // 100}.{cents % 100:02d}"
    return text.replace(".", decimal)


def write_csv(
    path: Path, header: tuple[str, ...], rows: list[list[str]], *, delimiter: str, bom: bool
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_units(units: list[Unit], data: Path) -> None:
    rows = [
        [
            u.id,
            u.name,
            u.level,
            u.type,
            u.province,
            u.regency,
            "|".join(u.former_ids()),
            "|".join(u.former_names()),
        ]
        for u in units
    ]
    write_csv(data / "units.csv", UNIT_HEADER, rows, delimiter=",", bom=False)


def write_results(
    units: list[Unit], not_scored: dict[int, set[str]], rng: random.Random, data: Path
) -> dict[int, dict[str, int]]:
    stats: dict[int, dict[str, int]] = {}
    for year in YEARS:
        spreadsheet = year == 2021  # looks like a spreadsheet export
        decimal = "," if spreadsheet else "."
        rows: list[list[str]] = []
        indices: list[int] = []
        for unit in units:  # sorted by current id; every unit draws its numbers in the same order
            if year not in unit.years:
                continue
            stage = unit.stage(year)
            name = stage.name.upper() if spreadsheet else stage.name
            cents, index = score(unit, year, rng)
            if unit.id in not_scored[year]:
                form = (year + len(rows) - len(indices)) % len(NOT_EVALUATED_FORMS)
                aspect, index_text, grade_text = NOT_EVALUATED_FORMS[form]
                rows.append([stage.id, name, *([aspect] * len(ASPECTS)), index_text, grade_text])
                continue
            indices.append(index)
            rows.append(
                [stage.id, name, *(fmt(c, decimal) for c in cents), fmt(index, decimal), grade(index)]
            )
        rows.sort(key=lambda row: row[0])
        write_csv(
            data / "results" / f"{year}.csv",
            RESULT_HEADER,
            rows,
            delimiter=";" if spreadsheet else ",",
            bom=spreadsheet,
        )
        mean = sum(indices) / len(indices)
        stats[year] = {
            "rows": len(rows),
            "scored": len(indices),
            "not_scored": len(rows) - len(indices),
            "mean_x100": round(mean),
            "sd_x100": round((sum((i - mean) ** 2 for i in indices) / len(indices)) ** 0.5),
            "tied_values": sum(1 for v in set(indices) if indices.count(v) > 1),
        }
    return stats


# ---------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------


def rows_per_type(units: list[Unit]) -> dict[int, dict[str, int]]:
    """Rows per year in the results files, per "level/type"."""
    counts: dict[int, dict[str, int]] = {}
    for year in YEARS:
        counts[year] = {}
        for unit in units:
            if year in unit.years:
                key = f"{unit.level}/{unit.type}"
                counts[year][key] = counts[year].get(key, 0) + 1
    return counts


def check(units: list[Unit], data: Path) -> None:
    ids = [u.id for u in units]
    assert len(ids) == len(set(ids)), "duplicate unit ids"
    known = set(ids)
    for unit in units:
        for old in unit.former_ids():
            assert old not in known, f"former id {old} is also a current id"
            known.add(old)
    for unit_id in known:
        assert re.fullmatch(r"[a-z0-9.-]+", unit_id), unit_id

    registry = pd.read_csv(data / "units.csv", dtype=str, keep_default_na=False)
    assert list(registry.columns) == list(UNIT_HEADER)
    assert registry["id"].is_unique
    assert list(registry["id"]) == sorted(registry["id"])

    for year in YEARS:
        path = data / "results" / f"{year}.csv"
        sep = ";" if year == 2021 else ","
        frame = pd.read_csv(path, dtype=str, sep=sep, encoding="utf-8-sig", keep_default_na=False)
        assert list(frame.columns) == list(RESULT_HEADER), frame.columns
        assert frame["ID UPP"].is_unique, year
        unknown = set(frame["ID UPP"]) - known
        assert not unknown, (year, sorted(unknown))

    per_type = rows_per_type(units)
    mpp_rows = {year: counts.get("kabupaten-kota/mpp", 0) for year, counts in per_type.items()}
    assert mpp_rows == MPP_ROWS, f"MPP rows per year {mpp_rows}: update MPP_ROWS and the docstring"
    assert all(a < b for a, b in pairwise(mpp_rows.values())), "the number of MPPs must grow every year"
    documented: dict[str, list[int]] = {}
    for line in (__doc__ or "").splitlines():
        label = re.split(r"\s{2,}", line.strip())[0]
        if label in DOC_TABLE_ROWS:
            documented[DOC_TABLE_ROWS[label]] = [int(n) for n in line.split()[-len(YEARS) :]]
    actual = {key: [per_type[year].get(key, 0) for year in YEARS] for key in DOC_TABLE_ROWS.values()}
    assert documented == actual, f"update the table in the docstring: {actual}"


def main() -> int:
    parser = argparse.ArgumentParser(description="Write the sample project's data (illustrative, not official).")
    parser.add_argument("--output", type=Path, default=DATA,
                        help="folder to write units.csv and results/ into (default: the project's data/)")
    data = parser.parse_args().output
    rng = random.Random(SEED)
    prov, kab = read_reference()
    units = build_units(prov, kab, rng)
    exits = choose_regional_exits(units, rng)
    dropped = drop_middle_years(units, rng)
    not_scored = choose_not_scored(units, rng)
    model_levels(units, rng)

    write_units(units, data)
    stats = write_results(units, not_scored, rng, data)
    check(units, data)

    print(f"data/units.csv: {len(units)} units")
    for level in ("kementerian-lembaga", "provinsi", "kabupaten-kota"):
        count = sum(1 for u in units if u.level == level)
        print(f"  {level}: {count}")
    print(f"  mpp: {sum(1 for u in units if u.type == 'mpp')}")
    print("renamed units (old -> new, first year of the new id/name):")
    for unit in units:
        for before, after in pairwise(unit.stages):
            print(f"  {before.id} ({before.name}) -> {after.id} ({after.name}), from {after.first_year}")
    print("regional units leaving or missing a year: " + ", ".join(f"{i} ({y})" for i, y in exits))
    print("units left out of one middle year: " + ", ".join(f"{i} ({y})" for i, y in dropped))
    print("rows per unit type and year:")
    per_type = rows_per_type(units)
    for key in sorted({k for counts in per_type.values() for k in counts}):
        print(f"  {key:30}" + "".join(f"{per_type[year].get(key, 0):6}" for year in YEARS))
    print("rows per year:")
    for year in YEARS:
        s = stats[year]
        print(
            f"  data/results/{year}.csv: {s['rows']} rows "
            f"({s['scored']} scored, {s['not_scored']} not scored), "
            f"mean {s['mean_x100'] / 100:.2f}, sd {s['sd_x100'] / 100:.2f}, "
            f"{s['tied_values']} index values shared by 2+ units"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
