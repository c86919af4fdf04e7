"""Hostile text in the downloads: formula prefixes neutralised in every text column of every CSV (OWASP CSV
injection), and JSON that holds the text exactly as it is."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from download_site import Built, build, three_year_site

from generator import download
from generator.bundled import DEFAULT_THEME
from generator.data_page import locale_for
from generator.download import FORMULA_STARTS, build_downloads, neutralise
from generator.download_columns import download_columns
from generator.errors import ProblemList
from generator.i18n import load_locale
from generator.settings import DEFAULT_ASPECTS, DEFAULT_GRADES, DEFAULT_LEVELS, DEFAULT_UNIT_TYPES

from scratch_site import UNITS

HOSTILE = ["=cmd|' /C calc'!A0", "+1", "-1", "@x", "\t=1", "\r=1", "\n=1", " =1", "\uff1d1", "=HYPERLINK(\"x\")"]


def _toml(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid TOML basic string


def hostile_config() -> str:
    """Levels, types and grades whose labels and predikat could start formulas."""
    parts = []
    for n, level in enumerate(DEFAULT_LEVELS):
        parts.append(f"[[levels]]\nkey = {_toml(level['key'])}\nlabel_id = {_toml('=lvl' + str(n))}\n"
                     f"label_en = {_toml('+lvl' + str(n))}\nneeds_province = {str(level['needs_province']).lower()}\n")
    for n, kind in enumerate(DEFAULT_UNIT_TYPES):
        parts.append(f"[[unit_types]]\nkey = {_toml(kind['key'])}\nlabel_id = {_toml('@type' + str(n))}\n"
                     f"label_en = {_toml('-type' + str(n))}\n")
    for grade in DEFAULT_GRADES:
        parts.append(f"[[scheme.grades]]\nletter = {_toml(grade['letter'])}\nmin = {grade['min']}\n"
                     f"max = {grade['max']}\npredikat_id = {_toml('=' + grade['predikat_id'])}\n"
                     f"predikat_en = {_toml('+' + grade['predikat_en'])}\ncolor = {_toml(grade['color'])}\n")
    for aspect in DEFAULT_ASPECTS:
        parts.append(f"[[scheme.aspects]]\nkey = {_toml(aspect['key'])}\nlabel_id = {_toml('=' + aspect['label_id'])}\n"
                     f"label_en = {_toml('@' + aspect['label_en'])}\nweight = {aspect['weight']}\n")
    return "\n".join(parts)


HOSTILE_NAMES = {"11-dpmptsp": "=cmd|' /C calc'!A0", "35-dpmptsp": "+1", "35-samsat": "-1", "35.07-dpmptsp": "@x",
                 "35.78-dpmptsp": "=HYPERLINK(A1;B1)", "36.74-dpmptsp": "\uff0b1"}


# Markup, a backslash, an apostrophe and letters beyond ASCII: JSON must carry them as they are.
ESCAPED_NAME = "Mal </script><b>&amp; \\ Pelayanan Publik 'Tangsel' Pénajam ✓"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Built:
    site = three_year_site(tmp_path_factory.mktemp("hostile") / "site", hostile_config())
    names = HOSTILE_NAMES | {"36.74-mpp": ESCAPED_NAME}
    site.units([(u[0], names.get(u[0], u[1]), *u[2:]) for u in UNITS])
    site.write("data/reference/provinsi.csv", "kode,nama\n11,=Aceh\n35,+Jawa Timur\n36,@Banten\n")
    site.write("data/reference/kabupaten_kota.csv", "kode,kode_provinsi,nama,jenis\n35.07,35,-Kabupaten Malang,"
               "Kabupaten\n35.78,35,=Kota Surabaya,Kota\n36.74,36,@Kota Tangerang Selatan,Kota\n")
    return build(site)


def csv_files(output: Path) -> list[Path]:
    return sorted(p for p in output.rglob("*.csv"))


def read_cells(path: Path) -> list[list[str]]:
    return read_cells_bytes(path.read_bytes())


def is_safe(cell: str) -> bool:
    return not cell or cell.startswith("'") or (cell[0] not in FORMULA_STARTS
                                                and cell.lstrip()[:1] not in FORMULA_STARTS)


def test_every_text_cell_of_every_csv_is_neutralised(hostile: Built) -> None:
    files = csv_files(hostile.output)
    assert len(files) == 3 * 2 + 2 + len(UNITS)  # years x 2 CSVs, whole x 2, each unit's CSV
    numeric = ("-", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9")
    seen_quoted = 0
    for path in files:
        for line, row in enumerate(read_cells(path)):
            for cell in row:
                # A number (a negative change included) is a number; everything else is safe text.
                if cell.startswith("-") and cell[1:].replace(".", "").replace(",", "").isdigit():
                    continue
                assert is_safe(cell) or cell.startswith(numeric), (path, line, cell)
                seen_quoted += cell.startswith("'")
    assert seen_quoted > 100


def test_hostile_names_and_labels_are_written_with_a_quote(hostile: Built) -> None:
    rows = {r["unit_id"]: r for r in hostile.csv_rows("2023/rapor-2023.csv")}
    for unit_id, name in HOSTILE_NAMES.items():
        assert rows[unit_id]["name"] == "'" + name
    malang = rows["35.07-dpmptsp"]
    assert (malang["province_name"], malang["regency_name"]) == ("'+Jawa Timur", "'-Kabupaten Malang")
    assert (malang["level_label_id"], malang["level_label_en"]) == ("'=lvl2", "'+lvl2")
    assert (malang["type_label_id"], malang["type_label_en"]) == ("'@type1", "'-type1")
    assert malang["predikat_label_id"] == "'=Sangat Baik" and malang["predikat_label_en"] == "'+Very good"
    assert rows["35-dpmptsp"]["delta"] == "-0.20"  # numbers stay numbers
    excel = hostile.excel_rows("2023/rapor-2023-excel.csv")
    assert "'=Kebijakan Pelayanan" in excel[0]  # an aspect's label heads its column there
    by_id = {r[2]: r for r in excel[1:]}
    assert "'+1" in by_id["35-dpmptsp"] and "-0,20" in by_id["35-dpmptsp"]


def test_the_package_still_validates_with_hostile_text(hostile: Built) -> None:
    frictionless = Path(sys.executable).with_name("frictionless")
    run = subprocess.run([str(frictionless), "validate", "--json", "datapackage.json"], cwd=hostile.output,
                         capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0 and json.loads(run.stdout)["valid"], run.stdout[:3000]


def test_json_holds_the_text_exactly(hostile: Built) -> None:
    for path in ("2023/rapor-2023.json", "data/rapor.json", "unit/35.78-dpmptsp/rapor-35.78-dpmptsp.json"):
        rows = hostile.json_rows(path)
        for row in rows:
            if row["unit_id"] in HOSTILE_NAMES:
                assert row["name"] == HOSTILE_NAMES[row["unit_id"]], path
    mall = hostile.json_rows("unit/36.74-mpp/rapor-36.74-mpp.json")[0]
    assert mall["name"] == ESCAPED_NAME
    assert "\\\\" in hostile.text("unit/36.74-mpp/rapor-36.74-mpp.json")  # the backslash escaped once
    surabaya = hostile.json_rows("unit/35.78-dpmptsp/rapor-35.78-dpmptsp.json")[0]
    assert surabaya["regency_name"] == "=Kota Surabaya" and surabaya["province_name"] == "+Jawa Timur"


@pytest.mark.parametrize("value", HOSTILE)
def test_every_text_column_of_every_format_is_neutralised(hostile: Built, value: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Any text column holding any hostile value (tab and carriage-return prefixes cannot come from the
    checked inputs, so every text column is given each value directly)."""
    config = hostile.inputs.config
    columns = tuple(dataclasses.replace(c, value=lambda _row, _unit: value) if c.kind == "string" else c
                    for c in download_columns(config))
    monkeypatch.setattr(download, "download_columns", lambda _config: columns)
    downloads = build_downloads(config, hostile.data, locale_for("id", hostile.inputs.theme))
    text_names = {c.name for c in columns if c.kind == "string"}
    excel_names = [c.name for c in downloads.excel_columns]
    for file in (*downloads.files, *downloads.unit_files[:4]):
        if file.kind == "json":
            rows: list[dict[str, Any]] = json.loads(file.content)
            assert all(row[name] == value for row in rows for name in text_names), file.path
            continue
        cells = read_cells_bytes(file.content)
        names = cells[0] if file.kind == "csv" else excel_names
        for row in cells[1:]:
            for name, cell in zip(names, row, strict=True):
                if name in text_names:
                    assert cell == neutralise(value) == "'" + value, (file.path, name)


def read_cells_bytes(raw: bytes) -> list[list[str]]:
    excel = raw.startswith(b"\xef\xbb\xbf")
    text = raw[3:].decode("utf-8") if excel else raw.decode("utf-8")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";" if excel else ","))


@pytest.mark.parametrize("excel", [False, True])
def test_a_row_is_written_as_the_csv_module_writes_it_whatever_its_cells(excel: bool) -> None:
    """_Writer joins plain cells itself (the common case, measured faster): every cell the csv module would quote
    (delimiter, quote, CR, LF, in any position) still goes through it, so each line equals csv.writer's."""
    indonesian = load_locale("id", [DEFAULT_THEME], ProblemList())
    writer = download._Writer((), ["a", "b", "c"], 2, indonesian if excel else None)
    tricky = ["", "plain", "a,b", "a;b", 'say "hi"', "line\nbreak", "cr\rhere", "crlf\r\n", " spaced ", ",", ";",
              '"', "\u00e9t\u00e9", "tab\there"]
    for first in tricky:
        for second in tricky:
            cells = [first, second, "x"]
            expected = io.StringIO()
            csv.writer(expected, delimiter=";" if excel else ",", lineterminator="\r\n").writerow(cells)
            want = expected.getvalue()[:-2] + ("\r\n" if excel else "\n")
            assert writer.line(cells) == want, cells
