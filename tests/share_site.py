"""A tiny project for the cite/share/embed tests: one unit with a hostile name, publication dates, a base URL."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from scratch_site import PROVINCES, REGENCIES, UNITS, TmpSite

HOSTILE = 'DPMPTSP "Kutip" </script><b>&amp; {Kurung 100% _x_ \\ ~^ #1 $'
BASE_URL = "https://rapor.example.id/sub/"


def units_csv(rows: list[tuple[str, ...]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "name", "level", "type", "province", "regency", "former_ids", "former_names"])
    writer.writerows(rows)
    return out.getvalue()


def share_site(root: Path, base_url: str = BASE_URL, published: str = '2023 = "2023-12-11"\n') -> TmpSite:
    """The conftest project with 35.07-dpmptsp renamed to HOSTILE, site.base_url and [program.published]."""
    site = TmpSite(root)
    base = f'base_url = "{base_url}"\n' if base_url else ""
    site.config(base + '[program]\npublisher = "Kementerian {Uji} & Co"\n'
                + (f"[program.published]\n{published}" if published else ""))
    site.write("data/reference/provinsi.csv", PROVINCES)
    site.write("data/reference/kabupaten_kota.csv", REGENCIES)
    rows = [tuple(HOSTILE if (i == 1 and row[0] == "35.07-dpmptsp") else cell for i, cell in enumerate(row))
            for row in UNITS]
    site.write("data/units.csv", units_csv(rows))
    site.results(2022, [("kl-imigrasi-lama", 3.50), ("11-dpmptsp", 3.10), ("35-dpmptsp", 3.90),
                        ("35-samsat", 3.20), ("35.07-dpmptsp", 3.40), ("35.78-dpmptsp", 4.60),
                        ("36.74-dpmptsp", 3.30)])
    site.results(2023, [("kl-imigrasi", 3.80), ("11-dpmptsp", 3.80), ("35-dpmptsp", 3.70),
                        ("35-samsat", None), ("35.07-dpmptsp", 4.20), ("35.78-dpmptsp", 4.55),
                        ("36.74-dpmptsp", 3.95), ("36.74-mpp", 4.05)])
    site.write("content/pages/metodologi.md", "---\ntitle: Metodologi\norder: 1\n---\n\nTeks.\n")
    return site
