"""Regency pages, the A–Z lists of units, the search box and the Pagefind index, read back from a built site."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator import search_bundle
from generator.model import build_model
from generator.pipeline import read_inputs
from generator.regions import AZ_PAGE_UNITS, az_pages, filing_name, initial
from generator.search import SearchIndex
from generator.sitedata import build_site_data

from scratch_site import UNITS, TmpSite


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def words(node: object) -> str:
    assert node is not None
    return " ".join(node.get_text(" ").split())  # type: ignore[attr-defined]


@pytest.fixture
def built(tmp_site: TmpSite) -> Path:
    result = tmp_site.build()
    assert result.exit_code == 0, result.output
    return tmp_site.root / "output"


def site_data(root: Path):  # type: ignore[no-untyped-def]
    inputs = read_inputs(root)
    model = build_model(inputs.results, inputs.units, inputs.provinces, inputs.config.scheme)
    names = dict(zip(inputs.provinces["code"], inputs.provinces["name"], strict=True))
    return inputs.config, build_site_data(model, inputs.config.scheme, names)


def test_regency_page_lists_its_units_with_the_models_numbers(tmp_site: TmpSite, built: Path) -> None:
    _config, data = site_data(tmp_site.root)
    page = soup(built / "regency/36.74/index.html")
    assert words(page.h1) == "Kota Tangerang Selatan"
    rows = page.select("#units ~ div table tbody tr")
    listed = {row.th.a["href"].split("/")[-2]: [words(c) for c in row.find_all("td")] for row in rows}
    assert sorted(listed) == ["36.74-dpmptsp", "36.74-mpp"]
    years = [words(th) for th in page.select("#units ~ div table thead th")][3:]
    assert years == [str(y) for y in data.years]
    for unit_id, cells in listed.items():
        history = {int(r["year"]): r for r in data.history[unit_id]}
        latest = data.latest_row(unit_id)
        expected_latest = f"{latest['grade']} {latest['index']:.2f} ({latest['year']})".replace(".", ",")
        assert cells[1] == expected_latest
        for year, cell in zip(data.years, cells[2:], strict=True):
            row = history.get(year)
            assert cell == (f"{row['grade']} {row['index']:.2f}".replace(".", ",") if row else "–")
    # Only regencies with units get a page; units without a regency are on none.
    assert sorted(p.name for p in (built / "regency").iterdir()) == ["35.07", "35.78", "36.74"]
    english = soup(built / "en/regency/36.74/index.html")
    assert "4.05" in words(english.select_one("#units ~ div table tbody"))


def test_unit_pages_link_their_regency_and_its_other_units(built: Path) -> None:
    page = soup(built / "unit/36.74-dpmptsp/index.html")
    section = page.select_one("section.regency-units")
    links = [a["href"] for a in section.select("a")]  # type: ignore[union-attr]
    assert links == ["../../unit/36.74-mpp/index.html", "../../regency/36.74/index.html"]
    alone = soup(built / "unit/35.07-dpmptsp/index.html").select_one("section.regency-units")
    assert [a["href"] for a in alone.select("a")] == ["../../regency/35.07/index.html"]  # type: ignore[union-attr]
    assert soup(built / "unit/35-dpmptsp/index.html").select_one("section.regency-units") is None


def test_province_page_links_its_regencies(built: Path) -> None:
    page = soup(built / "province/35/index.html")
    links = [(words(a), a["href"]) for a in page.select("#regencies ~ ul a")]
    assert links == [("Kabupaten Malang", "../../regency/35.07/index.html"),
                     ("Kota Surabaya", "../../regency/35.78/index.html")]


def test_az_lists_are_complete_sorted_and_anchored(built: Path) -> None:
    levels = {"kementerian-lembaga", "provinsi", "kabupaten-kota"}
    assert {p.name for p in (built / "units").iterdir()} == levels
    _, data = site_data(built.parent)
    places = {unit_id: unit["regency_name"] or unit["province_name"] for unit_id, unit in data.units.items()}
    seen = []
    for level in sorted(levels):
        for lang, prefix in (("id", ""), ("en", "en/")):
            page = soup(built / f"{prefix}units/{level}/index.html")
            entries = [(words(a), places[a["href"].split("/")[-2]]) for a in page.select("ul.az-list a")]
            filed = [filing_name(name, place) for name, place in entries]
            assert filed == sorted(filed, key=str.casefold)
            sections = {words(h2): [words(a) for a in h2.parent.select("a")] for h2 in page.select(".az-section h2")}
            for name, place in entries:  # each under the initial of what it is filed by
                assert name in sections[initial(filing_name(name, place)).replace("#", "Lainnya" if lang == "id"
                                                                                  else "Other")]
            for link in page.select("nav.az-letters a"):
                anchor = link["href"].lstrip("#")
                assert page.find(id=anchor) is not None, (lang, anchor)
            if lang == "id":
                seen += [a["href"].split("/")[-2] for a in page.select("ul.az-list a")]
    assert sorted(seen) == sorted(u[0] for u in UNITS)
    footer = soup(built / "index.html").select("footer a[href*='units/']")
    assert [a["href"] for a in footer] == [f"units/{lvl}/index.html"
                                           for lvl in ("kementerian-lembaga", "provinsi", "kabupaten-kota")]


def test_units_named_after_their_place_are_filed_under_the_place(built: Path) -> None:
    """Nearly every regency unit's name opens with its agency (DPMPTSP, Disdukcapil, Mal Pelayanan Publik): filed
    by name, the list had two letters. A unit is filed under its place, without the words Kabupaten, Kota or
    Provinsi, when its name holds it; any other unit under its own name."""
    assert filing_name("DPMPTSP Kabupaten Malang", "Kabupaten Malang") == "Malang"
    assert filing_name("Mal Pelayanan Publik Kota Administrasi Jakarta Utara", "Kota Administrasi Jakarta Utara ") \
        == "Jakarta Utara"
    assert filing_name("SAMSAT Provinsi Jawa Timur", "Jawa Timur") == "Jawa Timur"
    assert filing_name("RSUD Dr. Soetomo", "Kota Surabaya") == "RSUD Dr. Soetomo"
    assert filing_name("Kementerian Hukum", "") == "Kementerian Hukum"
    page = soup(built / "units/kabupaten-kota/index.html")
    letters = [words(a) for a in page.select("nav.az-letters a")]
    assert letters == ["M", "S", "T"]  # Kabupaten Malang, Kota Surabaya, Kota Tangerang Selatan
    malang = page.select_one("#letter-M")
    assert malang is not None and "DPMPTSP Kabupaten Malang" in words(malang)
    assert [words(p) for p in page.select("p.meta")][1].startswith("Unit yang bernama menurut daerahnya")
    ministries = soup(built / "en/units/kementerian-lembaga/index.html")
    assert len(ministries.select("p.meta")) == 1  # no unit there is named after a place
    # The place is shown beside a name that does not hold it, not repeated after one that does.
    assert [words(li) for li in page.select("#letter-M li")] == ["DPMPTSP Kabupaten Malang"]


def test_a_long_az_list_is_split_and_its_letters_lead_to_the_right_page(tmp_site: TmpSite) -> None:
    config, data = site_data(tmp_site.root)
    many = {f"u{i:04d}": {"name": f"{chr(65 + i * 26 // 1700)}nit {i:04d}", "type": "dpmptsp",
                          "level": "provinsi", "regency_name": "", "province_name": "Aceh"} for i in range(1700)}
    pages = az_pages(config, type(data)(**{**data.__dict__, "units": many}))["provinsi"]
    assert [len([u for s in p["sections"] for u in s["units"]]) for p in pages] == [AZ_PAGE_UNITS, AZ_PAGE_UNITS, 100]
    for entry in pages[0]["letters"]:
        page = pages[entry["page"] - 1]
        assert any(s["letter"] == entry["letter"] and s["anchor"] for s in page["sections"])
    assert initial("  émile") == "#" and initial("bpom") == "B"


def test_search_box_on_every_page_leads_to_the_search_page(built: Path) -> None:
    for path, action in (("index.html", "search/index.html"),
                         ("unit/kl-imigrasi/index.html", "../../search/index.html"),
                         ("en/2023/index.html", "../../en/search/index.html")):
        form = soup(built / path).select_one("form[role=search]")
        assert form is not None and form["action"] == action and form["method"] == "get"
        assert form.select_one("input[type=search][name=q]") is not None
        assert form.label["for"] == form.input["id"]  # type: ignore[index]
    search = soup(built / "search/index.html")
    assert search.select_one("form[role=search]") is None  # Pagefind's box replaces it there
    letters = [a["href"] for a in search.select(".search-fallback a")]
    assert "../units/kabupaten-kota/index.html#letter-M" in letters
    assert [s["src"] for s in search.select("script")] == ["../pagefind/pagefind-ui.js", "../static/search.js"]
    assert not soup(built / "index.html").select("script[src*=pagefind]")  # loaded only where used
    translations = json.loads(search.select_one("#search")["data-translations"])  # type: ignore[index]
    assert translations["placeholder"] == "Nama unit, kabupaten/kota, kode"


def test_search_index_has_both_languages_and_the_filters(built: Path) -> None:
    bundle = built / "pagefind"
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    units, regencies, provinces = len(UNITS), 3, 3
    assert {lang: v["page_count"] for lang, v in entry["languages"].items()} == {
        "en": units + regencies + provinces, "id": units + regencies + provinces}
    for lang, names in (("id", ["Jenis unit", "Provinsi", "Tahun", "Tingkat"]),
                        ("en", ["Level", "Province", "Unit type", "Year"])):
        meta = search_bundle.read((bundle / f"pagefind.{entry['languages'][lang]['hash']}.pf_meta").read_bytes())
        assert isinstance(meta, list)
        assert [name for name, _ in meta[3]] == names
        for _name, digest in meta[3]:
            values = search_bundle.read((bundle / f"filter/{digest}.pf_filter").read_bytes())
            assert isinstance(values, list)
            assert [v[0] for v in values[1]] == sorted(v[0] for v in values[1])
    # Pagefind's other interfaces are not published.
    assert not list(bundle.glob("pagefind-component-ui*")) and (bundle / "pagefind-ui.js").is_file()


def test_only_marked_pages_are_indexed_and_paths_stay_inside(tmp_path: Path) -> None:
    with SearchIndex() as search:
        search.add("unit/a/index.html", b"<html lang='id'><body><main data-pagefind-body>A</main></body></html>")
        search.add("2023/index.html", b"<html lang='id'><body><main>not marked</main></body></html>")
        for hostile in ("../evil/index.html", "/etc/index.html", "unit/../../x.html"):
            with pytest.raises(ValueError):
                search.add(hostile, b"<html data-pagefind-body></html>")
        assert search.pages == 1
        assert sorted(p.relative_to(search.site).as_posix() for p in search.site.rglob("*.html")) == [
            "unit/a/index.html"]
        files = dict(search.files())
    assert json.loads(files["pagefind/pagefind-entry.json"])["languages"]["id"]["page_count"] == 1


def test_bundle_normalising_rejects_an_unknown_format() -> None:
    bogus = gzip.compress(search_bundle.SIGNATURE + b"\xa1\x01\x02")  # a CBOR map: not Pagefind 1.5's layout
    with pytest.raises(search_bundle.BundleFormatError):
        search_bundle.read(bogus)
    item = ["Tahun", [["2024", [1, 300, 70000]], ["2020", [0]]]]
    assert search_bundle.read(search_bundle.write(item)) == item


def test_hostile_unit_and_regency_names_are_escaped(tmp_site: TmpSite) -> None:
    rows = [u if u[0] != "36.74-mpp" else ("36.74-mpp", '<script>alert(1)</script> MPP "Kota"', *u[2:])
            for u in UNITS]
    tmp_site.units(rows)
    result = tmp_site.build()
    assert result.exit_code == 0, result.output
    out = tmp_site.root / "output"
    for path in ("regency/36.74/index.html", "units/kabupaten-kota/index.html", "unit/36.74-dpmptsp/index.html"):
        html = (out / path).read_text(encoding="utf-8")
        assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html, path
    assert {p.resolve().is_relative_to(out.resolve()) for p in out.rglob("*")} == {True}


@pytest.mark.parametrize("slug", ["regency", "units", "search", "pagefind"])
def test_content_pages_cannot_take_the_new_folders(tmp_site: TmpSite, slug: str) -> None:
    tmp_site.write(f"content/pages/{slug}.md", "---\ntitle: X\n---\n\nTeks.\n")
    result = tmp_site.build()
    assert result.exit_code == 2
    assert f"page name '{slug}' cannot be used" in result.output


def test_an_unchanged_index_is_reused_and_a_changed_page_reindexes_all(
    tmp_site: TmpSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    import generator.search

    runs: list[Path] = []
    original = generator.search._index

    def counted(site: Path, bundle: Path) -> int:
        runs.append(site)
        return original(site, bundle)

    monkeypatch.setattr(generator.search, "_index", counted)
    out = tmp_site.root / "output"
    assert tmp_site.build().exit_code == 0
    first = {p.relative_to(out).as_posix(): p.read_bytes() for p in (out / "pagefind").rglob("*") if p.is_file()}
    assert "pagefind/rapor-pages.sha256" in first
    tmp_site.results(2021, [("11-dpmptsp", 3.0)])  # a year more
    assert tmp_site.build().exit_code == 0
    assert len(runs) == 2  # the new year changed the unit's history, so its page: indexed again
    second = {p.relative_to(out).as_posix(): p.read_bytes() for p in (out / "pagefind").rglob("*") if p.is_file()}
    assert second != first
    assert tmp_site.build().exit_code == 0
    assert len(runs) == 2  # nothing changed: the previous bundle is published again
    again = {p.relative_to(out).as_posix(): p.read_bytes() for p in (out / "pagefind").rglob("*") if p.is_file()}
    assert again == second


def test_a_build_runs_where_an_event_loop_is_already_running(tmp_site: TmpSite) -> None:
    """A preview server, a notebook or Playwright may run a build inside an event loop: indexing still works."""
    import asyncio

    async def inside_a_loop() -> int:
        return tmp_site.build("-q").exit_code

    import threading

    codes: list[int] = []
    # A thread of its own: the test process may already run a loop (Playwright's), where asyncio.run() refuses.
    worker = threading.Thread(target=lambda: codes.append(asyncio.run(inside_a_loop())))
    worker.start()
    worker.join()
    assert codes == [0]
    assert (tmp_site.root / "output/pagefind/pagefind-entry.json").is_file()
