"""Warm rebuilds (session.py, as `rapor serve` runs them): after each of several successive edits the warm
build's output equals a cold `rapor build --force` of the same inputs byte for byte; a failed rebuild leaves
the session usable; unchanged inputs are reused, changed ones never."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_incremental import edit, files

from generator.build import build_site
from generator.errors import RaporError
from generator.session import BuildSession

from scratch_site import TmpSite


def cold(site: TmpSite, output: Path) -> dict[str, bytes]:
    build_site(site.root, output=output, force=True, jobs=1)
    return files(output)


def test_warm_rebuilds_equal_cold_builds_through_successive_edits(tmp_site: TmpSite, tmp_path: Path) -> None:
    session = BuildSession()
    warm = tmp_path / "warm"
    first = build_site(tmp_site.root, output=warm, jobs=1, session=session)
    assert files(warm) == cold(tmp_site, tmp_path / "cold-0")

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
        ("messages", lambda: tmp_site.write("themes/default/i18n/id.toml", '[unit]\nhistory = "Riwayat hasil"\n')),
        ("config", lambda: edit(tmp_site, "rapor.toml", 'title_id = "Rapor Uji"', 'title_id = "Rapor Uji Baru"')),
        # A new year changes every page's header and footer (the latest year, the list of years).
        ("new year", lambda: tmp_site.write("data/results/2024.csv",
                                            (tmp_site.root / "data/results/2023.csv").read_text(encoding="utf-8"))),
    ]
    for number, (what, change) in enumerate(steps, start=1):
        change()
        report = build_site(tmp_site.root, output=warm, jobs=1, session=session)
        assert report.rendered < first.rendered or what in ("template", "messages", "config", "new year"), what
        assert files(warm) == cold(tmp_site, tmp_path / f"cold-{number}"), what
        if what == "data cell":  # the other year's table, the theme and the narrative were not read again
            assert {"table data/results/2022.csv", "theme", "content"} <= set(session.reused)
            assert "table data/results/2023.csv" not in session.reused and "model" not in session.reused
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
    assert files(warm) == cold(tmp_site, tmp_path / "cold-fixed")


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
