"""Warm rebuilds (session.py, as `rapor serve` runs them): after each of several successive edits the warm
build's output equals a cold `rapor build --force` of the same inputs byte for byte; a failed rebuild leaves
the session usable; unchanged inputs are reused, changed ones never."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_incremental import edit, files

from generator.build import build_site
from generator.errors import RaporError
from generator.session import BuildSession

from scratch_site import TmpSite


def cold(site: TmpSite, output: Path) -> dict[str, bytes]:
    build_site(site.root, output=output, force=True, jobs=1)
    return tree(output)


def tree(folder: Path) -> dict[str, bytes]:
    """Every file's bytes and every folder (b"/": a warm build writes in place and must not leave an emptied
    folder behind, as a staged one never does)."""
    folders = {p.relative_to(folder).as_posix() + "/": b"/" for p in folder.rglob("*") if p.is_dir()}
    return {**files(folder), **folders}


def test_warm_rebuilds_equal_cold_builds_through_successive_edits(tmp_site: TmpSite, tmp_path: Path) -> None:
    session = BuildSession()
    warm = tmp_path / "warm"
    first = build_site(tmp_site.root, output=warm, jobs=1, session=session)
    assert tree(warm) == cold(tmp_site, tmp_path / "cold-0")

    unchanged = build_site(tmp_site.root, output=warm, jobs=1, session=session)
    assert unchanged.rendered == 0 and unchanged.changed == 0
    assert {"inputs", "model", "site data", "renderer", "plans", "fingerprints"} <= set(session.reused)

    steps = [
        ("data cell", lambda: edit(tmp_site, "data/results/2023.csv", "35.07-dpmptsp,," + "4.20," * 7 + "A-",
                                   "35.07-dpmptsp,," + "3.60," * 7 + "B")),
        ("rename", lambda: edit(tmp_site, "data/units.csv", "DPMPTSP Kota Surabaya", "DPMPTSP Kota Surabaya Baru")),
        ("narrative", lambda: edit(tmp_site, "content/pages/metodologi.md", "Teks.", "Teks yang diperbarui.")),
        ("template", lambda: tmp_site.write("themes/default/templates/unit.html",
                                            '{% extends "default/unit.html" %}{% block main %}<p>Baru</p>'
                                            "{{ super() }}{% endblock %}")),
        # data.yes is written in the spreadsheet downloads, whose lines a warm session keeps (download.py).
        ("messages", lambda: tmp_site.write("themes/default/i18n/id.toml",
                                            '[unit]\nhistory = "Riwayat hasil"\n[data]\nyes = "iya"\n')),
        ("config", lambda: edit(tmp_site, "rapor.toml", 'title_id = "Rapor Uji"', 'title_id = "Rapor Uji Baru"')),
        # A unit leaves the registry with its only result: its pages, downloads and folders go (removed in place,
        # preview_write.py).
        ("unit leaving", lambda: [tmp_site.write(name, "".join(
            line for line in (tmp_site.root / name).read_text(encoding="utf-8").splitlines(keepends=True)
            if not line.startswith("36.74-mpp,"))) for name in ("data/results/2023.csv", "data/units.csv")]),
        # A new year changes every page's header and footer (the latest year, the list of years).
        ("new year", lambda: tmp_site.write("data/results/2024.csv",
                                            (tmp_site.root / "data/results/2023.csv").read_text(encoding="utf-8"))),
    ]
    for number, (what, change) in enumerate(steps, start=1):
        change()
        report = build_site(tmp_site.root, output=warm, jobs=1, session=session)
        assert report.rendered < first.rendered or what in ("template", "messages", "config", "new year"), what
        assert tree(warm) == cold(tmp_site, tmp_path / f"cold-{number}"), what
        if what == "unit leaving":
            assert not (warm / "unit/36.74-mpp").exists()
        if what == "data cell":  # the other year's table, the theme and the narrative were not read again
            assert {"table data/results/2022.csv", "theme", "content"} <= set(session.reused)
            assert "table data/results/2023.csv" not in session.reused and "model" not in session.reused
            # The unchanged year's rows are not checked again either (result_checks.TABLE_CHECKER).
            assert "check data/results/2022.csv" in session.reused
            assert "check data/results/2023.csv" not in session.reused
        if what == "rename":  # a registry change: every results file is matched again
            assert not [name for name in session.reused if name.startswith("check ")]
        if what == "messages":
            assert "iya" in (warm / "2023/rapor-2023-excel.csv").read_text(encoding="utf-8-sig")
        if what == "narrative":
            assert "content" not in session.reused and "table data/results/2023.csv" in session.reused
        if what == "template":
            assert "theme" not in session.reused and "content" not in session.reused

    # A bad edit fails with the located error; the output stays the last good build; the fix builds again.
    good = files(warm)
    results = tmp_site.root / "data/results/2022.csv"
    kept = results.read_text(encoding="utf-8")
    results.write_text(kept.replace("35.07-dpmptsp,", "35.07-dpmptsp,abc,", 1), encoding="utf-8")
    with pytest.raises(RaporError) as failed:
        build_site(tmp_site.root, output=warm, jobs=1, session=session)
    assert "data/results/2022.csv:" in failed.value.format()
    assert files(warm) == good
    # The same bad input fails the same way when the session has it cached.
    with pytest.raises(RaporError) as again:
        build_site(tmp_site.root, output=warm, jobs=1, session=session)
    assert again.value.format() == failed.value.format()
    results.write_text(kept, encoding="utf-8")
    build_site(tmp_site.root, output=warm, jobs=1, session=session)
    assert tree(warm) == cold(tmp_site, tmp_path / "cold-fixed")


def test_a_bad_theme_is_reported_again_on_each_warm_build(tmp_site: TmpSite, tmp_path: Path) -> None:
    session = BuildSession()
    build_site(tmp_site.root, output=tmp_path / "out", jobs=1, session=session)
    tmp_site.write("themes/default/templates/unit.html", "{% block main %}{% endblok %}")
    messages = []
    for _ in range(2):
        with pytest.raises(RaporError) as failed:
            build_site(tmp_site.root, output=tmp_path / "out", jobs=1, session=session)
        messages.append(failed.value.format())
    assert messages[0] == messages[1] and "themes/default/templates/unit.html" in messages[0]


def stamps(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file()}


def test_a_warm_rebuild_rewrites_only_the_changed_files_in_place(tmp_site: TmpSite, tmp_path: Path) -> None:
    session = BuildSession()
    warm = tmp_path / "out"
    build_site(tmp_site.root, output=warm, jobs=1, session=session)
    before = stamps(warm)
    edit(tmp_site, "data/results/2023.csv", "35.07-dpmptsp,," + "4.20," * 7 + "A-",
         "35.07-dpmptsp,," + "4.19," * 7 + "A-")
    report = build_site(tmp_site.root, output=warm, jobs=1, session=session)
    after = stamps(warm)
    rewritten = sorted(path for path, stamp in after.items() if before.get(path) != stamp)
    # Every other file is the very same file (same inode and mtime): nothing was staged, linked or swapped.
    assert len(rewritten) == report.changed and 0 < report.changed < len(before) / 4
    assert "unit/35.07-dpmptsp/index.html" in rewritten and ".rapor-manifest" in rewritten
    assert tree(warm) == cold(tmp_site, tmp_path / "cold")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cold", "out", "site"]  # no folder left aside


def test_a_rebuild_failing_while_rendering_leaves_the_last_good_site(tmp_site: TmpSite, tmp_path: Path) -> None:
    session = BuildSession()
    warm = tmp_path / "out"
    build_site(tmp_site.root, output=warm, jobs=1, session=session)
    good, before = tree(warm), stamps(warm)
    # Every page is rendered again (a template changed); the unit pages fail after others were put aside.
    tmp_site.write("themes/default/templates/unit.html",
                   '{% extends "default/unit.html" %}{% block main %}{{ no_such_value }}{% endblock %}')
    with pytest.raises(RaporError, match="no_such_value"):
        build_site(tmp_site.root, output=warm, jobs=1, session=session)
    assert tree(warm) == good and stamps(warm) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "site"]
    (tmp_site.root / "themes/default/templates/unit.html").unlink()
    build_site(tmp_site.root, output=warm, jobs=1, session=session)
    assert tree(warm) == cold(tmp_site, tmp_path / "cold")


def test_an_interrupted_in_place_write_leaves_no_manifest_and_the_next_build_repairs(
        tmp_site: TmpSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import preview_write

    session = BuildSession()
    warm = tmp_path / "out"
    build_site(tmp_site.root, output=warm, jobs=1, session=session)
    edit(tmp_site, "data/units.csv", "DPMPTSP Kota Surabaya", "DPMPTSP Kota Surabaya Baru")
    replaced: list[str] = []

    def failing_replace(source: str, target: str) -> None:
        if replaced:
            raise OSError(28, "No space left on device", target)
        replaced.append(target)
        os.replace(source, target)

    monkeypatch.setattr(preview_write.os, "replace", failing_replace)
    with pytest.raises(RaporError, match="cannot write the output"):
        build_site(tmp_site.root, output=warm, jobs=1, session=session)
    monkeypatch.undo()
    # Half the changed files moved: no manifest vouches for the files that did not.
    assert len(replaced) == 1 and not (warm / ".rapor-manifest").exists()
    # The next build is staged and swapped (the session no longer knows the folder) and puts everything right,
    # as is a cold `rapor build` of that folder.
    build_site(tmp_site.root, output=warm, jobs=1, session=session)
    assert tree(warm) == cold(tmp_site, tmp_path / "cold")


def test_unknown_units_in_several_files_are_reported_warm_as_cold(tmp_site: TmpSite, tmp_path: Path) -> None:
    """Suggestions ("closest known") are counted across files: a check that gave one is never kept."""
    session = BuildSession()
    build_site(tmp_site.root, output=tmp_path / "out", jobs=1, session=session)
    for year in ("2022", "2023"):
        edit(tmp_site, f"data/results/{year}.csv", "35.07-dpmptsp,", "35.07-dpmptps,")
    messages = []
    for _ in range(2):
        with pytest.raises(RaporError) as failed:
            build_site(tmp_site.root, output=tmp_path / "out", jobs=1, session=session)
        messages.append(failed.value.format())
    with pytest.raises(RaporError) as cold_failure:
        build_site(tmp_site.root, output=tmp_path / "cold", jobs=1)
    assert messages == [cold_failure.value.format()] * 2
    assert "closest known" in messages[0] and "data/results/2022.csv" in messages[0]


def test_a_rapor_build_in_between_is_noticed_and_its_files_put_right(tmp_site: TmpSite, tmp_path: Path) -> None:
    """`rapor build` swaps in a new output folder: the session no longer knows which files it holds, so its next
    write is staged (else the unit a `rapor build` brought back would stay after the session's build drops it)."""
    session = BuildSession()
    warm = tmp_path / "out"
    registry = tmp_site.root / "data/units.csv"
    results = tmp_site.root / "data/results/2023.csv"
    with_unit = {path: path.read_text(encoding="utf-8") for path in (registry, results)}

    def drop_unit() -> None:
        for path, text in with_unit.items():
            path.write_text("".join(line for line in text.splitlines(keepends=True)
                                    if not line.startswith("36.74-mpp,")), encoding="utf-8")

    drop_unit()
    build_site(tmp_site.root, output=warm, jobs=1, session=session)
    for path, text in with_unit.items():
        path.write_text(text, encoding="utf-8")
    build_site(tmp_site.root, output=warm, jobs=1)  # a `rapor build` meanwhile: the unit is back
    assert (warm / "unit/36.74-mpp/index.html").exists()
    drop_unit()
    build_site(tmp_site.root, output=warm, jobs=1, session=session)
    assert not (warm / "unit/36.74-mpp").exists()
    assert tree(warm) == cold(tmp_site, tmp_path / "cold")
