"""Incremental builds: a rebuild renders only pages whose inputs changed, and its output equals a full build
of the same inputs byte for byte, whatever changed (a cell that moves other units' ranks, a rename, a unit
leaving, a narrative, a template, the config)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from scratch_site import TmpSite


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def rendered(result_output: str) -> int:
    match = re.search(r"built \d+ pages \((\d+) rendered", result_output)
    assert match, result_output
    return int(match.group(1))


def edit(site: TmpSite, relpath: str, old: str, new: str) -> None:
    path = site.root / relpath
    text = path.read_text(encoding="utf-8")
    assert old in text, (relpath, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


CHANGES: dict[str, Callable[[TmpSite], None]] = {
    # Malang 2023 falls from 4.20 to 3.60: its grade changes and every unit between moves up a rank.
    "cell moving ranks": lambda s: edit(s, "data/results/2023.csv", "35.07-dpmptsp,," + "4.20," * 7 + "A-",
                                        "35.07-dpmptsp,," + "3.60," * 7 + "B"),
    "rename": lambda s: edit(s, "data/units.csv", "DPMPTSP Kota Surabaya", "DPMPTSP Kota Surabaya Baru"),
    "unit leaving a year": lambda s: edit(s, "data/results/2023.csv", "\n36.74-mpp,", "\n36.74-mpp-x,")
    if False else s.write("data/results/2023.csv", "\n".join(
        line for line in (s.root / "data/results/2023.csv").read_text(encoding="utf-8").splitlines()
        if not line.startswith("36.74-mpp")) + "\n"),
    "narrative": lambda s: edit(s, "content/pages/metodologi.md", "Teks.", "Teks yang diperbarui."),
    "template": lambda s: s.write("themes/default/templates/unit.html",
                                  '{% extends "default/unit.html" %}{% block main %}<p>Baru</p>{{ super() }}'
                                  "{% endblock %}"),
    "messages": lambda s: s.write("themes/default/i18n/id.toml", '[unit]\nhistory = "Riwayat hasil"\n'),
    "config": lambda s: edit(s, "rapor.toml", 'title_id = "Rapor Uji"', 'title_id = "Rapor Uji Baru"'),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_incremental_build_equals_a_full_build(tmp_site: TmpSite, tmp_path: Path, change: str) -> None:
    first = tmp_site.build()
    assert first.exit_code == 0, first.stderr
    total = rendered(first.output)
    CHANGES[change](tmp_site)
    again = tmp_site.build()
    assert again.exit_code == 0, again.stderr
    full = tmp_site.build("--force", "-o", str(tmp_path / "full"))
    assert (full.exit_code == 0 and rendered(full.output) == total) or change == "unit leaving a year"
    assert files(tmp_site.root / "output") == files(tmp_path / "full")
    count = rendered(again.output)
    assert count > 0, change
    if change in ("rename", "narrative"):
        assert count < total / 2, (change, count, total)


def test_no_change_renders_nothing_and_keeps_every_file(tmp_site: TmpSite) -> None:
    assert tmp_site.build().exit_code == 0
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (tmp_site.root / "output").rglob("*.html")}
    again = tmp_site.build()
    assert rendered(again.output) == 0 and ", 1 changed)" not in again.output
    after = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (tmp_site.root / "output").rglob("*.html")}
    assert after == before
    forced = tmp_site.build("--force")
    assert rendered(forced.output) == rendered(tmp_site.build("--force").output) > 70


def test_a_page_edited_by_hand_or_a_broken_manifest_is_rendered_again(tmp_site: TmpSite) -> None:
    assert tmp_site.build().exit_code == 0
    output = tmp_site.root / "output"
    expected = files(output)
    page = output / "unit/35.07-dpmptsp/index.html"
    page.write_bytes(page.read_bytes() + b"<!-- edited -->")
    assert rendered(tmp_site.build().output) == 1
    assert files(output) == expected
    (output / ".rapor-manifest").write_text("{not json", encoding="utf-8")
    assert rendered(tmp_site.build().output) > 70
    assert files(output) == expected


def test_a_second_process_reuses_the_first_ones_pages(tmp_site: TmpSite) -> None:
    """Fingerprints do not depend on the process (string hashing is randomised per process)."""
    command = [sys.executable, "-m", "generator", "build", str(tmp_site.root)]
    for seed in ("1", "2"):
        result = subprocess.run(command, capture_output=True, text=True, check=True,
                                env=os.environ | {"PYTHONHASHSEED": seed})
    assert rendered(result.stdout) == 0, result.stdout
