"""The built site, read back as parsed HTML: the figures each page type shows, in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from scratch_site import TmpSite


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def text(node: Tag | None) -> str:
    assert node is not None
    return " ".join(node.get_text(" ").split())


@pytest.fixture
def built(tmp_site: TmpSite) -> Path:
    result = tmp_site.build()
    assert result.exit_code == 0, result.output
    return tmp_site.root / "output"


def ranking_rows(page: Path) -> list[tuple[str, str, str]]:
    """(rank, movement, unit name) per row of the page's ranking table; the unit's name heads its row."""
    table = soup(page).select_one("table.ranking")
    assert table is not None
    rows = []
    for tr in table.select("tbody tr"):
        cells = tr.find_all(["td", "th"])
        assert cells[2].name == "th" and cells[2]["scope"] == "row", cells[2]
        rows.append((text(cells[0]), text(cells[1]), text(cells[2])))
    return rows


def test_every_page_kind_is_written(built: Path) -> None:
    for path in ["index.html", "2022/index.html", "2023/index.html", "2023/ranking/index.html",
                 "2023/ranking/level/kabupaten-kota/index.html", "2023/ranking/type/dpmptsp/index.html",
                 "2023/ranking/province/35/index.html", "unit/35.07-dpmptsp/index.html", "province/35/index.html",
                 "metodologi/index.html", "404.html", "robots.txt", "static/rapor.css", "2023/rapor-2023.csv",
                 "en/index.html", "en/unit/35.07-dpmptsp/index.html", "en/metodologi/index.html", "en/404.html"]:
        assert (built / path).is_file(), path


def test_national_ranking_shares_ranks_for_ties_and_shows_movement(built: Path) -> None:
    assert ranking_rows(built / "2023/ranking/index.html") == [
        ("1", "= peringkat tetap", "DPMPTSP Kota Surabaya"),
        ("2", "▲ 2 naik 2 peringkat", "DPMPTSP Kabupaten Malang"),
        ("3", "baru", "Mal Pelayanan Publik Kota Tangerang Selatan"),
        ("4", "▲ 1 naik 1 peringkat", "DPMPTSP Kota Tangerang Selatan"),
        ("5", "▲ 2 naik 2 peringkat", "DPMPTSP Provinsi Aceh"),
        ("5", "▼ 2 turun 2 peringkat", "Direktorat Jenderal Imigrasi"),
        ("7", "▼ 5 turun 5 peringkat", "DPMPTSP Provinsi Jawa Timur"),
        ("–", "–", "SAMSAT Provinsi Jawa Timur"),
    ]


def test_scoped_rankings_rank_within_their_group(built: Path) -> None:
    assert ranking_rows(built / "2023/ranking/province/35/index.html") == [
        ("1", "= peringkat tetap", "DPMPTSP Kota Surabaya"),
        ("2", "▲ 1 naik 1 peringkat", "DPMPTSP Kabupaten Malang"),
        ("3", "▼ 1 turun 1 peringkat", "DPMPTSP Provinsi Jawa Timur"),
        ("–", "–", "SAMSAT Provinsi Jawa Timur"),
    ]
    assert [r[0] for r in ranking_rows(built / "2023/ranking/level/provinsi/index.html")] == ["1", "2", "–"]


def test_year_page_counts_grades_and_averages(built: Path) -> None:
    page = soup(built / "2023/index.html")
    headlines = [text(li) for li in page.select("ul.headlines li")]
    assert "DPMPTSP · Kabupaten/Kota: 1 dari 3 meraih A — Pelayanan Prima" in headlines
    assert "DPMPTSP · Provinsi: 0 dari 2 meraih A — Pelayanan Prima" in headlines
    figures = text(page.select_one("dl.figures"))
    # (4.55 + 4.20 + 4.05 + 3.95 + 3.80 + 3.80 + 3.70) / 7 = 4.007; 2022 averaged 3.571
    assert "Rata-rata nasional 4,01 +0,44 dibanding 2022" in figures
    assert "Unit dinilai 7 dari 8 terdaftar" in figures
    counts = page.select_one("table.counts")
    row = next(tr for tr in counts.select("tbody tr") if "Kabupaten/Kota" in text(tr.th) and "DPMPTSP" in text(tr.th))
    assert [text(td) for td in row.find_all("td")] == ["1", "1", "1", "0", "0", "0", "0", "0", "0", "3"]


def test_english_mirror_uses_english_words_and_numbers(built: Path) -> None:
    page = soup(built / "en/2023/index.html")
    assert page.html is not None and page.html["lang"] == "en"
    assert "National average 4.01 +0.44 vs 2022" in text(page.select_one("dl.figures"))
    headlines = [text(li) for li in page.select("ul.headlines li")]
    assert "DPMPTSP · Regencies and cities: 1 of 3 got A — Excellent service" in headlines
    # A type's label is never made into a wrong plural ("80 Ministry/agency service unit").
    assert "Ministry/agency service unit · Ministries and agencies: 0 of 1 got A — Excellent service" in headlines
    alternates = {link["hreflang"]: link["href"] for link in page.select("link[rel=alternate]")}
    assert alternates == {"id": "../../2023/index.html", "en": "../../en/2023/index.html"}


def test_unit_page_shows_ranks_history_and_earlier_names(built: Path) -> None:
    page = soup(built / "unit/kl-imigrasi/index.html")
    assert text(page.h1) == "Direktorat Jenderal Imigrasi"
    assert "Nama sebelumnya: Ditjen Imigrasi Lama" in text(page.main)
    figures = text(page.select_one("dl.figures"))
    assert "Peringkat nasional 5 dari 7" in figures
    history = [[text(c) for c in tr.find_all(["th", "td"])] for tr in page.select("#history ~ div tbody tr")]
    assert [row[:5] for row in history] == [
        ["2023", "B Baik", "3,80", "+0,30", "5"],
        ["2022", "B- Baik (Dengan Catatan)", "3,50", "–", "3"],
    ]


def test_province_page_ranks_provinces(built: Path) -> None:
    page = soup(built / "province/35/index.html")
    # 2023 means: Jawa Timur (4.55 + 4.20 + 3.70) / 3 = 4.15; Banten 4.00; Aceh 3.80
    assert "Peringkat provinsi 2023 1 dari 3" in text(page.select_one("dl.figures"))
    assert "Rata-rata unit 2023 4,15" in text(page.select_one("dl.figures"))


def test_home_shows_latest_headline_and_links_every_year(built: Path) -> None:
    page = soup(built / "index.html")
    links = {a["href"] for a in page.select("main a")}
    assert {"2023/index.html", "2022/index.html"} <= links
    assert "Unit dinilai 7" in text(page.select_one("dl.figures"))


def test_links_are_relative_and_point_at_files(built: Path) -> None:
    for page in built.rglob("*.html"):
        for tag in soup(page).select("[href], [src]"):
            value = str(tag.get("href") or tag.get("src"))
            assert not value.startswith("/"), (page, value)
            if not value.startswith(("http", "#", "mailto:")):
                target = (page.parent / value.split("#")[0]).resolve()
                assert target.is_file(), (page, value)


def test_narrative_links_units_and_falls_back_with_a_note(tmp_site: TmpSite) -> None:
    tmp_site.write("content/2023/index.md", "---\ntitle: Tahun 2023\n---\n\nLihat [Malang](unit:35.07-dpmptsp).\n")
    assert tmp_site.build().exit_code == 0
    out = tmp_site.root / "output"
    link = soup(out / "2023/index.html").select_one(".narrative a")
    assert link is not None and link["href"] == "../unit/35.07-dpmptsp/index.html"
    english = soup(out / "en/2023/index.html")
    assert text(english.select_one(".fallback")) == (
        "This text is not yet available in English; it is shown in Indonesian.")
    assert english.select_one(".narrative")["lang"] == "id"  # type: ignore[index]
    # The fallback text links to the English unit page, relative to the English page.
    assert english.select_one(".narrative a")["href"] == "../unit/35.07-dpmptsp/index.html"  # type: ignore[index]


def test_markdown_tables_footnotes_and_heading_anchors(tmp_site: TmpSite) -> None:
    tmp_site.write("content/pages/metodologi.md", "---\ntitle: Metodologi\n---\n\n## Bobot\n\nTeks[^1].\n\n"
                   "| Aspek | Bobot |\n|---|---|\n| Inovasi | 12 |\n\n## Predikat\n\n### A\n\n[^1]: Catatan.\n")
    assert tmp_site.build().exit_code == 0
    page = soup(tmp_site.root / "output/metodologi/index.html")
    narrative = page.select_one(".narrative")
    assert narrative is not None
    assert narrative.select_one("h2#h-bobot") is not None
    assert [text(td) for td in narrative.select("table td")] == ["Inovasi", "12"]
    assert narrative.select_one(".footnote") is not None
    assert [a["href"] for a in narrative.select("nav.toc a")] == ["#h-bobot", "#h-predikat", "#h-a"]


def test_year_page_lists_aspect_averages_top_units_risers_and_fallers(built: Path) -> None:
    page = soup(built / "2023/index.html")
    aspects = [[text(c) for c in tr.find_all(["th", "td"])] for tr in page.select("#aspects ~ div tbody tr")]
    # Every aspect equals the index in the fixture: national 4.01 (+0.44); kabupaten/kota (4.20 + 4.55 + 3.95
    # + 4.05) / 4 = 4.19; provinsi (3.80 + 3.70) / 2 = 3.75; the one ministry 3.80.
    assert aspects[0] == ["Indeks", "4,01", "+0,44", "3,80", "3,75", "4,19"]
    assert len(aspects) == 7 and aspects[6][0] == "Inovasi" and aspects[6][1:3] == ["4,01", "+0,44"]
    top = [text(li) for li in page.select("#top ~ ol li")]
    assert len(top) == 7 and top[0].startswith("DPMPTSP Kota Surabaya — A Pelayanan Prima · 4,55")
    risers = [text(li) for li in page.select("#risers ~ ol li")]
    assert risers == ["DPMPTSP Kabupaten Malang +0,80 ▲ 2 naik 2 peringkat",
                      "DPMPTSP Provinsi Aceh +0,70 ▲ 2 naik 2 peringkat",
                      "DPMPTSP Kota Tangerang Selatan +0,65 ▲ 1 naik 1 peringkat",
                      "Direktorat Jenderal Imigrasi +0,30 ▼ 2 turun 2 peringkat"]
    fallers = [text(li) for li in page.select("#fallers ~ ol li")]
    assert fallers == ["DPMPTSP Provinsi Jawa Timur −0,20 ▼ 5 turun 5 peringkat",
                       "DPMPTSP Kota Surabaya −0,05 = peringkat tetap"]


def test_unit_page_ranks_in_every_scope_and_compares_aspects(built: Path) -> None:
    page = soup(built / "unit/35.07-dpmptsp/index.html")
    figures = {text(div.dt): text(div.dd) for div in page.select("dl.figures > div")}
    assert figures["Peringkat nasional"] == "2 dari 7 ▲ 2 naik 2 peringkat dibanding 2022"
    assert figures["Indeks"] == "4,20 +0,80 dibanding 2022"
    assert figures["Peringkat Kabupaten/Kota"] == "2 dari 4"
    assert figures["Peringkat DPMPTSP (Kabupaten/Kota)"] == "2 dari 3"  # ranked within its level
    assert figures["Peringkat di Jawa Timur"] == "2 dari 3"
    province = page.select_one("p.meta a")
    assert province is not None and province["href"] == "../../province/35/index.html"
    comparison = [[text(c) for c in tr.find_all(["th", "td"])] for tr in page.select("#aspects ~ div tbody tr")]
    assert comparison[0] == ["Kebijakan Pelayanan", "4,20", "4,01", "4,19"]


def test_province_page_lists_every_unit_its_averages_and_rank_movement(built: Path) -> None:
    page = soup(built / "province/35/index.html")
    assert [r[2] for r in ranking_rows(built / "province/35/index.html")] == [
        "DPMPTSP Kota Surabaya", "DPMPTSP Kabupaten Malang", "DPMPTSP Provinsi Jawa Timur"]
    # SAMSAT was not evaluated in 2023 but is one of the province's units, with its last result.
    assert [text(li) for li in page.select("#absent ~ ul li")] == [
        "SAMSAT Provinsi Jawa Timur (SAMSAT) · hasil terakhir 2022: B- Baik (Dengan Catatan) 3,20"]
    averages = [[text(c) for c in tr.find_all(["th", "td"])] for tr in page.select("#averages ~ div tbody tr")]
    assert averages[0][:2] == ["Indeks", "4,15"] and averages[0][3] == "4,01"
    history = [[text(c) for c in tr.find_all(["th", "td"])] for tr in page.select("#history ~ div tbody tr")]
    # Jawa Timur led in 2022 too ((3.90 + 3.20 + 3.40 + 4.60) / 4 = 3.78): no movement.
    assert [row[:3] for row in history] == [["2023", "1 dari 3", "= peringkat tetap"], ["2022", "1 dari 3", "–"]]


def test_every_page_says_the_figures_are_illustrative(built: Path) -> None:
    pages = sorted(built.rglob("*.html"))
    assert len(pages) > 40
    for page in pages:
        note = soup(page).select_one("p.notice")
        english = page.relative_to(built).parts[0] == "en"
        expected = "Note: Illustrative data." if english else "Catatan: Data ilustratif."
        assert note is not None and text(note) == expected, page


def test_build_shows_progress_on_a_terminal_and_ends_with_a_summary(tmp_site: TmpSite,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import re

    monkeypatch.setattr("generator.cli.stderr_is_terminal", lambda: True)
    result = tmp_site.build()
    assert result.exit_code == 0
    assert "rendering" in result.stderr
    assert re.search(r"model …\rmodel: \d+\.\d\d s\n", result.stderr), result.stderr
    summary = result.stdout.strip().splitlines()[-1]
    # the tiny site's pages, with per language 3 regency pages, 3 A–Z lists and the search page
    assert re.fullmatch(r"built 98 pages \(\d+ rendered, \d+ files, \d+ changed\) into .+output in \d+\.\d s",
                        summary), summary
    quiet = tmp_site.build("--quiet")
    assert quiet.exit_code == 0 and quiet.output == ""


def test_build_logs_one_line_per_stage_when_not_on_a_terminal(tmp_site: TmpSite) -> None:
    import re

    result = tmp_site.build()
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [line.split(":")[0] for line in lines[:-1]] == ["read and check", "model", "plan", "render", "write"]
    assert all(re.fullmatch(r"[a-z ]+: \d+\.\d\d s", line) for line in lines[:-1])
    assert lines[-1].startswith("built ") and result.stderr == ""


def test_a_former_unit_id_keeps_its_address_and_points_to_the_unit(built: Path) -> None:
    for prefix, root in (("", "../../"), ("en/", "../../../")):
        page = soup(built / f"{prefix}unit/kl-imigrasi-lama/index.html")
        refresh = page.select_one('meta[http-equiv="refresh"]')
        assert refresh is not None and refresh["content"] == f"0; url={root}{prefix}unit/kl-imigrasi/index.html"
        link = page.select_one("main p a")
        assert link is not None and link["href"] == f"{root}{prefix}unit/kl-imigrasi/index.html"
    # The former id's page names the unit's name under that id (the former name at the same position).
    assert text(soup(built / "unit/kl-imigrasi-lama/index.html").select_one("main p:not(.notice)")) == (
        "Ditjen Imigrasi Lama (kode lama kl-imigrasi-lama) kini bernama Direktorat Jenderal Imigrasi; "
        "halamannya pindah ke alamat baru.")


@pytest.mark.parametrize(("base_url", "root"), [("", ""), ("https://rapor.example.id", "/"),
                                                ("https://example.go.id/rapor/", "/rapor/")])
def test_404_links_start_from_the_sites_own_path(tmp_site: TmpSite, base_url: str, root: str) -> None:
    """A server shows the 404 page at any depth: with a base URL its links start from the site's path
    (without one they are relative, right only for a 404 at the top of the site)."""
    tmp_site.config(f'base_url = "{base_url}"\n')
    assert tmp_site.build().exit_code == 0
    for page, relative_root, home in (("404.html", "", "index.html"), ("en/404.html", "../", "en/index.html")):
        html = soup(tmp_site.root / "output" / page)
        start = root or relative_root
        assert html.select_one('link[rel="stylesheet"]')["href"] == f"{start}static/rapor.css"  # type: ignore[index]
        link = html.select_one("main a")
        assert link is not None and link["href"] == f"{start}{home}"


def test_the_first_language_is_served_at_the_root(tmp_site: TmpSite) -> None:
    tmp_site.config('languages = ["en", "id"]\n')
    assert tmp_site.build().exit_code == 0
    out = tmp_site.root / "output"
    home = soup(out / "index.html")
    assert home.html is not None and home.html["lang"] == "en"
    assert soup(out / "id/index.html").html["lang"] == "id"  # type: ignore[index]
    assert (out / "unit/35.07-dpmptsp/index.html").is_file() and (out / "id/unit/35.07-dpmptsp/index.html").is_file()
    assert not (out / "en").exists()
    alternates = {link["hreflang"]: link["href"] for link in home.select("link[rel=alternate]")}
    assert alternates == {"en": "index.html", "id": "id/index.html"}
