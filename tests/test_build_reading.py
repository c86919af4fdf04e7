"""What a reader sees, read back from the built pages: paged rankings with labelled columns, changes that
say what they compare with, counts that add up in their wording, former ids, the icon and per-language 404s."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from scratch_site import TmpSite

ASPECT_LABELS = {"Kebijakan Pelayanan": "Kebijakan", "Profesionalisme SDM": "SDM", "Sarana Prasarana": "Sarpras",
                 "Sistem Informasi Pelayanan Publik": "SIPP", "Konsultasi dan Pengaduan": "Konsultasi",
                 "Inovasi": "Inovasi"}


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def text(node: Tag | None) -> str:
    assert node is not None
    return " ".join(node.get_text(" ").split())


def build(site: TmpSite) -> Path:
    result = site.build()
    assert result.exit_code == 0, result.output
    return site.root / "output"


@pytest.fixture
def built(tmp_site: TmpSite) -> Path:
    return build(tmp_site)


def test_long_rankings_are_split_into_pages_that_link_each_other(tmp_site: TmpSite,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("generator.pages.RANKING_PAGE_ROWS", 3)
    out = build(tmp_site)
    pages = ["2023/ranking/index.html", "2023/ranking/page-2/index.html", "2023/ranking/page-3/index.html"]
    assert not (out / "2023/ranking/page-4").exists()
    names = []
    for number, path in enumerate(pages, start=1):
        page = soup(out / path)
        rows = page.select("table.ranking tbody tr")
        names += [text(tr.select_one("th[scope=row]")) for tr in rows]
        assert len(rows) == (3 if number < 3 else 2)
        pager = page.select_one("nav.pager")
        assert pager is not None
        assert [text(li) for li in pager.select("li")] == ["1–3", "4–6", "7–8"]
        assert text(pager.select_one("[aria-current=page]")) == ["1–3", "4–6", "7–8"][number - 1]
        linked = {(out / path).parent.joinpath(a["href"]).resolve() for a in pager.select("a")}  # type: ignore[arg-type]
        assert linked == {(out / other).resolve() for other in pages if other != path}
        # Every page of a ranking has its own title and links the year's level and type rankings.
        assert f"unit {['1–3', '4–6', '7–8'][number - 1]} dari 8" in text(page.title)
        rankings = {(out / path).parent.joinpath(str(a["href"]).split("#")[0]).resolve()
                    for a in page.select("nav.rankings a")}
        assert {(out / "2023/ranking/level/provinsi/index.html").resolve(),
                (out / "2023/ranking/type/dpmptsp/index.html").resolve()} <= rankings
    assert len(names) == len(set(names)) == 8
    # The two pager navigations of a page are told apart (axe: landmark-unique).
    labels = [nav["aria-label"] for nav in soup(out / pages[1]).select("nav")]
    assert len(labels) == len(set(labels))


def test_a_short_ranking_is_one_page_without_a_pager(built: Path) -> None:
    page = soup(built / "2023/ranking/index.html")
    assert page.select_one("nav.pager") is None
    assert not (built / "2023/ranking/page-2").exists()
    current = page.select_one("nav.rankings [aria-current=page]")
    assert text(current) == "Peringkat nasional"


def test_ranking_columns_have_short_labels_with_full_names_and_units_head_their_rows(built: Path) -> None:
    for path, labels in (("2023/ranking/index.html", ASPECT_LABELS),
                         ("en/2023/ranking/type/dpmptsp/index.html",
                          {"Service policy": "Policy", "Staff professionalism": "Staff", "Facilities": "Facilities",
                           "Public service information system": "Info system",
                           "Consultation and complaints": "Complaints", "Innovation": "Innovation"})):
        table = soup(built / path).select_one("table.ranking")
        assert table is not None
        heads = table.select("thead abbr[title]")
        assert {h["title"]: text(h) for h in heads} == labels
        assert not [th for th in table.select("thead th") if text(th) in {"1", "2", "3", "4", "5", "6"}]
        for tr in table.select("tbody tr"):
            header = tr.select_one("th[scope=row]")
            assert header is not None and header.select_one("a[href]") is not None


def test_a_theme_can_rename_an_aspects_short_label(tmp_site: TmpSite) -> None:
    tmp_site.write("themes/mine/i18n/id.toml", "[aspect_short]\nsdm = \"Staf\"\n")
    tmp_site.config('theme = "mine"\n')
    out = build(tmp_site)
    heads = [text(a) for a in soup(out / "2023/ranking/index.html").select("table.ranking thead abbr")]
    assert heads == ["Kebijakan", "Staf", "Sarpras", "SIPP", "Konsultasi", "Inovasi"]


def test_top_lists_say_when_a_tie_makes_them_longer(built: Path) -> None:
    # 2023: two units share rank 5, so the home page's top 5 lists six units and says so.
    home = soup(built / "index.html")
    heading = next(h for h in home.select("h3") if "teratas" in text(h))
    assert text(heading) == "5 teratas (6 unit, nilai sama)"
    assert len(home.select("ol.top li")) == 6
    english = soup(built / "en/index.html")
    assert "Top 5 (6 units, tied)" in [text(h) for h in english.select("h3")]
    # Eight units: nobody ties at rank 10, so the year's list is just "Top 10".
    assert text(soup(built / "en/2023/index.html").select_one("#top")) == "Top 10"


def test_one_place_is_singular_and_every_change_names_its_year(built: Path) -> None:
    page = soup(built / "en/2023/ranking/index.html")
    moves = [text(tr.find_all("td")[1]) for tr in page.select("table.ranking tbody tr")]
    assert "▲ 1 up 1 place" in moves and "▲ 2 up 2 places" in moves
    assert "change in rank since 2022" in text(page.main)
    assert text(page.select_one("table.ranking thead th:nth-of-type(2)")) == "▲▼ Change in rank vs 2022"
    year = soup(built / "en/2023/index.html")
    assert [text(p) for p in year.select("#risers ~ p, #fallers ~ p")] == ["Changes since 2022."] * 2
    assert text(year.select_one("#aspects ~ div thead th:nth-of-type(3)")) == "Change vs 2022"
    unit = soup(built / "en/unit/36.74-dpmptsp/index.html")
    figures = {text(div.dt): text(div.dd) for div in unit.select("dl.figures > div")}
    assert figures["National rank"] == "4 of 7 ▲ 1 up 1 place vs 2022"


def test_a_change_that_rounds_to_zero_is_neutral(tmp_site: TmpSite) -> None:
    # National average 3.00333 in 2022 and 3.0025 in 2023: both are shown as 3,00, so the change is ±0,00
    # (changes are differences of the shown values) and is not a fall.
    tmp_site.results(2022, [("11-dpmptsp", 3.00), ("35-dpmptsp", 3.00), ("35-samsat", 3.01)])
    tmp_site.results(2023, [("11-dpmptsp", 3.00), ("35-dpmptsp", 3.01), ("35-samsat", 3.00), ("kl-imigrasi", 3.00)])
    out = build(tmp_site)
    change = soup(out / "2023/index.html").select_one("dl.figures .change > span")
    assert change is not None and text(change) == "±0,00" and change["class"] == ["same"]


def test_a_returning_unit_is_compared_with_its_last_evaluated_year(tmp_site: TmpSite) -> None:
    """35-samsat: evaluated 2022, not 2023, again 2024: its change is measured against 2022, and every place
    that shows it says so (never a bare dash)."""
    tmp_site.results(2024, [("kl-imigrasi", 3.80), ("35-samsat", 3.60), ("35-dpmptsp", 3.70)])
    out = build(tmp_site)
    unit = soup(out / "unit/35-samsat/index.html")
    history = {text(tr.th): [text(td) for td in tr.find_all("td")] for tr in unit.select("#history ~ div tbody tr")}
    assert history["2024"][2] == "+0,40 dibanding 2022, evaluasi terakhirnya"
    figures = {text(div.dt): text(div.dd) for div in unit.select("dl.figures > div")}
    assert figures["Indeks"] == "3,60 +0,40 dibanding 2022, evaluasi terakhirnya"
    cells = {text(tr.select_one("th")): text(tr.find_all("td")[1])
             for tr in soup(out / "2024/ranking/index.html").select("table.ranking tbody tr")}
    assert cells["SAMSAT Provinsi Jawa Timur"] == "▲ 3 naik 3 peringkat dibanding 2022, evaluasi terakhirnya"


def test_a_former_id_page_says_what_changed(tmp_site: TmpSite) -> None:
    from scratch_site import UNITS

    units = [u if u[0] != "36.74-mpp" else (*u[:6], "36.74-mal", "") for u in UNITS]
    tmp_site.units(units)
    out = build(tmp_site)
    # Only the code changed: the page does not claim a new name.
    page = soup(out / "en/unit/36.74-mal/index.html")
    assert text(page.select_one("main p:not(.notice)")) == (
        "The code of Mal Pelayanan Publik Kota Tangerang Selatan changed from 36.74-mal to 36.74-mpp; "
        "its page has a new address.")
    renamed = soup(out / "en/unit/kl-imigrasi-lama/index.html")
    assert text(renamed.select_one("main p:not(.notice)")) == (
        "Ditjen Imigrasi Lama (former code kl-imigrasi-lama) is now named Direktorat Jenderal Imigrasi; "
        "its page has a new address.")
    assert text(renamed.title).startswith("Ditjen Imigrasi Lama")


def test_every_page_links_an_icon_shipped_at_the_site_root(built: Path) -> None:
    """Every page a reader stays on (a former id's page sends readers on at once, so it links none)."""
    assert (built / "favicon.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert (built / "static/favicon.svg").read_text(encoding="utf-8").startswith("<svg")
    for path in ("index.html", "en/2023/ranking/index.html", "unit/35.07-dpmptsp/index.html", "en/404.html"):
        icons = {link["type"] if link.has_attr("type") else "ico": link["href"]
                 for link in soup(built / path).select("link[rel=icon]")}
        assert set(icons) == {"ico", "image/svg+xml"}, path
        for href in icons.values():
            assert (built / path).parent.joinpath(str(href)).resolve().is_file(), (path, href)


def test_english_404_page_is_in_english(built: Path) -> None:
    english, indonesian = soup(built / "en/404.html"), soup(built / "404.html")
    assert english.html is not None and english.html["lang"] == "en"
    assert text(english.h1) == "Page not found" and text(indonesian.h1) == "Halaman tidak ditemukan"


def test_content_is_inside_landmarks_and_tables_are_labelled_apart_from_their_sections(built: Path) -> None:
    for path in ("index.html", "2023/index.html", "unit/35.07-dpmptsp/index.html", "province/35/index.html"):
        page = soup(built / path)
        body = page.body
        assert body is not None
        outside = [child.name for child in body.find_all(recursive=False)
                   if child.name not in {"header", "main", "footer", "script"}  # scripts are not content
                   and "skip" not in child.get("class", [])]
        assert outside == [], (path, outside)
        names = [text(page.select_one(f"#{s['aria-labelledby']}")) for s in page.select("section[aria-labelledby]")]
        names += [nav["aria-label"] for nav in page.select("nav")]
        names += [div["aria-label"] for div in page.select("[role=region]")]
        assert len(names) == len(set(names)), (path, names)


def test_a_unit_page_links_the_ranking_pages_that_hold_its_row(tmp_site: TmpSite,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("generator.pages.RANKING_PAGE_ROWS", 3)
    out = build(tmp_site)
    # DPMPTSP Kota Tangerang Selatan, 2023, at three rows a page: 4th nationally and 4th among Kabupaten/Kota
    # (page 2); 5th row of the DPMPTSP ranking, which lists the two provincial offices first (page 2).
    unit = out / "unit/36.74-dpmptsp/index.html"
    links = {text(div.dt): div.select_one("dd a") for div in soup(unit).select("dl.figures > div")}
    targets = {label: (unit.parent / str(a["href"]).split("#")[0]).resolve().relative_to(out.resolve()).as_posix()
               for label, a in links.items() if a is not None}
    assert targets["Peringkat nasional"] == "2023/ranking/page-2/index.html"
    assert targets["Peringkat Kabupaten/Kota"] == "2023/ranking/level/kabupaten-kota/page-2/index.html"
    assert targets["Peringkat DPMPTSP (Kabupaten/Kota)"] == "2023/ranking/type/dpmptsp/page-2/index.html"
    for target in targets.values():
        rows = soup(out / target).select("table.ranking tbody th[scope=row]")
        assert "DPMPTSP Kota Tangerang Selatan" in [text(th) for th in rows], target


def test_a_type_ranking_shows_each_level_in_its_own_table(built: Path) -> None:
    page = soup(built / "2023/ranking/type/dpmptsp/index.html")
    sections = page.select("main section[aria-labelledby]")
    assert [text(s.h2) for s in sections] == ["DPMPTSP · Provinsi", "DPMPTSP · Kabupaten/Kota"]
    names = [[text(th) for th in s.select("table.ranking tbody th[scope=row]")] for s in sections]
    assert names == [["DPMPTSP Provinsi Aceh", "DPMPTSP Provinsi Jawa Timur"],
                     ["DPMPTSP Kota Surabaya", "DPMPTSP Kabupaten Malang", "DPMPTSP Kota Tangerang Selatan"]]

