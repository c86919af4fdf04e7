"""The corrections log: checked against the data, published as notices, errata pages and an Atom feed."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup

from scratch_site import TmpSite

HEADER = "date,year,unit_id,field,old_value,new_value,reason_id,reason_en\n"
ATOM = "{http://www.w3.org/2005/Atom}"


def page(site: TmpSite, path: str) -> BeautifulSoup:
    return BeautifulSoup((site.root / "output" / path).read_text(encoding="utf-8"), "lxml")


def text(node: object) -> str:
    assert node is not None
    return " ".join(node.get_text(" ", strip=True).split())  # type: ignore[attr-defined]


def test_notice_errata_pages_and_feed(tmp_site: TmpSite) -> None:
    tmp_site.config('base_url = "https://rapor.example.id/r/"\n')
    tmp_site.write("data/corrections.csv", HEADER +
                   "2024-03-12,2023,35.07-dpmptsp,index,\"4,13\",\"4,20\",Salah ketik nilai.,A typing error.\n"
                   "2024-04-01,2023,36.74-dpmptsp,grade,A-,B,Predikat dihitung ulang.,\n")
    result = tmp_site.build("-q")
    assert result.exit_code == 0, result.output + result.stderr

    unit = text(page(tmp_site, "unit/35.07-dpmptsp/index.html").find("section", class_="corrections"))
    assert "Dikoreksi 12 Maret 2024: Indeks 2023 4,13 → 4,20. Alasan: Salah ketik nilai." in unit
    unit_en = text(page(tmp_site, "en/unit/35.07-dpmptsp/index.html").find("section", class_="corrections"))
    assert "Corrected 12 March 2024: Index 2023 4.13 → 4.20. Reason: A typing error." in unit_en
    # No English reason: the Indonesian one is shown, marked as Indonesian.
    grade_en = page(tmp_site, "en/unit/36.74-dpmptsp/index.html").find("section", class_="corrections")
    assert grade_en is not None and grade_en.find("span", lang="id").get_text() == "Predikat dihitung ulang."
    assert "A- → B" in text(grade_en)
    assert page(tmp_site, "unit/35.78-dpmptsp/index.html").find("section", class_="corrections") is None

    rows = page(tmp_site, "errata/index.html").select("ol.errata > li")
    assert [text(r.h2) for r in rows] == ["DPMPTSP Kota Tangerang Selatan", "DPMPTSP Kabupaten Malang"]  # newest first
    year_rows = page(tmp_site, "2023/errata/index.html").select("ol.errata > li")
    assert [text(r) for r in year_rows] == [text(r) for r in rows]
    assert page(tmp_site, "unit/35.07-dpmptsp/index.html").find("a", string="Semua koreksi")["href"] == (
        "../../2023/errata/index.html#" + rows[1]["id"])

    feed = ET.parse(tmp_site.root / "output/errata/feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed" and feed.findtext(f"{ATOM}updated") == "2024-04-01T00:00:00Z"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "DPMPTSP Kota Tangerang Selatan: Predikat 2023 A- → B", "DPMPTSP Kabupaten Malang: Indeks 2023 4,13 → 4,20"]
    for entry in entries:
        assert entry.findtext(f"{ATOM}id", "").startswith("urn:uuid:")
        assert entry.find(f"{ATOM}link").get("href", "").startswith("https://rapor.example.id/r/unit/")
    en_feed = ET.parse(tmp_site.root / "output/en/errata/feed.xml").getroot()
    assert en_feed.find(f"{ATOM}entry").findtext(f"{ATOM}summary") == "Reason: Predikat dihitung ulang."
    assert page(tmp_site, "errata/index.html").find("link", type="application/atom+xml")["href"] == "../errata/feed.xml"


def test_no_log_means_an_empty_errata_page_and_no_feed(tmp_site: TmpSite) -> None:
    tmp_site.config('base_url = "https://rapor.example.id/"\n')
    assert tmp_site.build("-q").exit_code == 0
    assert "Belum ada koreksi." in text(page(tmp_site, "errata/index.html").find("main"))
    assert not (tmp_site.root / "output/errata/feed.xml").exists()
    assert page(tmp_site, "index.html").find("a", string="Koreksi data")["href"] == "errata/index.html"


def test_feed_needs_base_url(tmp_site: TmpSite) -> None:
    tmp_site.write("data/corrections.csv", HEADER + "2024-03-12,2023,35.07-dpmptsp,index,4.13,4.20,Salah ketik.,\n")
    assert tmp_site.build("-q").exit_code == 0
    assert not (tmp_site.root / "output/errata/feed.xml").exists()
    entry = page(tmp_site, "errata/index.html").select("ol.errata > li")
    assert [text(e) for e in entry] == [
        "DPMPTSP Kabupaten Malang Dikoreksi 12 Maret 2024 · Hasil 2023 Indeks: 4,13 → 4,20 Salah ketik."]


def test_every_problem_in_the_log_is_reported_at_once(tmp_site: TmpSite) -> None:
    output = tmp_site.root / "output"
    assert tmp_site.build("-q").exit_code == 0
    before = {p: p.read_bytes() for p in output.rglob("*") if p.is_file()}
    tmp_site.write("data/corrections.csv", HEADER +
                   "12-03-2024,2023,35.07-dpmptsp,index,4.13,4.20,Salah ketik.,\n"  # 2
                   "2024-03-12,2019,35.07-dpmptsp,index,4.13,4.20,Salah ketik.,\n"  # 3
                   "2024-03-12,2023,35.07-dpmptsx,index,4.13,4.20,Salah ketik.,\n"  # 4
                   "2024-03-12,2023,35.07-dpmptsp,indeks,4.13,4.20,Salah ketik.,\n"  # 5
                   "2024-03-12,2023,35.07-dpmptsp,index,4.13,4.25,Salah ketik.,\n"  # 6
                   "2024-03-12,2023,35.07-dpmptsp,index,abc,4.20,Salah ketik.,\n"  # 7
                   "2024-03-12,2023,35.07-dpmptsp,index,4.13,4.20,,\n"  # 8
                   "2024-03-12,2023,35.07-dpmptsp,grade,A-,Z,Salah.,\n"  # 9
                   "2024-03-12,2023,35-samsat,index,3.10,3.20,Salah.,\n"  # 10: not evaluated in 2023
                   "2024-03-12,2023,35.07-dpmptsp,index,4.20,4.2,Salah.,\n"  # 11: nothing changed
                   "2024-02-30,2023,35.07-dpmptsp,index,4.13,4.20,Salah.,\n"  # 12: no such day
                   "2024-03-12,2023,35.07-dpmptsp,index,4.13,,Salah.,\n"  # 13: empty, but the data has 4.20
                   "2024-03-12,2023,35.07-dpmptsp,index,,,Salah.,\n")  # 14: both empty
    result = tmp_site.build("-q")
    assert result.exit_code == 2
    lines = [f"{line} ({hint.strip()})" for line, hint in zip(result.stderr.splitlines()[::2],
                                                              result.stderr.splitlines()[1::2], strict=False)
             if line.startswith("data/corrections.csv")]
    assert lines == [
        "data/corrections.csv:2:1: '12-03-2024' is not a date (hint: write the date of the correction as "
        "YYYY-MM-DD, e.g. 2025-03-12)",
        "data/corrections.csv:3:2: there are no results for 2019 (hint: name a year that the results hold)",
        "data/corrections.csv:4:3: unknown unit '35.07-dpmptsx' (hint: did you mean '35.07-dpmptsp' or "
        "'35.78-dpmptsp'?)",
        "data/corrections.csv:5:4: unknown field 'indeks' (hint: did you mean 'index'?)",
        "data/corrections.csv:6:6: the data now says 4.20 for the index of 35.07-dpmptsp in 2023, not 4.25 "
        "(hint: correct the data or the log so that they agree)",
        "data/corrections.csv:7:5: 'abc' is not a number (hint: write the figure as published, e.g. 3,68 or "
        "3.68)",
        "data/corrections.csv:8:7: the correction gives no reason (hint: say in a sentence why the figure "
        "was corrected)",
        "data/corrections.csv:9:6: 'Z' is not a grade (hint: use a grade letter of the scheme: A, A-, B, B-, "
        "C, C-, D, E, F)",
        "data/corrections.csv:10:6: the data holds no index for 35-samsat in 2023 (hint: the logged new value "
        "must be what the data now says; leave it empty for no value)",
        "data/corrections.csv:11:6: the old and the new value are the same (4.2) (hint: log only figures that "
        "changed)",
        "data/corrections.csv:12:1: '2024-02-30' is not a date (hint: write the date of the correction as "
        "YYYY-MM-DD, e.g. 2025-03-12)",
        "data/corrections.csv:13:6: the data now says 4.20 for the index of 35.07-dpmptsp in 2023, not that it "
        "has no value (hint: correct the data or the log so that they agree)",
        "data/corrections.csv:14:6: the old and the new value are the same (both empty) (hint: log only figures "
        "that changed)",
    ]
    assert "Traceback" not in result.output + result.stderr
    assert {p: p.read_bytes() for p in output.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize(("cells", "message"), [
    ("2024-03-12,2023,35.07-dpmptsp,index,4.13,4.20,Salah\u202eketik.,",
     "data/corrections.csv:2:7: the reason_id holds a control or invisible character: "
     "'Salah\\u202eketik.'"),
    ("2024-03-12,2023,../../etc,index,4.13,4.20,Salah.,", "data/corrections.csv:2:3: unknown unit '../../etc'"),
])
def test_hostile_cells_are_refused(tmp_site: TmpSite, cells: str, message: str) -> None:
    tmp_site.write("data/corrections.csv", HEADER + cells + "\n")
    result = tmp_site.build("-q")
    assert result.exit_code == 2 and message in result.stderr


def test_missing_and_unknown_columns(tmp_site: TmpSite) -> None:
    tmp_site.write("data/corrections.csv", "date,year,unit,field,old_value,new_value,reason_id\n")
    result = tmp_site.build("-q")
    assert result.exit_code == 2
    assert "data/corrections.csv:1:1: missing column 'unit_id'" in result.stderr
    assert "data/corrections.csv:1:3: unknown column 'unit'\n  hint: did you mean 'unit_id'?" in result.stderr


def test_a_configured_log_must_exist(tmp_site: TmpSite) -> None:
    tmp_site.config('[data]\ncorrections = "data/koreksi.csv"\n')
    result = tmp_site.build("-q")
    assert result.exit_code == 2 and "data/koreksi.csv:1:1: 'koreksi.csv' does not exist" in result.stderr


def test_former_id_and_hostile_reason_are_escaped(tmp_site: TmpSite) -> None:
    tmp_site.config('base_url = "https://rapor.example.id/"\n')
    tmp_site.write("data/corrections.csv", HEADER + "2024-03-12,2023,kl-imigrasi-lama,sdm,3.70,3.80,"
                   "\"<script>alert(1)</script> & \"\"x\"\"\",\n")
    assert tmp_site.build("-q").exit_code == 0
    raw = (tmp_site.root / "output/unit/kl-imigrasi/index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in raw and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;x&#34;" in raw
    assert "Profesionalisme SDM 2023 3,70 → 3,80" in text(page(tmp_site, "unit/kl-imigrasi/index.html").find(
        "section", class_="corrections"))
    feed = (tmp_site.root / "output/errata/feed.xml").read_text(encoding="utf-8")
    assert "&lt;script&gt;" in feed and ET.fromstring(feed) is not None


def test_a_figure_withdrawn_after_publication_is_logged_with_an_empty_new_value(tmp_site: TmpSite) -> None:
    """A unit found not evaluated after all: the rows `rapor diff --draft-corrections` drafts (an empty new value)
    are accepted once their reasons are filled in, and pages and feed show the missing value as '–'."""
    tmp_site.config('base_url = "https://rapor.example.id/r/"\n')
    assert tmp_site.build("-q").exit_code == 0
    results = tmp_site.root / "data/results/2023.csv"
    rows = results.read_text(encoding="utf-8").splitlines()
    malang = next(i for i, line in enumerate(rows) if line.startswith("35.07-dpmptsp,"))
    cells = rows[malang].split(",")
    rows[malang] = ",".join([*cells[:-2], "", ""])  # index and grade withdrawn, the aspects kept
    tmp_site.write("data/results/2023.csv", "\n".join(rows) + "\n")
    draft = tmp_site.cli("diff", str(tmp_site.root), "--draft-corrections").output.splitlines()
    drafted = [line.split(",") for line in draft[1:]]
    assert sorted(row[3:6] for row in drafted) == [["grade", "A-", ""], ["index", "4.20", ""]]
    tmp_site.write("data/corrections.csv", HEADER + "".join(
        ",".join([*row[:6], "Tidak memenuhi syarat evaluasi.", "Not eligible for evaluation."]) + "\n"
        for row in drafted))
    result = tmp_site.build("-q")
    assert result.exit_code == 0, result.output + result.stderr
    notices = text(page(tmp_site, "unit/35.07-dpmptsp/index.html").find("section", class_="corrections"))
    assert "Indeks 2023 4,20 → –" in notices and "Predikat 2023 A- → –" in notices
    errata = text(page(tmp_site, "en/2023/errata/index.html").find("ol", class_="errata"))
    assert "4.20 → –" in errata and "A- → –" in errata
    feed = ET.parse(tmp_site.root / "output/errata/feed.xml").getroot()
    assert sorted(e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")) == [
        "DPMPTSP Kabupaten Malang: Indeks 2023 4,20 → –", "DPMPTSP Kabupaten Malang: Predikat 2023 A- → –"]


def test_a_result_file_with_problems_of_its_own_is_not_also_said_to_be_missing(tmp_site: TmpSite) -> None:
    """The log's rows and the narrative of a year whose file cannot be read are not reported as naming a year
    without results: only the file's own problem is."""
    tmp_site.write("data/corrections.csv", HEADER + "2024-03-12,2023,35.07-dpmptsp,index,4.13,4.20,Salah.,\n")
    tmp_site.write("content/2023/index.md", "---\ntitle: Tahun 2023\n---\nTeks.\n")
    results = tmp_site.root / "data/results/2023.csv"
    header, *rows = results.read_text(encoding="utf-8").splitlines()
    tmp_site.write("data/results/2023.csv", "\n".join([header.replace(",sdm,", ",kebijakan,"), *rows]) + "\n")
    result = tmp_site.build("-q")
    assert result.exit_code == 2
    problems = [line for line in result.stderr.splitlines() if not line.startswith(" ")][:-1]
    assert problems and all(line.startswith("data/results/2023.csv:1:") for line in problems), problems
