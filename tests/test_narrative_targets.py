"""Narrative links and images that lead to no file of the site: a located warning, an error with --strict."""

from __future__ import annotations

from scratch_site import TmpSite

HINT = ("  hint: correct the path (relative to this page), or add the file: a page of the site, a download, or a "
        "file in the theme's static/ folder")


def warnings(output: str) -> list[str]:
    return [line for line in output.splitlines() if "leads to no file" in line]


def test_links_and_images_to_files_the_site_does_not_have_are_named(tmp_site: TmpSite) -> None:
    tmp_site.write("content/pages/tentang.md", "---\ntitle: Tentang\n---\n\n[a](nothere.html)\n\n"
                   "![i](../static/none.png)\n\n[y](../2019/index.html) and [y2](../2019/)\n\n[a](nothere.html)\n")
    result = tmp_site.build()
    assert result.exit_code == 0, result.output
    assert warnings(result.output) == [
        "content/pages/tentang.md:5:5: warning: the link 'nothere.html' leads to no file of the site",
        "content/pages/tentang.md:7:6: warning: the image '../static/none.png' leads to no file of the site",
        "content/pages/tentang.md:9:5: warning: the link '../2019/index.html' leads to no file of the site",
        "content/pages/tentang.md:9:34: warning: the link '../2019/' leads to no file of the site",
    ]
    assert HINT in result.output.splitlines()


def test_with_strict_a_dead_link_stops_the_build_and_keeps_the_output(tmp_site: TmpSite) -> None:
    assert tmp_site.build("-q").exit_code == 0
    output = tmp_site.root / "output"
    before = {p: p.read_bytes() for p in output.rglob("*") if p.is_file()}
    tmp_site.write("content/pages/tentang.md", "---\ntitle: Tentang\n---\n\n[a](../metode/index.html)\n")
    result = tmp_site.build("--strict")
    assert result.exit_code == 2
    assert ("content/pages/tentang.md:5:5: the link '../metode/index.html' leads to no file of the site"
            in result.output)
    assert {p: p.read_bytes() for p in output.rglob("*") if p.is_file()} == before


def test_links_to_pages_folders_downloads_and_static_files_are_fine(tmp_site: TmpSite) -> None:
    tmp_site.write("content/pages/tentang.md", "---\ntitle: Tentang\n---\n\n"
                   "[u](../unit/35.07-dpmptsp/index.html) [y](../2023/) [d](../data/rapor.csv) "
                   "[p](../datapackage.json) "
                   "[h](../index.html#peringkat) [q](./index.html?x=1) [s](#bagian) [css](../static/rapor.css) "
                   "[unit](unit:35.07-dpmptsp) [w](https://example.org/x) [e](mailto:a@example.org) "
                   "[search](../pagefind/pagefind.js) [top](..) [badge](../unit/35.07-dpmptsp/badge.svg) "
                   "[preview](../share/preview.png)\n\n![i](../static/favicon.svg)\n")
    tmp_site.write("content/pages/tentang.en.md", "---\ntitle: About\n---\n\n[u](../../en/2023/index.html) "
                   "[css](../../static/rapor.css)\n")
    result = tmp_site.build()
    assert result.exit_code == 0, result.output
    assert warnings(result.output) == []


def test_a_text_shown_on_another_languages_page_is_checked_there(tmp_site: TmpSite) -> None:
    """An Indonesian text the English site shows one folder deeper: its image path works on one page only."""
    tmp_site.write("content/pages/tentang.md", "---\ntitle: Tentang\n---\n\n![logo](../static/favicon.svg)\n")
    result = tmp_site.build()
    assert result.exit_code == 0, result.output
    assert warnings(result.output) == [
        "content/pages/tentang.md:5:9: warning: the image '../static/favicon.svg' leads to no file of the site "
        "(on the en page, which shows this text)"]


def test_a_file_the_build_writes_only_sometimes_is_known_only_then(tmp_site: TmpSite) -> None:
    """The errata feed needs a base URL and corrections, the sitemap a base URL, the map file a boundaries file:
    without them a link to one leads nowhere."""
    tmp_site.write("content/pages/tentang.md", "---\ntitle: Tentang\n---\n\n[f](../errata/feed.xml) "
                   "[s](../sitemap.xml) [m](../static/map/provinces.topo.json)\n")
    result = tmp_site.build()
    assert result.exit_code == 0, result.output
    assert [line.split(": warning: ")[1] for line in warnings(result.output)] == [
        "the link '../errata/feed.xml' leads to no file of the site",
        "the link '../sitemap.xml' leads to no file of the site",
        "the link '../static/map/provinces.topo.json' leads to no file of the site"]
    assert not (tmp_site.root / "output/errata/feed.xml").exists()
    assert not (tmp_site.root / "output/static/map/provinces.topo.json").exists()
