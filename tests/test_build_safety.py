"""Escaping, atomic and deterministic builds, output folder safety, themes."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

from bs4 import BeautifulSoup

from scratch_site import UNITS, TmpSite

EVIL = "<script>alert(1)</script>"

OWN_SCRIPT = re.compile(r'<script src="(?:\.\./)*(?:en/)?(?:static|pagefind)/[\w.-]+\.js"(?: defer)?></script>')


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file under `folder`: its sha256 and its mtime in nanoseconds."""
    return {
        p.relative_to(folder).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


THEME_SCRIPTS = re.compile(r'<script type="application/json" class="chart-spec">[^<]*</script>'
                           r'|<script src="(\.\./)*static/charts\.js" '
                           r'data-bundle="(\.\./)*static/vendor/vega-embed\.js" defer></script>')


def test_names_from_data_and_front_matter_are_escaped_everywhere(tmp_site: TmpSite) -> None:
    units = [(u[0], EVIL if u[0] == "35.78-dpmptsp" else u[1], *u[2:]) for u in UNITS]
    # The renamed unit: its name shows on its former id's page too, and its earlier name on its own page.
    units = [(*u[:1], "Imigrasi <img src=x onerror=alert(2)>", *u[2:7], "<script>alert(3)</script>")
             if u[0] == "kl-imigrasi" else u for u in units]
    tmp_site.units(units)
    tmp_site.write("content/pages/metodologi.md", f'---\ntitle: "{EVIL}"\ndescription: "\\"><b>x</b>"\n---\n\nTeks.\n')
    result = tmp_site.build()
    assert result.exit_code == 0, result.output
    out = tmp_site.root / "output"
    pages = list(out.rglob("*.html"))
    shown = 0
    for page in pages:
        html = page.read_text(encoding="utf-8")
        # The only scripts a page may hold are the theme's chart scripts and charts' specs as JSON data.
        html = THEME_SCRIPTS.sub("", html)
        html = OWN_SCRIPT.sub("", html)
        assert "<script" not in html, page
        assert "<b>x</b>" not in html, page
        # The only pictures are the unit's own badge (its preview on the unit page); none comes from the data.
        for image in BeautifulSoup(html, "lxml").find_all("img"):
            assert image["src"].endswith(("/badge.svg", "/badge-dark.svg")) and not any(
                name.startswith("on") for name in image.attrs), (page, image)
        shown += html.count("&lt;script&gt;alert(1)&lt;/script&gt;")
    assert shown > 20  # rankings, year page, unit page, province page, both languages
    unit = BeautifulSoup((out / "unit/35.78-dpmptsp/index.html").read_text(encoding="utf-8"), "lxml")
    assert unit.h1 is not None and unit.h1.get_text() == EVIL
    assert unit.title is not None and unit.title.get_text().startswith(EVIL)
    moved = BeautifulSoup((out / "unit/kl-imigrasi-lama/index.html").read_text(encoding="utf-8"), "lxml")
    assert "Imigrasi <img src=x onerror=alert(2)>" in moved.get_text()
    renamed = BeautifulSoup((out / "unit/kl-imigrasi/index.html").read_text(encoding="utf-8"), "lxml")
    assert "<script>alert(3)</script>" in renamed.get_text()


def test_two_builds_are_byte_identical(tmp_site: TmpSite, tmp_path: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    assert tmp_site.build("--output", str(first)).exit_code == 0
    assert tmp_site.build("--output", str(second)).exit_code == 0
    assert {k: v[0] for k, v in snapshot(first).items()} == {k: v[0] for k, v in snapshot(second).items()}


def test_the_same_project_in_another_folder_builds_the_same_bytes(tmp_site: TmpSite, tmp_path: Path) -> None:
    """Where the project and the output sit is in no file: the manifest's keys included, so a copied project's
    first rebuild changes nothing."""
    moved = tmp_path / "elsewhere" / "deeper" / "copy"
    shutil.copytree(tmp_site.root, moved)
    first, second = tmp_path / "one", tmp_path / "other-output"
    assert tmp_site.build("--output", str(first)).exit_code == 0
    assert TmpSite(moved).build("--output", str(second)).exit_code == 0
    assert {k: v[0] for k, v in snapshot(first).items()} == {k: v[0] for k, v in snapshot(second).items()}
    shutil.copytree(first, tmp_path / "copied-output")
    again = TmpSite(moved).build("--output", str(tmp_path / "copied-output"))
    assert again.exit_code == 0, again.output
    assert "(0 rendered," in again.output and " 0 changed)" in again.output


def test_failed_build_leaves_previous_output_untouched(tmp_site: TmpSite) -> None:
    assert tmp_site.build().exit_code == 0
    out = tmp_site.root / "output"
    before = snapshot(out)
    tmp_site.results(2023, [("35.07-dpmptsp", 4.20), ("35.07-dpmptsp", 4.10)])
    tmp_site.write("data/results/2022.csv", "unit_id,index\n11-dpmptsp,tiga\n")
    result = tmp_site.build()
    assert result.exit_code == 2
    assert "data/results/2023.csv:3:1: unit '35.07-dpmptsp' appears twice in 2023" in result.output
    assert "data/results/2022.csv:1:1: missing column 'kebijakan'" in result.output
    assert snapshot(out) == before
    assert sorted(p.name for p in out.parent.iterdir() if p.name.startswith(".output")) == []


def test_rebuild_keeps_unchanged_files_and_their_mtime(tmp_site: TmpSite) -> None:
    assert tmp_site.build().exit_code == 0
    out = tmp_site.root / "output"
    before = snapshot(out)
    past = 1_000_000_000_000_000_000
    for path in out.rglob("*"):
        if path.is_file():
            os.utime(path, ns=(past, past))
    tmp_site.write("content/pages/tentang.md", "---\ntitle: Tentang\norder: 2\n---\n\nTentang situs.\n")
    result = tmp_site.build()
    assert result.exit_code == 0
    after = snapshot(out)
    assert (out / "unit/35.07-dpmptsp/index.html").stat().st_mtime_ns != past  # navigation gained a link
    assert after["2023/rapor-2023.csv"] == (before["2023/rapor-2023.csv"][0], past)
    assert after["static/rapor.css"][1] == past


def test_unit_ids_that_could_escape_the_output_are_rejected(tmp_site: TmpSite, tmp_path: Path) -> None:
    for bad_id in ["../../evil", "a/b", "a\\b", "..", "x\x00y"]:
        tmp_site.units([*UNITS, (bad_id, "Jahat", "provinsi", "dpmptsp", "35", "", "", "")])
        result = tmp_site.build()
        assert result.exit_code == 2, bad_id
        assert "data/units.csv:10:1: unit id" in result.output
        assert "is not allowed" in result.output
    assert not (tmp_path / "evil").exists()
    assert not (tmp_site.root / "output").exists()


def test_refuses_to_replace_a_folder_it_did_not_build(tmp_site: TmpSite, tmp_path: Path) -> None:
    precious = tmp_path / "documents"
    precious.mkdir()
    (precious / "thesis.txt").write_text("keep me")
    result = tmp_site.build("--output", str(precious))
    assert result.exit_code == 2
    assert "the output folder exists and was not made by rapor" in result.output
    assert (precious / "thesis.txt").read_text() == "keep me"


def test_site_theme_overrides_default_template_by_template(tmp_site: TmpSite) -> None:
    tmp_site.config('theme = "kota"\n')
    tmp_site.write("themes/kota/templates/404.html", "{% extends 'base.html' %}{% block main %}<h1>Hilang</h1>"
                   "{% endblock %}\n")
    tmp_site.write("themes/kota/static/logo.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>")
    assert tmp_site.build().exit_code == 0
    out = tmp_site.root / "output"
    assert "<h1>Hilang</h1>" in (out / "404.html").read_text(encoding="utf-8")
    assert (out / "static/logo.svg").is_file() and (out / "static/rapor.css").is_file()
    assert "table class=\"ranking with-type\"" in (out / "2023/ranking/index.html").read_text(encoding="utf-8")


def test_missing_theme_is_a_located_error(tmp_site: TmpSite) -> None:
    tmp_site.config('theme = "tidak-ada"\n')
    result = tmp_site.build()
    assert result.exit_code == 2
    line = (tmp_site.root / "rapor.toml").read_text(encoding="utf-8").splitlines().index('theme = "tidak-ada"') + 1
    assert f"rapor.toml:{line}:1: theme folder themes/tidak-ada does not exist" in result.output


def test_a_theme_name_that_is_not_a_folder_name_is_reported_once(tmp_site: TmpSite) -> None:
    tmp_site.config('theme = "../../etc"\n')
    result = tmp_site.build()
    assert result.exit_code == 2
    assert "is not a plain folder name" in result.output
    assert "does not exist" not in result.output


def test_sitemap_lists_pages_when_base_url_is_set(tmp_site: TmpSite) -> None:
    tmp_site.config('base_url = "https://rapor.example.id/"\n')
    assert tmp_site.build().exit_code == 0
    sitemap = (tmp_site.root / "output/sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://rapor.example.id/unit/35.07-dpmptsp/</loc>" in sitemap
    assert "<loc>https://rapor.example.id/en/</loc>" in sitemap
    assert "404" not in sitemap
    assert "kl-imigrasi-lama" not in sitemap  # a former id's page only points to the unit's page
    assert "Sitemap: https://rapor.example.id/sitemap.xml" in (tmp_site.root / "output/robots.txt").read_text()


def test_content_errors_are_located(tmp_site: TmpSite) -> None:
    tmp_site.write("content/2023/index.md", "---\ntitle: Baik\n---\n\nPara.\n\nLihat [x](unit:35.99-dpmptsp).\n")
    tmp_site.write("content/pages/rusak.md", "---\ntitle: [tidak ditutup\n---\nTeks\n")
    tmp_site.write("content/units/tidak-ada.md", "Teks\n")
    result = tmp_site.validate()
    assert result.exit_code == 2
    assert result.output.splitlines()[:6] == [
        "content/2023/index.md:7:11: link to unknown unit '35.99-dpmptsp'",
        "  hint: use an id from data/units.csv, e.g. [name](unit:35.07-dpmptsp)",
        "content/pages/rusak.md:3:1: front matter is not valid YAML: expected ',' or ']', but got '<stream end>'",
        "  hint: write one 'key: value' per line; quote values containing ':' or '#'",
        "content/units/tidak-ada.md:1:1: narrative for unit 'tidak-ada', which is not in the registry",
        "  hint: name the file after a unit id from data/units.csv",
    ]
