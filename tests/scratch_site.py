"""A scratch project written into tmp_path, built with the real pipeline (used by tests/conftest.py)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from click.testing import CliRunner, Result

from generator.cli import main

ASPECTS = ("kebijakan", "sdm", "sarpras", "sipp", "konsultasi", "inovasi")

PROVINCES = "kode,nama\n11,Aceh\n35,Jawa Timur\n36,Banten\n"

UNITS = [
    # id, name, level, type, province, regency, former_ids, former_names
    ("kl-imigrasi", "Direktorat Jenderal Imigrasi", "kementerian-lembaga", "upp-kl", "", "", "kl-imigrasi-lama",
     "Ditjen Imigrasi Lama"),
    ("11-dpmptsp", "DPMPTSP Provinsi Aceh", "provinsi", "dpmptsp", "11", "", "", ""),
    ("35-dpmptsp", "DPMPTSP Provinsi Jawa Timur", "provinsi", "dpmptsp", "35", "", "", ""),
    ("35-samsat", "SAMSAT Provinsi Jawa Timur", "provinsi", "samsat", "35", "", "", ""),
    ("35.07-dpmptsp", "DPMPTSP Kabupaten Malang", "kabupaten-kota", "dpmptsp", "35", "35.07", "", ""),
    ("35.78-dpmptsp", "DPMPTSP Kota Surabaya", "kabupaten-kota", "dpmptsp", "35", "35.78", "", ""),
    ("36.74-dpmptsp", "DPMPTSP Kota Tangerang Selatan", "kabupaten-kota", "dpmptsp", "36", "36.74", "", ""),
    ("36.74-mpp", "Mal Pelayanan Publik Kota Tangerang Selatan", "kabupaten-kota", "mpp", "36", "36.74", "", ""),
]

RESULT_HEADER = "unit_id,unit_name," + ",".join(ASPECTS) + ",index,grade"


def grade_of(index: float) -> str:
    bands = [(4.51, "A"), (4.01, "A-"), (3.51, "B"), (3.01, "B-"), (2.51, "C"), (2.01, "C-"), (1.51, "D"),
             (1.01, "E"), (0.0, "F")]
    return next(letter for low, letter in bands if round(index, 2) >= low)


def csv_row(cells: Iterable[object]) -> str:
    """One CSV line (no line end), quoted as a spreadsheet writes it: a quote inside a cell is doubled."""
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow("" if cell is None else str(cell) for cell in cells)
    return out.getvalue()


@dataclass
class TmpSite:
    root: Path
    runner: CliRunner = field(default_factory=CliRunner)

    def write(self, relpath: str, text: str | bytes) -> Path:
        path = self.root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def config(self, extra: str = "") -> Path:
        return self.write("rapor.toml", '[site]\ntitle_id = "Rapor Uji"\ntitle_en = "Test Report"\n'
                          'notice_id = "Data ilustratif."\nnotice_en = "Illustrative data."\n' + extra)

    def units(self, rows: Iterable[tuple[str, ...]] = UNITS) -> Path:
        header = "id,name,level,type,province,regency,former_ids,former_names\n"
        return self.write("data/units.csv", header + "".join(csv_row(r) + "\n" for r in rows))

    def results(self, year: int, rows: Iterable[tuple[str, float | None] | tuple[str, float | None, str]]) -> Path:
        """Rows of (unit id, index[, grade]); aspects equal the index so the weighted check agrees."""
        lines = [RESULT_HEADER]
        for row in rows:
            unit_id, index = row[0], row[1]
            if index is None:
                lines.append(csv_row([unit_id, "", *[""] * len(ASPECTS), "-", ""]))
                continue
            grade = row[2] if len(row) > 2 else grade_of(index)  # type: ignore[misc]
            lines.append(csv_row([unit_id, "", *[f"{index:.2f}"] * len(ASPECTS), f"{index:.2f}", grade]))
        return self.write(f"data/results/{year}.csv", "\n".join(lines) + "\n")

    def cli(self, *args: str) -> Result:
        return self.runner.invoke(main, [*args], catch_exceptions=False)

    def validate(self, *args: str) -> Result:
        return self.cli("validate", str(self.root), *args)

    def build(self, *args: str) -> Result:
        return self.cli("build", str(self.root), *args)

# The regencies and cities the UNITS above name, as in data/reference/kabupaten_kota.csv (codes are text).
REGENCIES = ("kode,kode_provinsi,nama,jenis\n35.07,35,Kabupaten Malang,Kabupaten\n35.78,35,Kota Surabaya,Kota\n"
             "36.74,36,Kota Tangerang Selatan,Kota\n")


def base_project(root: Path, config_extra: str = "", narrative: bool = True) -> TmpSite:
    """The valid tiny project most tests start from: three provinces, three regencies, eight units, two years
    and (with `narrative`) a content page."""
    site = TmpSite(root)
    site.config(config_extra)
    site.write("data/reference/provinsi.csv", PROVINCES)
    site.write("data/reference/kabupaten_kota.csv", REGENCIES)
    site.units()
    site.results(2022, [("kl-imigrasi-lama", 3.50), ("11-dpmptsp", 3.10), ("35-dpmptsp", 3.90),
                        ("35-samsat", 3.20), ("35.07-dpmptsp", 3.40), ("35.78-dpmptsp", 4.60),
                        ("36.74-dpmptsp", 3.30)])
    site.results(2023, [("kl-imigrasi", 3.80), ("11-dpmptsp", 3.80), ("35-dpmptsp", 3.70),
                        ("35-samsat", None), ("35.07-dpmptsp", 4.20), ("35.78-dpmptsp", 4.55),
                        ("36.74-dpmptsp", 3.95), ("36.74-mpp", 4.05)])
    if narrative:
        site.write("content/pages/metodologi.md", "---\ntitle: Metodologi\norder: 1\n---\n\n## Cara menilai\n\nTeks.\n")
    return site
