"""A tiny project for the cite/share/embed tests: one unit with a hostile name, publication dates, a base URL."""

from __future__ import annotations

from pathlib import Path

from scratch_site import UNITS, TmpSite, base_project

HOSTILE = 'DPMPTSP "Kutip" </script><b>&amp; {Kurung 100% _x_ \\ ~^ #1 $'
BASE_URL = "https://rapor.example.id/sub/"


def share_site(root: Path, base_url: str = BASE_URL, published: str = '2023 = "2023-12-11"\n') -> TmpSite:
    """The conftest project with 35.07-dpmptsp renamed to HOSTILE, site.base_url and [program.published]."""
    base = f'base_url = "{base_url}"\n' if base_url else ""
    site = base_project(root, base + '[program]\npublisher = "Kementerian {Uji} & Co"\n'
                        + (f"[program.published]\n{published}" if published else ""))
    site.units([tuple(HOSTILE if (i == 1 and row[0] == "35.07-dpmptsp") else cell for i, cell in enumerate(row))
                for row in UNITS])
    return site
