#!/usr/bin/env python3
"""Write this example's registry and results. ALL SCORES ARE MADE UP, NOT OMBUDSMAN RI FINDINGS.

The results are one long-layout file (a `Tahun` column), saved the way an Indonesian spreadsheet exports
CSV: UTF-8 with a byte-order mark, `;` between cells and decimal commas. Deterministic: run it twice, get the
same bytes.

Usage: python examples/ombudsman/make_data.py
"""

from __future__ import annotations

import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
YEARS = (2022, 2023, 2024)
SEED = 2024

# id, name, level, province, regency, former_ids, former_names
UNITS = [
    ("kemenag", "Kementerian Agama", "kementerian", "", "", "", ""),
    ("kemenkes", "Kementerian Kesehatan", "kementerian", "", "", "", ""),
    ("kemnaker", "Kementerian Ketenagakerjaan", "kementerian", "", "", "", ""),
    ("kemensos", "Kementerian Sosial", "kementerian", "", "", "", ""),
    ("kemenhub", "Kementerian Perhubungan", "kementerian", "", "", "", ""),
    ("kementan", "Kementerian Pertanian", "kementerian", "", "", "", ""),
    ("kemendikdasmen", "Kementerian Pendidikan Dasar dan Menengah", "kementerian", "", "",
     "kemendikbudristek", "Kementerian Pendidikan, Kebudayaan, Riset, dan Teknologi"),
    ("atr-bpn", "Kementerian Agraria dan Tata Ruang/Badan Pertanahan Nasional", "kementerian", "", "", "", ""),
    ("bpom", "Badan Pengawas Obat dan Makanan", "lembaga", "", "", "", ""),
    ("bkn", "Badan Kepegawaian Negara", "lembaga", "", "", "", ""),
    ("bps", "Badan Pusat Statistik", "lembaga", "", "", "", ""),
    ("basarnas", "Badan Nasional Pencarian dan Pertolongan", "lembaga", "", "", "", ""),
    ("bnpb", "Badan Nasional Penanggulangan Bencana", "lembaga", "", "", "", ""),
    ("bpjs-kesehatan", "BPJS Kesehatan", "lembaga", "", "", "", ""),
    ("prov-11", "Pemerintah Provinsi Aceh", "provinsi", "11", "", "", ""),
    ("prov-31", "Pemerintah Provinsi DKI Jakarta", "provinsi", "31", "", "", ""),
    ("prov-32", "Pemerintah Provinsi Jawa Barat", "provinsi", "32", "", "", ""),
    ("prov-33", "Pemerintah Provinsi Jawa Tengah", "provinsi", "33", "", "", ""),
    ("prov-34", "Pemerintah Daerah Istimewa Yogyakarta", "provinsi", "34", "", "", ""),
    ("prov-35", "Pemerintah Provinsi Jawa Timur", "provinsi", "35", "", "", ""),
    ("prov-51", "Pemerintah Provinsi Bali", "provinsi", "51", "", "", ""),
    ("prov-64", "Pemerintah Provinsi Kalimantan Timur", "provinsi", "64", "", "", ""),
    ("prov-73", "Pemerintah Provinsi Sulawesi Selatan", "provinsi", "73", "", "", ""),
    ("prov-94", "Pemerintah Provinsi Papua", "provinsi", "94", "", "", ""),
    ("kab-11.06", "Pemerintah Kabupaten Aceh Besar", "kabupaten", "11", "11.06", "", ""),
    ("kab-32.04", "Pemerintah Kabupaten Bandung", "kabupaten", "32", "32.04", "", ""),
    ("kab-32.01", "Pemerintah Kabupaten Bogor", "kabupaten", "32", "32.01", "", ""),
    ("kab-33.02", "Pemerintah Kabupaten Banyumas", "kabupaten", "33", "33.02", "", ""),
    ("kab-34.04", "Pemerintah Kabupaten Sleman", "kabupaten", "34", "34.04", "", ""),
    ("kab-35.07", "Pemerintah Kabupaten Malang", "kabupaten", "35", "35.07", "", ""),
    ("kab-35.15", "Pemerintah Kabupaten Sidoarjo", "kabupaten", "35", "35.15", "", ""),
    ("kab-51.03", "Pemerintah Kabupaten Badung", "kabupaten", "51", "51.03", "", ""),
    ("kota-11.71", "Pemerintah Kota Banda Aceh", "kota", "11", "11.71", "", ""),
    ("kota-32.73", "Pemerintah Kota Bandung", "kota", "32", "32.73", "", ""),
    ("kota-33.74", "Pemerintah Kota Semarang", "kota", "33", "33.74", "", ""),
    ("kota-35.78", "Pemerintah Kota Surabaya", "kota", "35", "35.78", "", ""),
    ("kota-51.71", "Pemerintah Kota Denpasar", "kota", "51", "51.71", "", ""),
    ("kota-64.72", "Pemerintah Kota Samarinda", "kota", "64", "64.72", "", ""),
    ("kota-73.71", "Pemerintah Kota Makassar", "kota", "73", "73.71", "", ""),
]

OPINI = ((88.0, "A"), (78.0, "B"), (54.0, "C"), (32.0, "D"), (0.0, "E"))


def opini(score: float) -> str:
    return next(letter for low, letter in OPINI if score >= low)


def main() -> None:
    rng = random.Random(SEED)
    registry = ["id,name,level,type,province,regency,former_ids,former_names"]
    for unit_id, name, level, province, regency, former_ids, former_names in UNITS:
        cells = [unit_id, name, level, "pemerintah", province, regency, former_ids, former_names]
        registry.append(",".join(f'"{c}"' if "," in c else c for c in cells))
    (HERE / "data" / "units.csv").write_text("\n".join(registry) + "\n", encoding="utf-8")

    rows = ["Tahun;Kode;Nama Instansi;Nilai;Opini"]
    for unit_id, name, _level, *_ in UNITS:
        score = rng.uniform(22.0, 94.0)
        for year in YEARS:
            score = min(100.0, max(0.0, score + rng.uniform(-6.0, 9.0)))
            if unit_id == "prov-94" and year == 2022:
                continue  # enters in 2023
            if unit_id == "bnpb" and year == 2024:
                continue  # leaves after 2023
            if unit_id == "kab-32.01" and year == 2023:
                rows.append(f"{year};{unit_id};{name};-;")  # listed, not assessed that year
                continue
            shown = round(score, 2)
            if unit_id == "kemendikdasmen" and year < 2024:  # renamed in 2024: earlier rows use the old id
                unit_id_written, name_written = "kemendikbudristek", UNITS[6][6]
            else:
                unit_id_written, name_written = unit_id, name
            decimal_comma = f"{shown:.2f}".replace(".", ",")
            rows.append(f"{year};{unit_id_written};{name_written};{decimal_comma};{opini(shown)}")
    # Two bodies tied in 2024, to show shared ranks.
    rows = [r for r in rows if not r.startswith(("2024;kab-35.07;", "2024;kota-51.71;"))]
    rows += ["2024;kab-35.07;Pemerintah Kabupaten Malang;81,50;B",
             "2024;kota-51.71;Pemerintah Kota Denpasar;81,50;B"]
    text = "\r\n".join(rows) + "\r\n"
    (HERE / "data" / "results.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))


if __name__ == "__main__":
    main()
