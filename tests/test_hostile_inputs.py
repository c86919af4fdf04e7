"""Hostile and unusual input files: unread columns, header-only files, encodings, control characters, names
Windows cannot store, files the system cannot read, and output bounded however many problems a file has.

Result files in the `tmp_site` fixture have the columns
unit_id(1) unit_name(2) kebijakan(3) sdm(4) sarpras(5) sipp(6) konsultasi(7) inovasi(8) index(9) grade(10).
"""

from __future__ import annotations

import codecs
import errno
import os
import random
import sys
import unicodedata
from pathlib import Path

import pytest
from click.testing import Result

from generator.errors import CONTROL_CHARACTERS, Problem, RaporError, format_problems, shown

from scratch_site import ASPECTS, PROVINCES, RESULT_HEADER, UNITS, TmpSite, csv_row

SAVE_UTF8 = "save the file again as 'CSV UTF-8'"


def problem(result: Result, where_what: str, hint: str) -> None:
    assert result.exit_code == 2, result.output
    assert f"{where_what}\n  hint: {hint}\n" in result.output, result.output


def problem_lines(result: Result) -> list[str]:
    return [line for line in result.output.splitlines() if not line.startswith(" ")][:-1]


def row(unit_id: str, index: str, grade: str = "", name: str = "") -> str:
    return csv_row([unit_id, name, *[index] * len(ASPECTS), index, grade])


def results_file(site: TmpSite, year: int, *rows: str, header: str = RESULT_HEADER) -> Path:
    return site.write(f"data/results/{year}.csv", "\n".join([header, *rows]) + "\n")


# --- item 8: columns that no field reads ------------------------------------------------------------------------


@pytest.mark.parametrize(("header", "column", "field"), [
    ("grde", 10, "grade"), ("Predikat", 10, "grade"), ("Kategori", 10, "grade"), ("unit_nama", 2, "unit_name"),
])
def test_misspelled_optional_header_warns(tmp_site: TmpSite, header: str, column: int, field: str) -> None:
    """A misspelled grade header would silently switch the grade check off."""
    written = RESULT_HEADER.replace(",grade", f",{header}") if field == "grade" else \
        RESULT_HEADER.replace(",unit_name,", f",{header},")
    results_file(tmp_site, 2023, row("11-dpmptsp", "3.80", "B"), header=written)
    result = tmp_site.validate()
    assert result.exit_code == 0, result.output
    assert (f"data/results/2023.csv:1:{column}: warning: column '{header}' matches no field and is not read\n"
            f"  hint: did you mean '{field}'? map it under [columns] in rapor.toml: {field} = \"{header}\"\n"
            ) in result.output
    problem(tmp_site.validate("--strict"),
            f"data/results/2023.csv:1:{column}: column '{header}' matches no field and is not read",
            f"did you mean '{field}'? map it under [columns] in rapor.toml: {field} = \"{header}\"")


def test_extra_column_warns_unless_ignored(tmp_site: TmpSite) -> None:
    results_file(tmp_site, 2023, "1," + row("11-dpmptsp", "3.80", "B") + ",Aceh", header="No," + RESULT_HEADER +
                 ",Provinsi")
    result = tmp_site.validate("--strict")
    hint = "list it in data.ignore_columns in rapor.toml if Rapor need not read it"
    problem(result, "data/results/2023.csv:1:1: column 'No' matches no field and is not read", hint)
    problem(result, "data/results/2023.csv:1:12: column 'Provinsi' matches no field and is not read", hint)
    tmp_site.config('[data]\nignore_columns = ["no", "PROVINSI "]\n')
    result = tmp_site.validate("--strict")
    assert result.exit_code == 0, result.output
    assert result.output.endswith("; 0 warnings\n"), result.output


def test_unread_column_hint_names_the_fields_not_found(tmp_site: TmpSite) -> None:
    header = RESULT_HEADER.replace(",grade", ",zzz")
    results_file(tmp_site, 2023, row("11-dpmptsp", "3.80", "B"), header=header)
    result = tmp_site.validate()
    assert ("data/results/2023.csv:1:10: warning: column 'zzz' matches no field and is not read\n"
            "  hint: map it to a field under [columns] (not found in this file: grade), or list it in "
            "data.ignore_columns in rapor.toml if Rapor need not read it\n") in result.output


def test_misspelled_registry_column_warns(tmp_site: TmpSite) -> None:
    text = (tmp_site.root / "data/units.csv").read_text().replace(",former_ids,", ",former_id,", 1)
    tmp_site.write("data/units.csv", text)
    result = tmp_site.validate()
    assert ("data/units.csv:1:7: warning: column 'former_id' matches no field and is not read\n"
            "  hint: did you mean 'former_ids'? rename the column to former_ids\n") in result.output
    problem(tmp_site.validate("--strict"), "data/units.csv:1:7: column 'former_id' matches no field and is not read",
            "did you mean 'former_ids'? rename the column to former_ids")


def test_the_bundled_projects_have_no_unread_columns() -> None:
    repo = Path(__file__).resolve().parents[1]
    for project in (repo / "examples" / "ombudsman",):
        result = TmpSite(project).validate("--strict")
        assert result.exit_code == 0, result.output


# --- item 9: files with a header and nothing else ----------------------------------------------------------------


@pytest.mark.parametrize("tail", ["", "\n", "\n\n  \n", "\r\n\r\n"])
@pytest.mark.parametrize(("path", "header", "rows"), [
    ("data/results/2023.csv", RESULT_HEADER, "one row per unit"),
    ("data/units.csv", "id,name,level,type,province,regency,former_ids,former_names", "one row per unit"),
    ("data/reference/provinsi.csv", "kode,nama", "one row per province"),
    ("data/reference/kabupaten_kota.csv", "kode,kode_provinsi,nama,jenis", "one row per regency or city"),
    ("data/units.csv", '"id","name","level","type"', "one row per unit"),
])
def test_header_only_file(tmp_site: TmpSite, path: str, header: str, rows: str, tail: str) -> None:
    tmp_site.write(path, header + tail)
    result = tmp_site.validate()
    problem(result, f"{path}:1:1: the file has a header but no data rows", f"add {rows} below the header")
    assert "Traceback" not in result.output


def test_header_only_long_layout_file(tmp_site: TmpSite) -> None:
    tmp_site.config('[data]\nlayout = "long"\nresults = "data/all.csv"\n')
    tmp_site.write("data/all.csv", "year," + RESULT_HEADER + "\n")
    problem(tmp_site.validate(), "data/all.csv:1:1: the file has a header but no data rows",
            "add one row per unit below the header")


@pytest.mark.parametrize("text", ["", "\n\n\n", " \r\n \t\n", "\ufeff"])
def test_empty_registry_and_reference_list(tmp_site: TmpSite, text: str) -> None:
    tmp_site.write("data/units.csv", text)
    tmp_site.write("data/reference/provinsi.csv", text)
    result = tmp_site.validate()
    problem(result, "data/units.csv:1:1: the file is empty", "export the sheet again with its header row and data")
    problem(result, "data/reference/provinsi.csv:1:1: the file is empty",
            "export the sheet again with its header row and data")


# --- encodings -----------------------------------------------------------------------------------------------------


def fixture_results(site: TmpSite) -> str:
    return (site.root / "data/results/2023.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_promised_encodings_are_read(tmp_site: TmpSite, encoding: str) -> None:
    text = fixture_results(tmp_site).replace("35-dpmptsp,", "35-dpmptsp,Dinas Penanaman Modal Jawa Timur é")
    (tmp_site.root / "data/results/2023.csv").write_bytes(text.encode(encoding))
    result = tmp_site.validate("--strict")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(("data", "line", "message"), [
    (lambda t: t.encode("utf-16-le"), 1, "the file is UTF-16 text without a byte-order mark"),
    (lambda t: t.encode("utf-16-be"), 1, "the file is UTF-16 text without a byte-order mark"),
    (lambda t: t.encode("utf-32"), 1, "the file is UTF-32 text, which Rapor does not read"),
    (lambda t: codecs.BOM_UTF16_LE + b"\x00\xd8" + t.encode("utf-16-le"), 1,
     "the file starts like UTF-16 text but is not"),
    (lambda t: t.encode() + "Malang é\n".encode() + "Surabaya é\n".encode("cp1252"), 11,
     "this line is not UTF-8 but other lines are: the file mixes encodings"),
    (lambda t: t.replace("unit_name", "unit\x00name").encode(), 1,
     "this line holds NUL bytes: the file is not a text (CSV) file"),
    (lambda t: t.replace("35-dpmptsp,", "35-dpmptsp,Jawa Timur é\x07 东").encode("utf-16-be"), 1,
     "the file is UTF-16 text without a byte-order mark"),
    (lambda t: t.encode() + b"\x81\x8d\x8f\x90\x9d\n", 10, "the file is neither UTF-8 nor Windows-1252 text"),
])
def test_other_encodings_are_encoding_errors(tmp_site: TmpSite, data: object, line: int, message: str) -> None:
    text = fixture_results(tmp_site)
    assert callable(data)
    (tmp_site.root / "data/results/2023.csv").write_bytes(data(text))
    result = tmp_site.validate()
    assert result.exit_code == 2, result.output
    assert f"data/results/2023.csv:{line}:1: {message}\n" in result.output, result.output
    assert "missing column" not in result.output


# The first bytes of a program (as `head -c 3000 /bin/ls` gives), random bytes, a database file.
BINARY = [b"\x7fELF\x02\x01\x01" + bytes(9) + b"\x03\x00>\x00\x01\x00\x00\x00" + bytes(range(256)) * 2 + bytes(900),
          random.Random(7).randbytes(3000), b"SQLite format 3\x00" + bytes(range(256)) * 4]


@pytest.mark.parametrize("path", ["data/results/2023.csv", "data/units.csv", "data/reference/provinsi.csv"])
@pytest.mark.parametrize("data", BINARY)
def test_binary_files_are_called_binary(tmp_site: TmpSite, path: str, data: bytes) -> None:
    """Not UTF-16 for its NUL bytes, nor a mix of encodings for its bytes above 127."""
    tmp_site.write(path, data)
    result = tmp_site.validate()
    problem(result, f"{path}:1:1: this is not a text file (it holds binary data)",
            "export the sheet as 'CSV UTF-8', and check that this path names the file you meant")
    assert len(problem_lines(result)) == 1, result.output


def test_control_characters_in_some_cells_do_not_make_a_file_binary(tmp_site: TmpSite) -> None:
    rows = [row(unit, "3.80", "B", name=f"Unit\x01{unit}\x1f") for unit, *_ in UNITS[:6]]
    results_file(tmp_site, 2023, *rows)
    result = tmp_site.validate()
    assert result.exit_code == 2, result.output
    assert "data/results/2023.csv:2:2: the unit name 'Unit\\x01" in result.output, result.output
    assert "binary" not in result.output


@pytest.mark.parametrize(("data", "kind"), [
    (b"PK\x03\x04\x14\x00", "a spreadsheet workbook"), (b"\xd0\xcf\x11\xe0\xa1\xb1", "a spreadsheet workbook"),
    (b"%PDF-1.7\n%\xe2\xe3\n", "a PDF document"), (b"\x89PNG\r\n\x1a\n", "an image"),
    (b"\x1f\x8b\x08\x00", "a compressed archive"),
    (b"<!DOCTYPE html><html><table><tr><td>unit_id</td></tr></table>", "a web page or XML export (markup)"),
    (b'\xef\xbb\xbf<?xml version="1.0"?><Workbook>', "a web page or XML export (markup)"),
])
def test_files_that_are_not_csv(tmp_site: TmpSite, data: bytes, kind: str) -> None:
    (tmp_site.root / "data/results/2023.csv").write_bytes(data + bytes(range(256)))
    problem(tmp_site.validate(), f"data/results/2023.csv:1:1: this is {kind}, not a CSV file",
            "open it and save (or export) the sheet as 'CSV UTF-8'")


# --- item 14: control characters -----------------------------------------------------------------------------------


def is_noncharacter(code: int) -> bool:
    return 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE


def test_the_control_character_class_is_unicodes() -> None:
    """Every Cc, Cf, Zl and Zp character, noncharacter and surrogate is matched, and nothing assigned outside
    those categories."""
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        category = unicodedata.category(char)
        matched = CONTROL_CHARACTERS.fullmatch(char) is not None
        if category in ("Cc", "Cf", "Zl", "Zp", "Cs") or is_noncharacter(code):
            assert matched, hex(code)
        elif matched:
            assert category == "Cn", hex(code)  # assigned as format characters by a later Unicode version
    assert sum(map(is_noncharacter, range(sys.maxunicode + 1))) == 66  # Unicode's count


def test_a_noncharacter_in_a_name_is_refused_before_it_reaches_the_feed(tmp_site: TmpSite) -> None:
    """U+FFFF in a unit's name would make the errata feed (and the badges, which are SVG) XML no reader parses."""
    units = [UNITS[0], ("11-dpmptsp", "DPMPTSP \uffffAceh", *UNITS[1][2:]), *UNITS[2:]]
    tmp_site.units(units)
    problem(tmp_site.validate(), "data/units.csv:3:2: the name of unit '11-dpmptsp' holds a control or invisible "
            "character: 'DPMPTSP \\uffffAceh'", "remove control and invisible formatting characters (shown as \\x.. "
            "or \\u....)")


@pytest.mark.parametrize(("raw", "escaped"), [
    ("DPMPTSP \x1b[31mAceh", "DPMPTSP \\x1b[31mAceh"), ("Kota\u202eiksasmeb", "Kota\\u202eiksasmeb"),
    ("Bel\x07", "Bel\\x07"), ("C1\x9b", "C1\\x9b"), ("Del\x7f", "Del\\x7f"), ("zero\u200bwidth", "zero\\u200bwidth"),
    ("iso\u2066late", "iso\\u2066late"), ("nul\x00", "nul\\x00"), ("line\u2028sep", "line\\u2028sep"),
])
def test_control_characters_in_a_registry_name(tmp_site: TmpSite, raw: str, escaped: str) -> None:
    units = [UNITS[0], ("11-dpmptsp", raw, *UNITS[1][2:]), *UNITS[2:]]
    tmp_site.units(units)
    result = tmp_site.validate()
    problem(result, f"data/units.csv:3:2: the name of unit '11-dpmptsp' holds a control or invisible character: "
            f"'{escaped}'", "remove control and invisible formatting characters (shown as \\x.. or \\u....)")
    assert not CONTROL_CHARACTERS.search(result.output.replace("\n", ""))


def test_control_characters_in_a_former_name(tmp_site: TmpSite) -> None:
    tmp_site.units([(*UNITS[0][:7], "Ditjen \u202eImigrasi"), *UNITS[1:]])
    problem(tmp_site.validate(), "data/units.csv:2:8: a former name of unit 'kl-imigrasi' holds a control or "
            "invisible character: 'Ditjen \\u202eImigrasi'",
            "remove control and invisible formatting characters (shown as \\x.. or \\u....)")


def test_control_characters_in_a_result_name(tmp_site: TmpSite) -> None:
    results_file(tmp_site, 2023, row("11-dpmptsp", "3.80", "B", name="Aceh\x1b]0;owned\x07"),
                 row("", "3.70", "B", name="DPMPTSP Provinsi Jawa\u202e Timur"))
    result = tmp_site.validate()
    hint = "remove control and invisible formatting characters (shown as \\x.. or \\u....)"
    problem(result, "data/results/2023.csv:2:2: the unit name 'Aceh\\x1b]0;owned\\x07' holds a control or "
            "invisible character", hint)
    problem(result, "data/results/2023.csv:3:2: the unit name 'DPMPTSP Provinsi Jawa\\u202e Timur' holds a control "
            "or invisible character", hint)
    assert problem_lines(result) == [
        "data/results/2023.csv:2:2: the unit name 'Aceh\\x1b]0;owned\\x07' holds a control or invisible character",
        "data/results/2023.csv:3:2: the unit name 'DPMPTSP Provinsi Jawa\\u202e Timur' holds a control or invisible "
        "character"]


def test_control_characters_in_a_province_name(tmp_site: TmpSite) -> None:
    tmp_site.write("data/reference/provinsi.csv", PROVINCES.replace("Aceh", "Ac\u200beh"))
    problem(tmp_site.validate(), "data/reference/provinsi.csv:2:2: province name 'Ac\\u200beh' holds a control or "
            "invisible character", "remove control and invisible formatting characters (shown as \\x.. or \\u....)")


def test_no_message_passes_a_control_character_to_the_terminal(tmp_site: TmpSite) -> None:
    """Whatever a message quotes (an unknown unit, level or grade), control characters are printed escaped."""
    results_file(tmp_site, 2023, row("nope\x1b[2J", "3.80", "B\x1b[0m"), row("11-dpmptsp", "3.80", "\u202eB"))
    tmp_site.units([("35-x", "X", "provinsi\x07", "dpmptsp", "35", "", "", ""), *UNITS])
    result = tmp_site.validate()
    assert result.exit_code == 2
    assert not CONTROL_CHARACTERS.search(result.output.replace("\n", "")), result.output
    assert "unknown level 'provinsi\\x07'" in result.output
    assert "unknown grade '\\u202eB'" in result.output


def test_shown_escapes_like_repr_and_keeps_printable_text() -> None:
    assert shown("Kabupaten Malang é ü 東") == "Kabupaten Malang é ü 東"
    assert shown("a\tb\nc\r\x1b\x9b\u202e\U000e0041") == "a\\tb\\nc\\r\\x1b\\x9b\\u202e\\U000e0041"
    problem_ = Problem("data/\x1bx.csv", 1, 1, "bad \x07", "fix \u202e")
    assert problem_.format() == "data/\\x1bx.csv:1:1: bad \\x07\n  hint: fix \\u202e"


# --- item 17: names Windows cannot store -----------------------------------------------------------------------------


WINDOWS_HINT = ("Windows cannot store a file or folder named like a device (CON, PRN, AUX, NUL, COM1, LPT1, also with "
                "an extension) or ending in '.' or a space; choose another name")


@pytest.mark.parametrize("unit_id", ["CON", "con", "Prn", "aux", "NUL", "nul.txt", "COM1", "com9.dpmptsp",
                                     "LPT1", "lpt9", "kota.", "CON.tar.gz"])
def test_unit_ids_windows_cannot_store(tmp_site: TmpSite, unit_id: str) -> None:
    tmp_site.units([*UNITS, (unit_id, "Unit X", "provinsi", "dpmptsp", "35", "", "", "")])
    problem(tmp_site.validate(), f"data/units.csv:10:1: unit id '{unit_id}' cannot name a folder on Windows",
            WINDOWS_HINT)


def test_ids_that_only_look_like_devices_are_fine(tmp_site: TmpSite) -> None:
    tmp_site.units([*UNITS, *[(i, f"Unit {i}", "provinsi", "dpmptsp", "35", "", "", "")
                              for i in ("console", "com10", "lpt", "auxiliary", "nul-1", "35.con")]])
    result = tmp_site.validate()
    assert result.exit_code == 0, result.output


def test_former_ids_and_result_ids_windows_cannot_store(tmp_site: TmpSite) -> None:
    tmp_site.units([(*UNITS[0][:6], "kl-imigrasi-lama|AUX", UNITS[0][7]), *UNITS[1:]])
    results_file(tmp_site, 2023, row("lpt1.csv", "3.80", "B"))
    result = tmp_site.validate()
    problem(result, "data/units.csv:2:7: former id 'AUX' cannot name a folder on Windows", WINDOWS_HINT)
    problem(result, "data/results/2023.csv:2:1: unit id 'lpt1.csv' cannot name a folder on Windows", WINDOWS_HINT)


def test_province_code_windows_cannot_store(tmp_site: TmpSite) -> None:
    tmp_site.write("data/reference/provinsi.csv", PROVINCES + "NUL,Provinsi X\n")
    problem(tmp_site.validate(), "data/reference/provinsi.csv:5:1: province code 'NUL' cannot name a folder on "
            "Windows", WINDOWS_HINT)


# --- item 17: bounded output -------------------------------------------------------------------------------------


def test_output_is_capped_per_file_with_the_true_count(tmp_site: TmpSite) -> None:
    bad = [row("11-dpmptsp", "tiga", "B") for _ in range(500)]
    results_file(tmp_site, 2023, *bad)
    results_file(tmp_site, 2022, row("11-dpmptsp", "x", "B"))
    result = tmp_site.validate()
    assert result.exit_code == 2
    lines = problem_lines(result)
    in_2023 = [line for line in lines if line.startswith("data/results/2023.csv:")]
    assert len(in_2023) == 20
    # 500 rows x 7 number cells, plus 499 repeats of the same unit.
    total = 500 * 7 + 499
    assert lines[-1] == f"… and {total - 20:,} more problems in data/results/2023.csv"
    assert len([line for line in lines if line.startswith("data/results/2022.csv:")]) == 7
    assert result.output.endswith(f"\n{total + 7:,} errors found; nothing was written.\n".replace(",", ""))


def test_warnings_are_capped_too(tmp_site: TmpSite) -> None:
    rows = [csv_row(["11-dpmptsp", "", "1", "1", "1", "1", "1", "1", "3.20", "B-"])] + \
        [csv_row([unit, "", "1", "1", "1", "1", "1", "1", "3.20", "B-"]) for unit, *_ in UNITS[2:7]]
    results_file(tmp_site, 2023, *rows * 1, header=RESULT_HEADER)
    extra = ",".join(f"x{i}" for i in range(30))
    text = (tmp_site.root / "data/results/2023.csv").read_text().splitlines()
    tmp_site.write("data/results/2023.csv", "\n".join([text[0] + "," + extra] +
                                                       [line + "," * 30 for line in text[1:]]) + "\n")
    result = tmp_site.validate()
    assert result.exit_code == 0, result.output
    assert "… and 16 more problems in data/results/2023.csv\n" in result.output  # 6 weighted + 30 columns - 20


def test_format_problems_sorts_and_counts_per_file() -> None:
    problems = [Problem("b.csv", n, 1, f"p{n}") for n in range(30, 0, -1)] + [Problem("a.csv", 1, 1, "one")]
    text = format_problems(problems, per_file=2).splitlines()
    assert text == ["a.csv:1:1: one", "b.csv:1:1: p1", "b.csv:2:1: p2", "… and 28 more problems in b.csv"]
    assert RaporError(problems).error_count == 31


# --- item 25: files the system cannot read ---------------------------------------------------------------------------


def test_dangling_links(tmp_site: TmpSite) -> None:
    for relpath in ("data/units.csv", "data/reference/provinsi.csv", "data/results/2023.csv"):
        (tmp_site.root / relpath).unlink()
        (tmp_site.root / relpath).symlink_to(tmp_site.root / "gone.csv")
    result = tmp_site.validate()
    hint = "point the link at the file, or put the file in its place"
    gone = tmp_site.root / "gone.csv"
    problem(result, f"data/units.csv:1:1: 'units.csv' is a link to {gone}, which does not exist", hint)
    problem(result, f"data/reference/provinsi.csv:1:1: 'provinsi.csv' is a link to {gone}, which does not exist", hint)
    problem(result, f"data/results/2023.csv:1:1: '2023.csv' is a link to {gone}, which does not exist", hint)


def test_links_to_devices_and_pipes(tmp_site: TmpSite) -> None:
    """Reading /dev/zero never ends and a pipe waits for a writer: neither is read."""
    (tmp_site.root / "data/units.csv").unlink()
    (tmp_site.root / "data/units.csv").symlink_to("/dev/zero")
    (tmp_site.root / "data/results/2023.csv").unlink()
    os.mkfifo(tmp_site.root / "data/results/2023.csv")
    (tmp_site.root / "rapor.toml").rename(tmp_site.root / "real.toml")
    hint = "put the file itself in its place, or correct its path in rapor.toml"
    os.mkfifo(tmp_site.root / "rapor.toml")
    problem(tmp_site.validate(), "rapor.toml:1:1: rapor.toml is a device, pipe or socket, not a file", hint)
    (tmp_site.root / "rapor.toml").unlink()
    (tmp_site.root / "real.toml").rename(tmp_site.root / "rapor.toml")
    result = tmp_site.validate()
    problem(result, "data/units.csv:1:1: 'units.csv' is a device, pipe or socket, not a file", hint)
    problem(result, "data/results/2023.csv:1:1: '2023.csv' is a device, pipe or socket, not a file", hint)


def test_dangling_results_folder_link(tmp_site: TmpSite) -> None:
    tmp_site.config('[data]\nresults = "data/hasil"\n')
    (tmp_site.root / "data/hasil").symlink_to(tmp_site.root / "nowhere")
    problem(tmp_site.validate(), f"data/hasil:1:1: the results folder is a link to {tmp_site.root / 'nowhere'}, "
            "which does not exist", "point the link at the folder, or put the folder in its place")


def test_paths_through_a_file(tmp_site: TmpSite) -> None:
    tmp_site.config('[data]\nregistry = "rapor.toml/units.csv"\nresults = "rapor.toml/hasil"\n')
    result = tmp_site.validate()
    problem(result, "rapor.toml/units.csv:1:1: 'units.csv' cannot be reached: a part of its path is a file, not a "
            "folder", "correct the path in rapor.toml, or put the folder in place of that file")
    problem(result, "rapor.toml/hasil:1:1: the results folder cannot be reached: a part of its path is a file, not a "
            "folder", "correct data.results in rapor.toml")


def test_long_layout_file_through_a_file(tmp_site: TmpSite) -> None:
    tmp_site.config('[data]\nlayout = "long"\nresults = "rapor.toml/all.csv"\n')
    problem(tmp_site.validate(), "rapor.toml/all.csv:1:1: 'all.csv' cannot be reached: a part of its path is a file, "
            "not a folder", "correct the path in rapor.toml, or put the folder in place of that file")


def test_files_without_read_permission(tmp_site: TmpSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run as root, who may read anything: the refusal is simulated where the file is read."""
    original_read, original_iterdir = Path.read_bytes, Path.iterdir

    def read_bytes(path: Path) -> bytes:
        if path.name in ("units.csv", "2022.csv"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return original_read(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    hint = "give read permission to the file and its folders (e.g. chmod a+r FILE), or run rapor as their owner"
    result = tmp_site.validate()
    problem(result, "data/units.csv:1:1: no permission to read 'units.csv'", hint)
    problem(result, "data/results/2022.csv:1:1: no permission to read '2022.csv'", hint)

    def iterdir(path: Path) -> object:
        if path.name == "results":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return original_iterdir(path)

    monkeypatch.setattr(Path, "iterdir", iterdir)
    problem(tmp_site.validate(), "data/results:1:1: no permission to read the results folder",
            "give read and search permission to the folder (e.g. chmod a+rx FOLDER), or run rapor as its owner")


def test_narrative_text_with_a_character_no_page_may_hold(tmp_site: TmpSite) -> None:
    """Control characters and noncharacters in a narrative's text, each located; the tab and line ends are text."""
    tmp_site.write("content/pages/tentang.md",
                   "---\ntitle: Tentang\n---\n\tIndented\r\nOne \uffff two\x0b and \ufdd0.\n")
    result = tmp_site.validate()
    hint = "remove control characters and noncharacters (shown as \\x.. or \\u....)"
    problem(result, "content/pages/tentang.md:5:5: the text holds a character no web page may hold: '\\uffff'", hint)
    problem(result, "content/pages/tentang.md:5:10: the text holds a character no web page may hold: '\\x0b'", hint)
    problem(result, "content/pages/tentang.md:5:16: the text holds a character no web page may hold: '\\ufdd0'", hint)
    assert len(problem_lines(result)) == 3


def test_front_matter_escapes_that_make_characters_no_file_may_hold(tmp_site: TmpSite) -> None:
    """A YAML escape makes a lone surrogate (which no UTF-8 file can hold) or a bell out of plain text."""
    tmp_site.write("content/pages/tentang.md", '---\ntitle: "Ten\\uD800tang"\ndescription: "a\\x07b"\n---\nHi\n')
    result = tmp_site.validate()
    hint = "remove control and invisible formatting characters (shown as \\x.. or \\u....)"
    problem(result, "content/pages/tentang.md:2:8: front matter 'title' holds a control or invisible character: "
            "'Ten\\ud800tang'", hint)
    problem(result, "content/pages/tentang.md:3:14: front matter 'description' holds a control or invisible "
            "character: 'a\\x07b'", hint)
    assert tmp_site.build().exit_code == 2


@pytest.mark.parametrize("name", ["con", "nul", "aux", "lpt1", "com9", "prn"])
def test_a_page_named_like_a_windows_device_is_refused(tmp_site: TmpSite, name: str) -> None:
    tmp_site.write(f"content/pages/{name}.md", "---\ntitle: X\n---\nHi\n")
    problem(tmp_site.validate(), f"content/pages/{name}.md:1:1: page name '{name}' cannot name a folder on Windows",
            "Windows cannot store a file or folder named like a device (CON, PRN, AUX, NUL, COM1, LPT1, also with an "
            "extension) or ending in '.' or a space; choose another name")


def test_a_huge_value_is_shown_shortened_in_its_message(tmp_site: TmpSite) -> None:
    """A 100,000-character cell is still one readable line: its start and end around '…'."""
    tmp_site.units([(*row[:2], "S" * 99_999 + "E", *row[3:]) if row[0] == "35.78-dpmptsp" else row for row in UNITS])
    result = tmp_site.validate()
    assert result.exit_code == 2
    assert result.output.splitlines()[0] == f"data/units.csv:7:3: unknown level '{'S' * 140}…{'S' * 19}E'"


def test_a_long_message_is_cut_to_a_thousand_characters() -> None:
    short = Problem("a.csv", 1, 2, "x" * 900, "h").format()
    assert short == "a.csv:1:2: " + "x" * 900 + "\n  hint: h"
    long = Problem("a.csv", 1, 2, "x" * 3000 + "END", "h" * 3000).format().splitlines()
    assert long[0] == "a.csv:1:2: " + "x" * 900 + "…" + "x" * 57 + "END"
    assert long[1] == "  hint: " + "h" * 900 + "…" + "h" * 60


def test_data_linked_out_of_the_project_is_not_read(tmp_site: TmpSite, tmp_path: Path) -> None:
    """As under content/ and themes/: a data file in the project that is a link to a file elsewhere (or lies in a
    linked folder) is refused, so no file from outside (/etc/hostname) is published or printed in a message; a
    link within the project is followed, and a place outside the project named in rapor.toml is read."""
    hint = "  hint: copy the file into the project instead of linking to it, or name its place in rapor.toml"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for relpath in ("data/units.csv", "data/reference/provinsi.csv", "data/results/2023.csv"):
        moved = elsewhere / Path(relpath).name
        (tmp_site.root / relpath).rename(moved)
        (tmp_site.root / relpath).symlink_to(moved)
    result = tmp_site.validate()
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        "data/reference/provinsi.csv:1:1: a symbolic link leads this file outside the project "
        f"('{elsewhere}/provinsi.csv')", hint,
        f"data/results/2023.csv:1:1: a symbolic link leads this file outside the project ('{elsewhere}/2023.csv')",
        hint,
        f"data/units.csv:1:1: a symbolic link leads this file outside the project ('{elsewhere}/units.csv')", hint,
        "3 errors found; nothing was written.",
    ]
    (tmp_site.root / "data/reference/provinsi.csv").unlink()
    (tmp_site.root / "data/reference/provinsi.csv").symlink_to("../inside.csv")  # within the project: followed
    (elsewhere / "provinsi.csv").rename(tmp_site.root / "data/inside.csv")
    (tmp_site.root / "data/results/2023.csv").unlink()
    (elsewhere / "2023.csv").rename(tmp_site.root / "data/results/2023.csv")
    tmp_site.config(f'[data]\nregistry = "{os.path.relpath(elsewhere / "units.csv", tmp_site.root)}"\n')
    (elsewhere / "hostname").write_text("server-1\n")
    (tmp_site.root / "data/corrections.csv").symlink_to(elsewhere / "hostname")
    result = tmp_site.validate()
    assert result.exit_code == 2 and "server-1" not in result.output
    assert result.output.splitlines() == [
        f"data/corrections.csv:1:1: a symbolic link leads this file outside the project ('{elsewhere}/hostname')",
        hint,
        "1 error found; nothing was written.",
    ]
    (tmp_site.root / "data/corrections.csv").unlink()
    result = tmp_site.validate()
    assert result.exit_code == 0, result.output


def test_only_quoted_values_are_shortened_not_the_text_between_two_of_them() -> None:
    """The text from one value's closing quote to the next one's opening quote is no value, nor is the text up
    to an apostrophe: a long hint naming several short values is shown whole."""
    prose = " ".join(["a letter or digit"] * 12)
    hint = f"use only ASCII letters, digits and '-', starting with {prose}; not a reserved name like 'unit' or 'static'"
    assert Problem("a.md", 1, 1, "page name 'x' is taken", hint).format().splitlines()[1] == "  hint: " + hint
    message = f"the file's first line names a column {prose} that the header's second line repeats"
    assert Problem("a.csv", 1, 1, message, "h").format().splitlines()[0] == "a.csv:1:1: " + message
    value = "v" * 300
    assert Problem("a.csv", 1, 1, f"unknown level ('{value}'): see the file's header", "h").format().splitlines()[0] \
        == f"a.csv:1:1: unknown level ('{'v' * 140}…{'v' * 20}'): see the file's header"
