"""The yearly download: formula-safe text cells (OWASP CSV injection), numbers as published."""

from __future__ import annotations

import csv
import io
import re

import pytest

from generator.download import neutralise
from generator.names import DOWNLOAD_ADDED

from scratch_site import UNITS, TmpSite

HOSTILE_NAMES = {
    "11-dpmptsp": "=HYPERLINK(A1)",
    "35-dpmptsp": "+1+cmd|' /C calc'!A0",
    "35-samsat": "-2+3",
    "35.07-dpmptsp": "@SUM(A1:A2)",
    "35.78-dpmptsp": "+62 21 555",
    "36.74-dpmptsp": "\uff1d1+1",  # full-width equals sign
}


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1", "\n=1", " =1", "\u3000=1", "\u00a0+1",
                                  "\uff1d1", "\uff0b1", "\uff0d1", "\uff20A1", "=", "-"])
def test_cells_that_could_start_a_formula_get_a_quote(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["DPMPTSP Kota Surabaya", "1+1", "a=b", "35.07", "", "'=1", "Kota (=)"])
def test_other_cells_are_left_as_they_are(text: str) -> None:
    assert neutralise(text) == text


def download_rows(site: TmpSite, year: int) -> list[dict[str, str]]:
    text = (site.root / f"output/{year}/rapor-{year}.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def test_download_neutralises_names_and_keeps_negative_numbers(tmp_site: TmpSite) -> None:
    tmp_site.units([(u[0], HOSTILE_NAMES.get(u[0], u[1]), *u[2:]) for u in UNITS])
    result = tmp_site.build()
    assert result.exit_code == 0, result.output
    rows = {row["unit_id"]: row for row in download_rows(tmp_site, 2023)}
    for unit_id, name in HOSTILE_NAMES.items():
        assert rows[unit_id]["name"] == "'" + name, unit_id
    assert rows["kl-imigrasi"]["name"] == "Direktorat Jenderal Imigrasi"
    # 35-dpmptsp fell from 3.90 to 3.70 and from 2nd to 7th: numbers, not text.
    assert rows["35-dpmptsp"]["delta"] == "-0.20"
    assert rows["35-dpmptsp"]["move_national"] == "-5"
    assert rows["35-dpmptsp"]["compared_year"] == "2022"
    # The page still shows the name as it is (escaped HTML, no quote added).
    page = (tmp_site.root / "output/unit/35.07-dpmptsp/index.html").read_text(encoding="utf-8")
    assert re.search(r"<h1[^>]*>@SUM\(A1:A2\)</h1>", page)


def test_download_columns_and_numbers_as_published(tmp_site: TmpSite) -> None:
    path = tmp_site.results(2023, [("11-dpmptsp", 3.80), ("35-dpmptsp", 3.70), ("35-samsat", None),
                                   ("36.74-mpp", 4.0)])
    path.write_text(path.read_text(encoding="utf-8").replace("3.80", "3.805"), encoding="utf-8")
    result = tmp_site.build()
    assert result.exit_code == 0, result.output
    text = (tmp_site.root / "output/2023/rapor-2023.csv").read_text(encoding="utf-8")
    header = text.splitlines()[0].split(",")
    # The columns the file always had keep their positions; the added ones follow (names.DOWNLOAD_ADDED).
    assert header[:23] == ["year", "rank_national", "unit_id", "name", "level", "type", "province", "index", "grade",
                           "kebijakan", "sdm", "sarpras", "sipp", "konsultasi", "inovasi", "rank_level", "rank_type",
                           "rank_province", "delta", "compared_year", "move_national", "is_new", "returning"]
    assert tuple(header[23:]) == DOWNLOAD_ADDED
    rows = {row["unit_id"]: row for row in download_rows(tmp_site, 2023)}
    aceh = rows["11-dpmptsp"]  # 3.10 in 2022; written as 3.81 (3.805 rounded half up) in 2023
    assert (aceh["index"], aceh["kebijakan"], aceh["delta"], aceh["grade"]) == ("3.81", "3.81", "0.71", "B")
    assert (aceh["rank_national"], aceh["rank_type"], aceh["is_new"], aceh["returning"]) == ("2", "1", "False",
                                                                                             "False")
    samsat = rows["35-samsat"]  # listed, not evaluated: empty cells, not 'nan' or '<NA>'
    assert (samsat["rank_national"], samsat["index"], samsat["delta"], samsat["grade"]) == ("", "", "", "")
    assert rows["36.74-mpp"]["is_new"] == "True" and rows["36.74-mpp"]["compared_year"] == ""
    cells = {cell for row in csv.reader(io.StringIO(text)) for cell in row}
    assert not cells & {"nan", "NaN", "<NA>", "None"}
