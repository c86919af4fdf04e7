"""Fixtures for the unit and build tests: a valid tiny project in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

from scratch_site import PROVINCES, REGENCIES, TmpSite


@pytest.fixture
def tmp_site(tmp_path: Path) -> TmpSite:
    """A valid tiny project: three provinces, three regencies, eight units, two years, a narrative page."""
    site = TmpSite(tmp_path / "site")
    site.config()
    site.write("data/reference/provinsi.csv", PROVINCES)
    site.write("data/reference/kabupaten_kota.csv", REGENCIES)
    site.units()
    site.results(2022, [("kl-imigrasi-lama", 3.50), ("11-dpmptsp", 3.10), ("35-dpmptsp", 3.90),
                        ("35-samsat", 3.20), ("35.07-dpmptsp", 3.40), ("35.78-dpmptsp", 4.60),
                        ("36.74-dpmptsp", 3.30)])
    site.results(2023, [("kl-imigrasi", 3.80), ("11-dpmptsp", 3.80), ("35-dpmptsp", 3.70),
                        ("35-samsat", None), ("35.07-dpmptsp", 4.20), ("35.78-dpmptsp", 4.55),
                        ("36.74-dpmptsp", 3.95), ("36.74-mpp", 4.05)])
    site.write("content/pages/metodologi.md", "---\ntitle: Metodologi\norder: 1\n---\n\n## Cara menilai\n\nTeks.\n")
    return site
