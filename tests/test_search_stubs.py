"""Search pages: what Pagefind reads of a page, cut out (search_pages.py), give the same index as the whole page;
the index is kept when only figures change and made again when a name or a filter value does."""

from __future__ import annotations

import gzip
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

import generator.search
from generator.search import SearchIndex
from generator.search_pages import SearchPage, search_page

from scratch_site import UNITS, TmpSite


def cut(html: str) -> str | None:
    found = search_page(html.encode())
    if found is None:
        return None
    assert not found.whole, html
    return found.content.decode()


def body(html: str) -> str:
    """The search page's body, without the frame every search page has."""
    cut_page = cut(html)
    assert cut_page is not None
    inner = re.search(r"<body>\n(.*)\n</body>", cut_page, re.S)
    assert inner is not None and cut_page.startswith("<!DOCTYPE html>\n<html lang="), cut_page
    return inner.group(1)


def whole(html: str) -> bool:
    found = search_page(html.encode())
    return found is not None and found.whole and found.content == html.encode()


def page(main: str, lang: str = "id", head: str = "<title>T</title>") -> str:
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head><meta charset="utf-8">{head}</head>\n<body>\n'
            f"<header><nav><a href='/'>Beranda</a></nav></header>\n<main>{main}</main>\n"
            "<footer><p>Kaki</p></footer>\n</body>\n</html>\n")


# -- the cutter ---------------------------------------------------------------------------------------------

def test_a_region_is_cut_to_its_own_end_tag_counting_nested_tags_of_its_name() -> None:
    region = ('<div data-pagefind-body><h1>Nama</h1><div class="a"><div>dalam</div></div>'
              "<!-- <div> in a comment --><script>var s = '<div>';</script><p>akhir</p></div>")
    assert body(page(region + "<div><p>3,68 not searched</p></div>")) == region


def test_several_regions_are_kept_in_page_order_and_nothing_between_them() -> None:
    html = page('<section data-pagefind-body><h1>A</h1></section><table><tr><td>4,12</td></tr></table>'
                '<aside><div data-pagefind-body>B</div></aside><p>between</p>'
                '<section data-pagefind-body>C<section>D</section></section>')
    assert body(html) == ('<section data-pagefind-body><h1>A</h1></section>\n<div data-pagefind-body>B</div>\n'
                          "<section data-pagefind-body>C<section>D</section></section>")


@pytest.mark.parametrize("start_tag", [
    "<div data-pagefind-body>", '<div data-pagefind-body="">', "<div data-pagefind-body=''>",
    '<div class="x" data-pagefind-body role=region>', "<DIV Class='x' DATA-PAGEFIND-BODY>",
    '<div title="a > b" data-pagefind-body\n   lang="id">', "<div\tdata-pagefind-body\tclass=x>",
])
def test_attribute_variants(start_tag: str) -> None:
    end = "</DIV>" if start_tag.startswith("<DIV") else "</div>"
    assert body(page(f"{start_tag}<h1>Nama</h1>{end}<p>x</p>")) == f"{start_tag}<h1>Nama</h1>{end}"


def test_the_lang_title_filters_meta_and_an_h1_outside_the_regions_are_kept_but_not_an_image() -> None:
    html = page('<h1 class="t">Judul <b>di luar</b></h1><img src="badge.svg" alt="Indeks 3,68">'
                '<span data-pagefind-filter="Tahun">2024</span><div data-pagefind-body>Isi</div>'
                '<div data-pagefind-meta="x:y">z</div>' '<span data-pagefind-sort="rank:3">3</span>', lang="en",
                head="<title>Judul · Situs</title><meta data-pagefind-meta='image[content]' content='/a.png'>")
    stub = cut(html)
    assert stub is not None
    assert stub.startswith('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
                           "<title>Judul · Situs</title>\n</head>")
    assert body(html) == ("<meta data-pagefind-meta='image[content]' content='/a.png'>\n"
                          '<h1 class="t">Judul <b>di luar</b></h1>\n<span data-pagefind-filter="Tahun">2024</span>\n'
                          '<div data-pagefind-body>Isi</div>\n<div data-pagefind-meta="x:y">z</div>\n'
                          '<span data-pagefind-sort="rank:3">3</span>')
    assert "badge.svg" not in stub and "3,68" not in stub


@pytest.mark.parametrize("html", [
    page("<p>Nothing marked</p>"),
    page("<p>The attribute data-pagefind-body, named in a text</p>"),
    page("<script>var mark = 'data-pagefind-body';</script><!-- <div data-pagefind-body> -->"),
    page('<img alt="data-pagefind-body" src="a.png"><a title="x data-pagefind-body">y</a>'),
])
def test_a_page_without_a_real_mark_has_no_search_page(html: str) -> None:
    assert search_page(html.encode()) is None


@pytest.mark.parametrize("html", [
    page("<div data-pagefind-body><p>not closed</p>"),  # no end tag
    page("<p data-pagefind-body>an end tag HTML lets a page leave out"),
    page("<div data-pagefind-body>a</div><span data-pagefind-unknown>b</span>"),  # a future attribute
    page('<div data-pagefind-ignore="all"><div data-pagefind-body>excluded</div></div>'),
    page("<![CDATA[ x ]]><div data-pagefind-body>a</div>"),
    page("<div data-pagefind-body>a</div><!-- not closed <span data-pagefind-filter='x'>y</span>"),
    page('<aside><div data-pagefind-body>a</div></aside><div data-pagefind-body id="b">b</div>'),  # see the cutter
    page("<div data-pagefind-body>a</div><noscript><span data-pagefind-filter='a'>b</span></noscript>"),
    page("<div data-pagefind-body><svg><path/></svg><div/>a</div>"),
    page('<div data-pagefind-body>a</div><span title="a<b" data-pagefind-filter="x">y</span>'),  # a raw <
    '<html data-pagefind-body lang="id"><body>a</body></html>',
    "<body><div data-pagefind-body>no html element</div></body>",
    page('<div data-pagefind-body>a</div>').replace('lang="id"', 'lang="i&quot;d"'),
])
def test_a_page_the_cutter_cannot_read_for_certain_is_given_whole(html: str) -> None:
    assert whole(html)


def test_ignore_all_inside_a_region_is_copied_and_ignore_outside_is_harmless() -> None:
    region = '<div data-pagefind-body>A<div data-pagefind-ignore="all">B</div></div>'
    assert body(page('<nav data-pagefind-ignore>menu</nav>' + region)) == region


def test_the_sample_themes_pages_are_cut(built: Path) -> None:
    """Every page the default theme marks is cut (none given whole), and its search page holds no figure."""
    marked = 0
    for path in sorted(built.rglob("*.html")):
        found = search_page(path.read_bytes())
        if found is None:
            continue
        marked += 1
        assert not found.whole, path
        text = found.content.decode()
        assert not re.search(r"(?<![\d.])\d[.,]\d\d(?![\d.-])", text), (path, text)  # an index: 3,68 / 3.68
    assert marked == 2 * (len(UNITS) + 3 + 3)  # units, regencies, provinces, in both languages


# -- what Pagefind makes of it -------------------------------------------------------------------------------

def fragments(bundle: dict[str, bytes]) -> dict[str, Any]:
    """Each indexed page's record (url, content, word count, filters, meta, anchors), by url."""
    found = {}
    for name, content in bundle.items():
        if name.startswith("pagefind/fragment/"):
            record = json.loads(gzip.decompress(content)[len(b"pagefind_dcd"):])
            found[record["url"]] = record
    return found


def indexed(pages: dict[str, bytes], cut_them: bool) -> dict[str, Any]:
    with SearchIndex() as search:
        for path, html in pages.items():
            if cut_them:
                search.add(path, html)
            else:  # as before search pages: the whole page
                target = search.site / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(html)
                search.pages += 1
                search.digests[path] = "whole page"  # what files() moves into path order
                search._digest.update(html)
        return fragments(dict(search.files()))


def test_pagefind_finds_the_same_in_a_search_page_as_in_the_whole_page() -> None:
    pages = {
        "a/index.html": page('<h1 data-pagefind-weight="10">DPMPTSP Kota Malang</h1><p>Indeks 3,68</p>'
                             '<div data-pagefind-body><p class="meta">Kabupaten/Kota · <a href="#">Jawa Timur</a>'
                             ' · Kode <span data-pagefind-weight="7">35.73-dpmptsp</span></p>'
                             '<div hidden data-pagefind-ignore><span data-pagefind-filter="Tahun">2023</span>'
                             '<span data-pagefind-filter="Tahun">2024</span></div></div><table><tr><td>4,01</td>'
                             '</tr></table><section data-pagefind-body><h2 id="s">Bagian kedua</h2><p>Teks '
                             'panjang di sini.</p></section><div data-pagefind-meta="kind:unit">x</div>'),
        "en/b/index.html": page('<div data-pagefind-body><h1>Kabupaten Malang</h1><img src="i.png" alt="Peta">'
                                '<p>2 units</p></div><span data-pagefind-filter="Province">East Java</span>',
                                lang="en", head="<title>Kabupaten Malang · Site</title>"),
        "c/index.html": page('<div data-pagefind-body><p>No heading: the title comes from the title element'
                             "</p></div>", head="<title>Judul halaman</title>"),
    }
    encoded = {path: html.encode() for path, html in pages.items()}
    assert all(cut(html) for html in pages.values())  # each is cut, none given whole
    cut_records, whole_records = indexed(encoded, cut_them=True), indexed(encoded, cut_them=False)
    assert cut_records == whole_records
    assert whole_records["/a/index.html"]["meta"]["title"] == "DPMPTSP Kota Malang"
    assert whole_records["/a/index.html"]["filters"] == {"Tahun": ["2023", "2024"]}
    assert "3,68" not in json.dumps(whole_records) and "Bagian kedua" in whole_records["/a/index.html"]["content"]
    assert whole_records["/en/b/index.html"]["meta"]["image"] == "i.png"  # an image inside the mark stays
    assert whole_records["/c/index.html"]["meta"]["title"] == "Judul halaman"
    assert whole_records["/a/index.html"]["meta"]["kind"] == "unit"
    assert [a["id"] for a in whole_records["/a/index.html"]["anchors"]] == ["s"]


def test_the_built_sites_index_is_the_same_but_for_the_badge_it_guessed_as_image(built: Path) -> None:
    """Indexed from search pages, the built site's records equal those of its whole pages, except the image
    Pagefind guessed (the unit's badge, whose alternative text holds its index), which the search never shows."""
    pages = {p.relative_to(built).as_posix(): p.read_bytes() for p in sorted(built.rglob("*.html"))
             if search_page(p.read_bytes()) is not None}
    cut_records, whole_records = indexed(pages, cut_them=True), indexed(pages, cut_them=False)
    assert cut_records.keys() == whole_records.keys() and len(cut_records) == len(pages)
    badges = 0
    for url, record in whole_records.items():
        meta = record["meta"]
        if "image" in meta:
            assert meta["image"].endswith("/badge.svg") and meta.pop("image_alt")
            meta.pop("image")
            badges += 1
        assert cut_records[url] == record, url
    assert badges == 2 * len(UNITS)


# -- when Pagefind runs -------------------------------------------------------------------------------------

@pytest.fixture
def built(tmp_site: TmpSite) -> Path:
    result = tmp_site.build()
    assert result.exit_code == 0, result.output
    return tmp_site.root / "output"


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Each time the Pagefind program runs, the folder it indexes."""
    started: list[Path] = []
    original = generator.search._index

    def counted(site: Path, bundle: Path) -> int:
        started.append(site)
        return original(site, bundle)

    monkeypatch.setattr(generator.search, "_index", counted)
    return started


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def bundle(folder: Path) -> dict[str, bytes]:
    return {name: content for name, content in files(folder).items() if name.startswith("pagefind/")}


def edit(site: TmpSite, relpath: str, old: str, new: str) -> None:
    path = site.root / relpath
    text = path.read_text(encoding="utf-8")
    assert old in text, (relpath, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_figure_correction_keeps_the_index_without_running_pagefind_or_reading_kept_pages(
    tmp_site: TmpSite, built: Path, runs: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = bundle(built)
    assert "pagefind/rapor-pages.sha256" in before
    cut_pages: list[bytes] = []

    def counted(html: bytes) -> SearchPage | None:
        cut_pages.append(html)
        return search_page(html)

    monkeypatch.setattr(generator.search, "search_page", counted)
    # Malang 2023 falls from 4.20 to 3.60: its grade changes and the units between move up a rank.
    edit(tmp_site, "data/results/2023.csv", "35.07-dpmptsp,," + "4.20," * 7 + "A-",
         "35.07-dpmptsp,," + "3.60," * 7 + "B")
    again = tmp_site.build()
    assert again.exit_code == 0, again.output
    rendered = int(re.search(r"\((\d+) rendered", again.output).group(1))  # type: ignore[union-attr]
    assert 0 < rendered < 60
    assert runs == []  # Pagefind did not run
    assert len(cut_pages) <= rendered  # only pages rendered again were cut; kept ones were not read
    assert bundle(built) == before
    full = tmp_site.build("--force", "-o", str(tmp_path / "full"))
    assert full.exit_code == 0 and len(runs) == 1  # a build from nothing indexes, and makes the same bundle
    assert files(built) == files(tmp_path / "full")


@pytest.mark.parametrize("change", ["rename", "a newly evaluated year", "a unit leaving"])
def test_a_change_pagefind_sees_indexes_again_and_equals_a_full_build(
    tmp_site: TmpSite, built: Path, runs: list[Path], tmp_path: Path, change: str
) -> None:
    before = bundle(built)
    if change == "rename":
        edit(tmp_site, "data/units.csv", "DPMPTSP Kota Surabaya", "DPMPTSP Kota Surabaya Baru")
    elif change == "a newly evaluated year":  # 35-samsat, not evaluated in 2023, now is: a new year filter value
        edit(tmp_site, "data/results/2023.csv", "35-samsat,," + "," * 6 + "-,", "35-samsat,," + "3.70," * 7 + "B")
    else:
        tmp_site.units([u for u in UNITS if u[0] != "36.74-mpp"])
        path = tmp_site.root / "data/results/2023.csv"
        path.write_text("".join(line for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
                                if not line.startswith("36.74-mpp")), encoding="utf-8")
    again = tmp_site.build()
    assert again.exit_code == 0, again.output
    assert len(runs) == 1
    after = bundle(built)
    assert after != before
    full = tmp_site.build("--force", "-o", str(tmp_path / "full"))
    assert full.exit_code == 0
    assert files(built) == files(tmp_path / "full")
    entry = json.loads(after["pagefind/pagefind-entry.json"])
    assert {lang: v["page_count"] for lang, v in entry["languages"].items()} == {
        lang: (len(UNITS) - (change == "a unit leaving") + 6) for lang in ("en", "id")}


def test_a_page_given_whole_that_pagefind_finds_unmarked_does_not_fail_the_build() -> None:
    """The cutter cannot read this page (CDATA), so Pagefind gets it whole, and skips it: it marks nothing."""
    with SearchIndex() as search:
        search.add("a/index.html", page("<div data-pagefind-body><h1>A</h1></div>").encode())
        search.add("b/index.html", page("<![CDATA[ data-pagefind-body ]]><p>b</p>").encode())
        assert (search.pages, search.whole) == (2, 1)
        records = fragments(dict(search.files()))
    assert list(records) == ["/a/index.html"]


def test_a_unit_named_like_the_mark_is_indexed_and_its_ranking_pages_are_not(tmp_site: TmpSite) -> None:
    """A name holding the mark's words is text: before search pages, the ranking pages showing it were taken
    for marked pages and the build stopped with "Pagefind indexed N of M pages"."""
    tmp_site.units([u if u[0] != "36.74-mpp" else (u[0], "MPP data-pagefind-body", *u[2:]) for u in UNITS])
    result = tmp_site.build()
    assert result.exit_code == 0, result.output
    output = tmp_site.root / "output"
    assert b"data-pagefind-body" in (output / "2023/index.html").read_bytes()
    assert search_page((output / "2023/index.html").read_bytes()) is None
    entry = json.loads((output / "pagefind/pagefind-entry.json").read_text(encoding="utf-8"))
    assert entry["languages"]["id"]["page_count"] == len(UNITS) + 6
    records = fragments(bundle(output))
    assert records["/unit/36.74-mpp/index.html"]["meta"]["title"] == "MPP data-pagefind-body"


def test_search_pages_go_to_a_ram_folder_with_room_else_the_temporary_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.search import scratch_folder

    monkeypatch.delenv("TMPDIR", raising=False)
    assert scratch_folder(tmp_path / "missing") is None
    roomy = os.statvfs(tmp_path).f_bavail * os.statvfs(tmp_path).f_frsize >= generator.search.SCRATCH_FREE_MIN
    assert scratch_folder(tmp_path) == (str(tmp_path) if roomy else None)
    monkeypatch.setattr(generator.search, "SCRATCH_FREE_MIN", 1 << 62)  # more than any disk has free
    assert scratch_folder(tmp_path) is None
    monkeypatch.setattr(generator.search, "SCRATCH_FREE_MIN", 0)
    assert scratch_folder(tmp_path) == str(tmp_path)
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # the user's choice wins
    assert scratch_folder(tmp_path) is None
