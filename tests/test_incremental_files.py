"""Incremental builds of the files besides pages (catalog.py): downloads, badges, static files and the Vega
bundle are made again only when what they are made from changed, others are linked from the previous build
unread, and the result equals a full build byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import badges, charts, data_page, templates

from scratch_site import TmpSite

UNIT = "35.07-dpmptsp"
OTHER = "36.74-dpmptsp"


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def edit(site: TmpSite, relpath: str, old: str, new: str) -> None:
    path = site.root / relpath
    text = path.read_text(encoding="utf-8")
    assert old in text, (relpath, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def inodes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


def changed(before: dict[str, int], after: dict[str, int]) -> set[str]:
    """Files written anew (a file kept from the previous build is a hard link to it: the same inode)."""
    return {path for path, inode in after.items() if before.get(path) != inode}


def fail(*_args: object, **_kwargs: object) -> None:
    raise AssertionError("made again although nothing it is made from changed")


def test_a_no_change_rebuild_makes_no_download_or_badge_and_writes_no_file(
        tmp_site: TmpSite, monkeypatch: pytest.MonkeyPatch) -> None:
    assert tmp_site.build().exit_code == 0
    output = tmp_site.root / "output"
    before = inodes(output)
    monkeypatch.setattr(data_page, "build_downloads", fail)
    monkeypatch.setattr(badges, "badge_svgs", fail)
    again = tmp_site.build()
    assert again.exit_code == 0, again.output
    assert ", 0 changed)" in again.output
    assert changed(before, inodes(output)) <= {".rapor-manifest", ".rapor-output"}  # the bookkeeping
    assert len(before) > 100 and f"unit/{UNIT}/rapor-{UNIT}.csv" in before and f"unit/{UNIT}/badge.svg" in before


def test_a_correction_remakes_the_units_files_and_the_datasets_and_keeps_other_units_files(
        tmp_site: TmpSite, tmp_path: Path) -> None:
    assert tmp_site.build().exit_code == 0
    output = tmp_site.root / "output"
    before = inodes(output)
    # 4.20 -> 4.19: the same grade, so only this unit's numbers (and averages) change.
    edit(tmp_site, "data/results/2023.csv", f"{UNIT},," + "4.20," * 7 + "A-", f"{UNIT},," + "4.19," * 7 + "A-")
    assert tmp_site.build().exit_code == 0
    written = changed(before, inodes(output))
    assert {f"unit/{UNIT}/rapor-{UNIT}.csv", f"unit/{UNIT}/rapor-{UNIT}.json", "data/rapor.csv", "data/rapor.json",
            "2023/rapor-2023.csv", f"unit/{UNIT}/badge.svg", f"en/unit/{UNIT}/badge-dark.svg",
            "datapackage.json"} <= written
    assert not written & {f"unit/{OTHER}/rapor-{OTHER}.csv", f"unit/{OTHER}/badge.svg", "2022/rapor-2022.csv",
                          "static/rapor.css", "static/vendor/vega-embed.js"}
    full = tmp_site.build("--force", "-o", str(tmp_path / "full"))
    assert full.exit_code == 0
    assert files(output) == files(tmp_path / "full")


def test_a_message_or_static_edit_remakes_what_uses_it(tmp_site: TmpSite, tmp_path: Path) -> None:
    assert tmp_site.build().exit_code == 0
    output = tmp_site.root / "output"
    before = inodes(output)
    # The spreadsheet variant writes booleans with the Indonesian "yes"; the machine-readable files do not.
    tmp_site.write("themes/default/i18n/id.toml", '[data]\nyes = "iya"\n')
    tmp_site.write("themes/default/static/rapor.css",
                   (templates.DEFAULT_THEME / "static/rapor.css").read_text(encoding="utf-8") + "\n/* baru */\n")
    assert tmp_site.build().exit_code == 0
    written = changed(before, inodes(output))
    assert {"static/rapor.css", "data/rapor-excel.csv", "2023/rapor-2023-excel.csv", "datapackage.json"} <= written
    assert not written & {"data/rapor.csv", "data/rapor.json", f"unit/{UNIT}/rapor-{UNIT}.csv", "static/charts.js"}
    full = tmp_site.build("--force", "-o", str(tmp_path / "full"))
    assert full.exit_code == 0
    assert files(output) == files(tmp_path / "full")


def test_a_download_edited_by_hand_is_made_again(tmp_site: TmpSite) -> None:
    assert tmp_site.build().exit_code == 0
    output = tmp_site.root / "output"
    expected = files(output)
    download = output / f"unit/{UNIT}/rapor-{UNIT}.csv"
    download.write_bytes(download.read_bytes() + b"edited\n")
    assert tmp_site.build().exit_code == 0
    assert files(output) == expected


def test_templates_that_passed_the_check_are_not_parsed_again_until_they_change(
        tmp_site: TmpSite, monkeypatch: pytest.MonkeyPatch) -> None:
    assert tmp_site.build().exit_code == 0
    with monkeypatch.context() as patch:
        patch.setattr(templates, "_check_templates", fail)
        assert tmp_site.build().exit_code == 0
    tmp_site.write("themes/default/templates/page.html", '{% extends "base.html" %}{% include "sampul.html" %}\n')
    result = tmp_site.build()
    assert result.exit_code == 2
    assert result.output.startswith("themes/default/templates/page.html:1:1: template 'sampul.html' not found")


def test_chart_structures_from_the_cache_make_the_same_site(tmp_site: TmpSite, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(charts, "_STRUCTURES", {})  # this process's own copies: the next build reads the disk's
    assert tmp_site.build("--force", "-o", str(tmp_path / "made")).exit_code == 0
    assert list((tmp_site.root / ".rapor-cache/charts").glob("*.json"))
    monkeypatch.setattr(charts, "_STRUCTURES", {})
    for maker in ("_grade_chart", "_trend_chart", "_aspect_chart", "_distribution_chart"):
        monkeypatch.setattr(charts, maker, fail)
    assert tmp_site.build("--force", "-o", str(tmp_path / "cached")).exit_code == 0
    assert files(tmp_path / "cached") == files(tmp_path / "made")
    for cached in (tmp_site.root / ".rapor-cache/charts").glob("*.json"):
        cached.write_text('{"data": {"url": "https://example.org/x.csv"}}', encoding="utf-8")
    monkeypatch.undo()
    monkeypatch.setattr(charts, "_STRUCTURES", {})
    assert tmp_site.build("--force", "-o", str(tmp_path / "tampered")).exit_code == 0
    assert files(tmp_path / "tampered") == files(tmp_path / "made")
