"""Loading and validation, through `rapor validate` and `read_inputs`: every problem located exactly.

Result files in the `tmp_site` fixture have the columns
unit_id(1) unit_name(2) kebijakan(3) sdm(4) sarpras(5) sipp(6) konsultasi(7) inovasi(8) index(9) grade(10),
and the registry id(1) name(2) level(3) type(4) province(5) regency(6) former_ids(7) former_names(8).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import Result

from generator.pipeline import read_inputs

from scratch_site import ASPECTS, RESULT_HEADER, UNITS, TmpSite, csv_row

NUMBER_HINT = "use a number between 0 and 5, e.g. 3.68 or 3,68"


def row(unit_id: str, index: str, grade: str = "", aspects: str | None = None, name: str = "") -> str:
    """One result line; the aspects default to the index, so the weighted check agrees."""
    return csv_row([unit_id, name, *[aspects if aspects is not None else index] * len(ASPECTS), index, grade])


def results_file(site: TmpSite, year: int | str, *rows: str, header: str = RESULT_HEADER) -> None:
    site.write(f"data/results/{year}.csv", "\n".join([header, *rows]) + "\n")


def problem(result: Result, where_what: str, hint: str) -> None:
    """`where_what` and its hint appear in the output as two consecutive lines; the run failed with exit 2."""
    assert result.exit_code == 2, result.output
    assert f"{where_what}\n  hint: {hint}\n" in result.output, result.output


def problem_lines(result: Result) -> list[str]:
    return [line for line in result.output.splitlines() if not line.startswith(("  hint:", " "))][:-1]


# --- the happy path -------------------------------------------------------------------------------------------


def test_the_fixture_validates(tmp_site: TmpSite) -> None:
    result = tmp_site.validate()
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: 8 units, 15 result rows, years 2022–2023, ")
    assert result.output.endswith("; 0 warnings\n")


def test_validate_writes_nothing(tmp_site: TmpSite) -> None:
    before = sorted(p.relative_to(tmp_site.root) for p in tmp_site.root.rglob("*"))
    assert tmp_site.validate().exit_code == 0
    results_file(tmp_site, 2023, row("11-dpmptsp", "tiga"))
    assert tmp_site.validate().exit_code == 2
    after = sorted(p.relative_to(tmp_site.root) for p in tmp_site.root.rglob("*"))
    assert after == before
    assert not (tmp_site.root / "output").exists()


# --- files that cannot be used ---------------------------------------------------------------------------------


def test_unreadable_registry(tmp_site: TmpSite) -> None:
    (tmp_site.root / "data/units.csv").unlink()
    (tmp_site.root / "data/units.csv").mkdir()
    problem(tmp_site.validate(), "data/units.csv:1:1: 'units.csv' is a folder, not a file",
            "put the file in its place, or correct its path in rapor.toml")


def test_result_file_that_is_a_folder(tmp_site: TmpSite) -> None:
    (tmp_site.root / "data/results/2021.csv").mkdir()
    (tmp_site.root / "data/results/archive").mkdir()  # a plain sub-folder is not a result file
    result = tmp_site.validate()
    problem(result, "data/results/2021.csv:1:1: '2021.csv' is a folder, not a file",
            "put the file in its place, or correct its path in rapor.toml")
    assert problem_lines(result) == ["data/results/2021.csv:1:1: '2021.csv' is a folder, not a file"]


def test_results_folder_with_the_long_layout(tmp_site: TmpSite) -> None:
    tmp_site.config('[data]\nlayout = "long"\n')
    problem(tmp_site.validate(), 'data/results:1:1: data.results names a folder, but data.layout = "long" reads '
            'one file', 'set data.results to your CSV file, or use data.layout = "per-year" for a folder of '
            '<year>.csv files')


def test_results_file_with_the_per_year_layout(tmp_site: TmpSite) -> None:
    tmp_site.config('[data]\nresults = "data/results/2023.csv"\n')
    problem(tmp_site.validate(), 'data/results/2023.csv:1:1: data.results names a file, but data.layout = '
            '"per-year" reads a folder', 'set data.results to the folder holding one <year>.csv per year, or use '
            'data.layout = "long" for one file with a year column')


def test_missing_province_list_is_reported_once(tmp_site: TmpSite) -> None:
    (tmp_site.root / "data/reference/provinsi.csv").unlink()
    assert problem_lines(tmp_site.validate()) == [
        "data/reference/provinsi.csv:1:1: 'provinsi.csv' does not exist"]


def test_missing_registry(tmp_site: TmpSite) -> None:
    (tmp_site.root / "data/units.csv").unlink()
    problem(tmp_site.validate(), "data/units.csv:1:1: 'units.csv' does not exist",
            "create it, or correct its path in rapor.toml")


def test_empty_file(tmp_site: TmpSite) -> None:
    tmp_site.write("data/results/2023.csv", "\ufeff\n  \n")
    problem(tmp_site.validate(), "data/results/2023.csv:1:1: the file is empty",
            "export the sheet again with its header row and data")


def test_header_only(tmp_site: TmpSite) -> None:
    tmp_site.write("data/results/2023.csv", RESULT_HEADER + "\n\n")
    problem(tmp_site.validate(), "data/results/2023.csv:1:1: the file has a header but no data rows",
            "add one row per unit below the header")


def test_not_text(tmp_site: TmpSite) -> None:
    tmp_site.write("data/results/2023.csv", (RESULT_HEADER + "\n").encode() + b"\x81\x8d\x8f\x90\x9d\n")
    problem(tmp_site.validate(), "data/results/2023.csv:2:1: the file is neither UTF-8 nor Windows-1252 text",
            "save the file again as 'CSV UTF-8'")


def test_bad_utf8_after_a_bom(tmp_site: TmpSite) -> None:
    tmp_site.write("data/results/2023.csv", b"\xef\xbb\xbf" + (RESULT_HEADER + "\n").encode() + b"\xe9t\xe9\n")
    problem(tmp_site.validate(), "data/results/2023.csv:2:1: the file says it is UTF-8 but this line is not",
            "save the file again as 'CSV UTF-8'")


def test_a_workbook_saved_under_a_csv_name(tmp_site: TmpSite) -> None:
    tmp_site.write("data/results/2023.csv", b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)))
    problem(tmp_site.validate(), "data/results/2023.csv:1:1: this is a spreadsheet workbook, not a CSV file",
            "open it and save (or export) the sheet as 'CSV UTF-8'")


def test_first_line_without_names(tmp_site: TmpSite) -> None:
    tmp_site.write("data/results/2023.csv", ",,\n" + row("11-dpmptsp", "3.80", "B") + "\n")
    problem(tmp_site.validate(), "data/results/2023.csv:1:1: the first line holds no column names",
            "the first line must be the header row, e.g. unit_id,index,grade")


# --- columns -------------------------------------------------------------------------------------------------


def test_missing_column(tmp_site: TmpSite) -> None:
    header = RESULT_HEADER.replace(",index,", ",indeks,")
    results_file(tmp_site, 2023, row("11-dpmptsp", "3.80", "B"), header=header)
    problem(tmp_site.validate(), "data/results/2023.csv:1:1: missing column 'index'",
            "the file has 'indeks': map it under [columns] in rapor.toml (index = \"indeks\"), or name the column "
            "'index'")


def test_missing_column_lists_the_headers_found(tmp_site: TmpSite) -> None:
    header = RESULT_HEADER.replace(",index,", ",xyz,")
    results_file(tmp_site, 2023, row("11-dpmptsp", "3.80", "B"), header=header)
    problem(tmp_site.validate(), "data/results/2023.csv:1:1: missing column 'index'",
            "add it, or map Rapor's field 'index' to your header under [columns] in rapor.toml; the file's headers: "
            "unit_id, unit_name, kebijakan, sdm, sarpras, sipp, konsultasi, inovasi, xyz, grade")


def test_missing_registry_column(tmp_site: TmpSite) -> None:
    tmp_site.write("data/units.csv", "id,name,type\nx,X,dpmptsp\n")
    problem(tmp_site.validate(), "data/units.csv:1:1: missing column 'level'",
            "the registry needs the columns id,name,level,type,province,regency,former_ids,former_names")


def test_duplicated_column_ignoring_case(tmp_site: TmpSite) -> None:
    results_file(tmp_site, 2023, row("11-dpmptsp", "3.80", "B") + ",3.80", header=RESULT_HEADER + ",Index")
    problem(tmp_site.validate(), "data/results/2023.csv:1:11: column 'Index' appears twice",
            "the first is column 9; rename or delete one")


def test_unnamed_trailing_columns_are_ignored(tmp_site: TmpSite) -> None:
    """Spreadsheets often export a trailing separator on every line."""
    results_file(tmp_site, 2023, row("11-dpmptsp", "3.80", "B") + ",", row("35-dpmptsp", "3.70", "B") + ",",
                 header=RESULT_HEADER + ",")
    assert tmp_site.validate().exit_code == 0


# --- rows that do not fit the header ---------------------------------------------------------------------------


def test_unquoted_decimal_comma_in_a_comma_file(tmp_site: TmpSite) -> None:
    results_file(tmp_site, 2023, row("11-dpmptsp", "3.80", "B"),
                 "35-dpmptsp,,3,70,3.70,3.70,3.70,3.70,3.70,3.70,B")
    problem(tmp_site.validate(), "data/results/2023.csv:3:11: this row has 11 cells but the header has 10",
            "a decimal comma splits a number in two in a ','-separated file: quote it (\"3,68\"), "
            "use a decimal point, or export with ';'")


def test_short_row(tmp_site: TmpSite) -> None:
    results_file(tmp_site, 2023, row("11-dpmptsp", "3.80", "B"), "35-dpmptsp,,3.70,3.70")
    problem(tmp_site.validate(), "data/results/2023.csv:3:5: this row has 4 cells but the header has 10",
            "keep a cell for every column, even an empty one (e.g. a,,c)")


def test_bad_rows_do_not_hide_other_problems(tmp_site: TmpSite) -> None:
    results_file(tmp_site, 2023, "35-dpmptsp,,3.70", row("11-dpmptsp", "tiga"))
    result = tmp_site.validate()
    assert problem_lines(result) == [
        "data/results/2023.csv:2:4: this row has 3 cells but the header has 10",
        "data/results/2023.csv:3:3: 'tiga' is not a number (column 'kebijakan')",
        *[f"data/results/2023.csv:3:{c}: 'tiga' is not a number (column '{a}')"
          for c, a in enumerate(ASPECTS[1:], start=4)],
        "data/results/2023.csv:3:9: 'tiga' is not a number (column 'index')",
    ]


def test_quote_never_closed(tmp_site: TmpSite) -> None:
    results_file(tmp_site, 2023, row("11-dpmptsp", "3.80", "B"), '35-dpmptsp,"DPMPTSP,3.70', row("36.74-mpp", "4.05"))
    problem(tmp_site.validate(), 'data/results/2023.csv:3:2: a quote (") opened in this cell is never closed',
            'close the quote or remove it; a quote inside a quoted cell is written twice ("")')


def test_line_numbers_count_cells_that_span_lines(tmp_site: TmpSite) -> None:
    results_file(tmp_site, 2023, row("11-dpmptsp", "3.80", "B", name="DPMPTSP\nAceh"), row("35-dpmptsp", "x"))
    result = tmp_site.validate()
    assert "data/results/2023.csv:4:3: 'x' is not a number (column 'kebijakan')" in result.output


# --- cells ---------------------------------------------------------------------------------------------------


def test_text_where_a_number_belongs(tmp_site: TmpSite) -> None:
    results_file(tmp_site, 2023, row("11-dpmptsp", "3.80", "B"),
                 row("35-dpmptsp", "3.70", "B").replace("3.70,3.70,B", "tiga koma tujuh,3.70,B"))
    problem(tmp_site.validate(), "data/results/2023.csv:3:8: 'tiga koma tujuh' is not a number (column 'inovasi')",
            NUMBER_HINT)


@pytest.mark.parametrize("value", ["inf", "Infinity", "-inf", "1e999", "NaN"])
def test_infinite_or_nan_index_is_not_a_number(tmp_site: TmpSite, value: str) -> None:
    # 'inf' once reached the weights check as a float and crashed it (exit 1).
    results_file(tmp_site, 2023, row("11-dpmptsp", value, "A"))
    result = tmp_site.validate()
    assert "Traceback" not in result.output
    problem(result, f"data/results/2023.csv:2:9: '{value}' is not a number (column 'index')", NUMBER_HINT)


def test_score_outside_the_scale(tmp_site: TmpSite) -> None:
    results_file(tmp_site, 2023, row("11-dpmptsp", "5.20", "A"))
    result = tmp_site.validate()
    problem(result, "data/results/2023.csv:2:9: 5.2 is outside the scale 0–5 (column 'index')", NUMBER_HINT)
    assert "data/results/2023.csv:2:3: 5.2 is outside the scale 0–5 (column 'kebijakan')" in result.output


def test_same_unit_twice_in_a_year(tmp_site: TmpSite) -> None:
    results_file(tmp_site, 2023, row("11-dpmptsp", "3.80", "B"), row("35-dpmptsp", "3.70", "B"),
                 row("11-dpmptsp", "3.60", "B"))
    problem(tmp_site.validate(), "data/results/2023.csv:4:1: unit '11-dpmptsp' appears twice in 2023",
            "the first is on line 2; keep one row per unit and year")


def test_same_unit_twice_under_its_former_id(tmp_site: TmpSite) -> None:
    results_file(tmp_site, 2023, row("kl-imigrasi", "3.80", "B"), row("kl-imigrasi-lama", "3.70", "B"))
    problem(tmp_site.validate(), "data/results/2023.csv:3:1: unit 'kl-imigrasi' appears twice in 2023",
            "the first is on line 2; keep one row per unit and year")


def test_unknown_unit_suggests_the_closest(tmp_site: TmpSite) -> None:
    results_file(tmp_site, 2023, row("35.07-dpmtpsp", "3.80", "B"))
    problem(tmp_site.validate(), "data/results/2023.csv:2:1: unit '35.07-dpmtpsp' is not in the registry",
            "closest known: '35.07-dpmptsp' (DPMPTSP Kabupaten Malang), '35.78-dpmptsp' (DPMPTSP Kota Surabaya), "
            "'35-dpmptsp' (DPMPTSP Provinsi Jawa Timur); or add the unit to data/units.csv")


def test_unknown_unit_name_suggests_the_closest(tmp_site: TmpSite) -> None:
    results_file(tmp_site, 2023, row("", "3.80", "B", name="DPMPTSP Kab. Malang"))
    problem(tmp_site.validate(), "data/results/2023.csv:2:2: no unit named 'DPMPTSP Kab. Malang' in the registry",
            "closest known: '35.07-dpmptsp' (DPMPTSP Kabupaten Malang), '35.78-dpmptsp' (DPMPTSP Kota Surabaya); "
            "or add the unit to data/units.csv")


def test_row_naming_no_unit(tmp_site: TmpSite) -> None:
    results_file(tmp_site, 2023, row("", "3.80", "B"))
    problem(tmp_site.validate(), "data/results/2023.csv:2:1: this row names no unit",
            "fill in the unit id (or the unit name)")


def test_grade_contradicting_the_index(tmp_site: TmpSite) -> None:
    results_file(tmp_site, 2023, row("11-dpmptsp", "3.80", "A-"), row("35-dpmptsp", "4.505", "A-"))
    result = tmp_site.validate()
    problem(result, "data/results/2023.csv:2:10: grade 'A-' contradicts index 3.80, which is grade B",
            "grade B is 3.51–4.00; correct the grade or the index")
    # 4.505 is published as 4.51: grade A.
    problem(result, "data/results/2023.csv:3:10: grade 'A-' contradicts index 4.51, which is grade A",
            "grade A is 4.51–5.00; correct the grade or the index")


def test_unknown_grade(tmp_site: TmpSite) -> None:
    results_file(tmp_site, 2023, row("11-dpmptsp", "3.80", "B+"))
    problem(tmp_site.validate(), "data/results/2023.csv:2:10: unknown grade 'B+'",
            "use one of: A, A-, B, B-, C, C-, D, E, F")


def test_grade_without_an_index(tmp_site: TmpSite) -> None:
    results_file(tmp_site, 2023, row("11-dpmptsp", "-", "B", aspects=""))
    problem(tmp_site.validate(), "data/results/2023.csv:2:10: grade 'B' is given but the index is missing",
            "fill in the index, or leave the grade empty if the unit was not evaluated")


def test_grade_letters_ignore_case(tmp_site: TmpSite) -> None:
    results_file(tmp_site, 2023, row("11-dpmptsp", "3.80", "b"), row("35-dpmptsp", "4.20", "a-"))
    assert tmp_site.validate().exit_code == 0


WEIGHT_HINT = ("weights for 2023: kebijakan 24%, sdm 25%, sarpras 18%, sipp 11%, konsultasi 10%, inovasi 12%; "
               "check the index and the aspect scores")


def test_index_contradicting_the_weighted_aspects_warns(tmp_site: TmpSite) -> None:
    results_file(tmp_site, 2023, row("11-dpmptsp", "3.80", "B", aspects="3.50"))
    result = tmp_site.validate()
    assert result.exit_code == 0, result.output
    assert ("data/results/2023.csv:2:9: warning: index 3.80 differs from the weighted aspects (3.500) "
            f"by more than 0.01\n  hint: {WEIGHT_HINT}\n") in result.output
    assert result.output.endswith("; 1 warning\n")


def test_index_contradicting_the_weighted_aspects_fails_with_strict(tmp_site: TmpSite) -> None:
    results_file(tmp_site, 2023, row("11-dpmptsp", "3.80", "B", aspects="3.50"))
    problem(tmp_site.validate("--strict"),
            "data/results/2023.csv:2:9: index 3.80 differs from the weighted aspects (3.500) by more than 0.01",
            WEIGHT_HINT)


def test_weighted_check_uses_the_weights_of_the_year(tmp_site: TmpSite) -> None:
    """With 2023's weights the row below is off by 0.04; with the 2020 weights it is exact."""
    tmp_site.config("[scheme.weights.2020]\nkebijakan = 50\nsdm = 50\nsarpras = 0\nsipp = 0\n"
                    "konsultasi = 0\ninovasi = 0\n[scheme.weights.2023]\nkebijakan = 24\nsdm = 25\nsarpras = 18\n"
                    "sipp = 11\nkonsultasi = 10\ninovasi = 12\n")
    line = csv_row(["11-dpmptsp", "", "4.00", "3.00", "", "", "", "", "3.50", "B-"])
    results_file(tmp_site, 2021, line)
    results_file(tmp_site, 2022, line)
    results_file(tmp_site, 2023, csv_row(["11-dpmptsp", "", "4.00", "3.00", "3.50", "3.50", "3.50", "3.50",
                                          "3.50", "B-"]))
    result = tmp_site.validate("--strict")
    assert result.exit_code == 0, result.output


def test_weighted_check_skips_rows_missing_a_weighted_aspect(tmp_site: TmpSite) -> None:
    results_file(tmp_site, 2023, csv_row(["11-dpmptsp", "", "3.80", "3.80", "", "3.80", "3.80", "3.80", "2.00",
                                          "D"]))
    result = tmp_site.validate("--strict")
    assert result.exit_code == 0, result.output


# --- the registry ----------------------------------------------------------------------------------------------


def registry_with(site: TmpSite, *extra: tuple[str, ...]) -> None:
    site.units([*UNITS, *extra])


def test_unknown_level_type_and_province(tmp_site: TmpSite) -> None:
    registry_with(tmp_site, ("99-x", "Unit X", "kota", "dpmptsp", "35", "", "", ""),
                  ("99-y", "Unit Y", "provinsi", "samsat2", "35", "", "", ""),
                  ("99-z", "Unit Z", "provinsi", "samsat", "99", "", "", ""))
    result = tmp_site.validate()
    problem(result, "data/units.csv:10:3: unknown level 'kota'",
            "use one of: kementerian-lembaga, provinsi, kabupaten-kota (levels are declared in rapor.toml)")
    problem(result, "data/units.csv:11:4: unknown unit type 'samsat2'",
            "use one of: upp-kl, dpmptsp, samsat, disdukcapil, mpp (unit types are declared in rapor.toml)")
    problem(result, "data/units.csv:12:5: unknown province code '99'",
            "use a Kemendagri code from data/reference/provinsi.csv, e.g. 35")


def test_level_that_needs_a_province(tmp_site: TmpSite) -> None:
    registry_with(tmp_site, ("99-x", "Unit X", "provinsi", "dpmptsp", "", "", "", ""))
    problem(tmp_site.validate(), "data/units.csv:10:5: unit '99-x' has no province code",
            "units at level 'provinsi' need one; fill in the province column, e.g. 35")


def test_regency_outside_its_province(tmp_site: TmpSite) -> None:
    registry_with(tmp_site, ("99-x", "Unit X", "kabupaten-kota", "dpmptsp", "35", "36.74", "", ""))
    problem(tmp_site.validate(), "data/units.csv:10:6: regency code '36.74' is not valid here",
            "write it as <province>.<nn> matching the province column, e.g. 35.07")


def test_unit_id_twice_in_the_registry(tmp_site: TmpSite) -> None:
    registry_with(tmp_site, ("35-samsat", "Lagi", "provinsi", "samsat", "35", "", "", ""))
    problem(tmp_site.validate(), "data/units.csv:10:1: unit id '35-samsat' appears twice",
            "each unit needs its own id; the first is on line 5")


def test_unit_ids_differing_only_in_case(tmp_site: TmpSite) -> None:
    registry_with(tmp_site, ("35-SAMSAT", "Lagi", "provinsi", "samsat", "35", "", "", ""))
    problem(tmp_site.validate(), "data/units.csv:10:1: unit id '35-SAMSAT' differs from '35-samsat' (line 5) "
            "only in case", "ids name folders, which Windows and macOS would treat as one; rename one")


def test_former_id_claimed_twice(tmp_site: TmpSite) -> None:
    registry_with(tmp_site, ("99-x", "Unit X", "kementerian-lembaga", "upp-kl", "", "", "kl-imigrasi-lama", ""))
    problem(tmp_site.validate(), "data/units.csv:10:7: former id 'kl-imigrasi-lama' already belongs to unit "
            "'kl-imigrasi'", "an id can name only one unit")


CASE_HINT = ("it differs from '{}' only in case, and ids name folders, which Windows and macOS would treat as one; "
             "an id can name only one unit")


def test_former_id_differing_from_a_current_id_only_in_case(tmp_site: TmpSite) -> None:
    registry_with(tmp_site, ("99-x", "Unit X", "kementerian-lembaga", "upp-kl", "", "", "35-DPMPTSP", ""))
    problem(tmp_site.validate(), "data/units.csv:10:7: former id '35-DPMPTSP' already belongs to unit "
            "'35-dpmptsp'", CASE_HINT.format("35-dpmptsp"))


def test_former_id_differing_from_another_former_id_only_in_case(tmp_site: TmpSite) -> None:
    registry_with(tmp_site, ("99-x", "Unit X", "kementerian-lembaga", "upp-kl", "", "", "99-old|KL-Imigrasi-Lama", ""))
    problem(tmp_site.validate(), "data/units.csv:10:7: former id 'KL-Imigrasi-Lama' already belongs to unit "
            "'kl-imigrasi'", CASE_HINT.format("kl-imigrasi-lama"))


ID_HINT = ("use only ASCII letters (A-Z, a-z), digits (0-9), '.', '-' and '_', starting with a letter or digit, "
           "at most 128 characters and no '..' (e.g. 35.07-dpmptsp)")


@pytest.mark.parametrize(("unit_id", "shown"), [
    ("../etc", "../etc"), ("a/b", "a/b"), ("a\\b", "a\\b"), ("a\x00b", "a\\x00b"), ("..", ".."),
    ("x..y", "x..y"), (".hidden", ".hidden"), ("a b", "a b"), ("a" * 129, "a" * 129),
])
def test_unit_ids_that_could_escape_a_folder_are_rejected(tmp_site: TmpSite, unit_id: str, shown: str) -> None:
    registry_with(tmp_site, (unit_id, "Unit X", "kementerian-lembaga", "upp-kl", "", "", "", ""))
    problem(tmp_site.validate(), f"data/units.csv:10:1: unit id '{shown}' is not allowed", ID_HINT)


@pytest.mark.parametrize(("unit_id", "shown"), [
    ("../../etc/passwd", "../../etc/passwd"), ("35/dpmptsp", "35/dpmptsp"), ("35\\dpmptsp", "35\\dpmptsp"),
    ("..", ".."), ("35..dpmptsp", "35..dpmptsp"), ("35\x00dpmptsp", "35\\x00dpmptsp"),
])
def test_unsafe_ids_in_results_are_rejected(tmp_site: TmpSite, unit_id: str, shown: str) -> None:
    results_file(tmp_site, 2023, row(unit_id, "3.80", "B"))
    problem(tmp_site.validate(), f"data/results/2023.csv:2:1: unit id '{shown}' is not allowed", ID_HINT)


@pytest.mark.parametrize(("former", "shown"), [
    ("../evil", "../evil"), ("a/b", "a/b"), ("a\\b", "a\\b"), ("..", ".."), ("a\x00b", "a\\x00b"),
])
def test_unsafe_former_ids_are_rejected(tmp_site: TmpSite, former: str, shown: str) -> None:
    registry_with(tmp_site, ("99-x", "Unit X", "kementerian-lembaga", "upp-kl", "", "", f"99-old|{former}", ""))
    problem(tmp_site.validate(), f"data/units.csv:10:7: former id '{shown}' is not allowed", ID_HINT)


# --- regencies and cities --------------------------------------------------------------------------------------

REGENCY_LIST = "data/reference/kabupaten_kota.csv"


def test_regency_not_in_the_list_suggests_the_one_the_name_gives(tmp_site: TmpSite) -> None:
    registry_with(tmp_site, ("35.70-mpp", "MPP Kabupaten Malang", "kabupaten-kota", "mpp", "35", "35.70", "", ""))
    problem(tmp_site.validate(), "data/units.csv:10:6: unknown regency code '35.70'",
            f"did you mean '35.07' (Kabupaten Malang)? codes are listed in {REGENCY_LIST}")


def test_regency_not_in_the_list_suggests_the_nearest_codes(tmp_site: TmpSite) -> None:
    registry_with(tmp_site, ("35.79-mpp", "MPP Kota Baru", "kabupaten-kota", "mpp", "35", "35.79", "", ""),
                  ("36.01-mpp", "MPP Lebak", "kabupaten-kota", "mpp", "36", "36.01", "", ""))
    result = tmp_site.validate()
    problem(result, "data/units.csv:10:6: unknown regency code '35.79'",
            f"did you mean '35.78' (Kota Surabaya) or '35.07' (Kabupaten Malang)? codes are listed in {REGENCY_LIST}")
    problem(result, "data/units.csv:11:6: unknown regency code '36.01'",
            f"use a Kemendagri code from {REGENCY_LIST}, e.g. 36.74")


def test_regency_names_come_from_the_list(tmp_site: TmpSite) -> None:
    units = read_inputs(tmp_site.root).units
    assert units.loc["35.07-dpmptsp", "regency_name"] == "Kabupaten Malang"
    assert units.loc["36.74-mpp", "regency_name"] == "Kota Tangerang Selatan"
    assert units.loc["35-dpmptsp", "regency_name"] == ""


def test_regency_list_left_at_its_default_may_be_absent(tmp_site: TmpSite) -> None:
    (tmp_site.root / REGENCY_LIST).unlink()
    registry_with(tmp_site, ("35.70-mpp", "MPP Kabupaten Malang", "kabupaten-kota", "mpp", "35", "35.70", "", ""))
    assert tmp_site.validate().exit_code == 0
    assert set(read_inputs(tmp_site.root).units["regency_name"]) == {""}


def test_regency_list_turned_off(tmp_site: TmpSite) -> None:
    tmp_site.config('[data]\nregencies = ""\n')
    registry_with(tmp_site, ("35.70-mpp", "MPP Kabupaten Malang", "kabupaten-kota", "mpp", "35", "35.70", "", ""))
    assert tmp_site.validate().exit_code == 0


def test_regency_list_named_in_the_config_must_exist(tmp_site: TmpSite) -> None:
    tmp_site.config('[data]\nregencies = "data/reference/kabkota.csv"\n')
    result = tmp_site.validate()
    problem(result, "data/reference/kabkota.csv:1:1: 'kabkota.csv' does not exist",
            "create it, or correct its path in rapor.toml")
    assert problem_lines(result) == ["data/reference/kabkota.csv:1:1: 'kabkota.csv' does not exist"]


def test_regency_list_without_names(tmp_site: TmpSite) -> None:
    tmp_site.write(REGENCY_LIST, "kode,kode_provinsi\n35.07,35\n")
    problem(tmp_site.validate(), f"{REGENCY_LIST}:1:1: missing column 'nama'",
            "the regency file needs the columns kode (Kemendagri code) and nama")


def test_bad_and_repeated_codes_in_the_regency_list(tmp_site: TmpSite) -> None:
    from scratch_site import REGENCIES

    tmp_site.write(REGENCY_LIST, REGENCIES + "11.1,11,Kabupaten Aceh Singkil,Kabupaten\n../x,35,Evil,Kota\n"
                   "35.07,35,Kabupaten Malang,Kabupaten\n")
    result = tmp_site.validate()
    problem(result, f"{REGENCY_LIST}:5:1: regency code '11.1' is not allowed",
            "use the Kemendagri code: <province>.<nn>, e.g. 35.07")
    problem(result, f"{REGENCY_LIST}:6:1: regency code '../x' is not allowed",
            "use the Kemendagri code: <province>.<nn>, e.g. 35.07")
    problem(result, f"{REGENCY_LIST}:7:1: regency code '35.07' appears twice", "list each regency once")


def test_unsafe_province_code(tmp_site: TmpSite) -> None:
    tmp_site.write("data/reference/provinsi.csv", "kode,nama\n11,Aceh\n35,Jawa Timur\n36,Banten\n../x,Evil\n")
    problem(tmp_site.validate(), "data/reference/provinsi.csv:5:1: province code '../x' is not allowed",
            "use the Kemendagri code: digits, e.g. 35")


def test_registry_failing_still_checks_the_results(tmp_site: TmpSite) -> None:
    tmp_site.write("data/units.csv", "")
    results_file(tmp_site, 2023, row("11-dpmptsp", "tiga"))
    lines = problem_lines(tmp_site.validate())
    assert lines[0] == "data/results/2023.csv:2:3: 'tiga' is not a number (column 'kebijakan')"
    assert lines[-1] == "data/units.csv:1:1: the file is empty"


# --- years ---------------------------------------------------------------------------------------------------


def test_file_name_not_a_year(tmp_site: TmpSite) -> None:
    results_file(tmp_site, "2023-final", row("11-dpmptsp", "3.80", "B"))
    problem(tmp_site.validate(), "data/results/2023-final.csv:1:1: file name '2023-final.csv' is not a year",
            "name each yearly file after its year, e.g. 2023.csv")


def test_year_column_disagreeing_with_the_file_name(tmp_site: TmpSite) -> None:
    results_file(tmp_site, 2023, "2023," + row("11-dpmptsp", "3.80", "B"), "2022," + row("35-dpmptsp", "3.70", "B"),
                 header="year," + RESULT_HEADER)
    problem(tmp_site.validate(), "data/results/2023.csv:3:1: year '2022' does not match the file name",
            "this file holds 2023 (its name says so); move the row or correct the year")


LONG = '[data]\nlayout = "long"\nresults = "data/all.csv"\n'


def test_long_layout_year_not_a_year(tmp_site: TmpSite) -> None:
    tmp_site.config(LONG)
    tmp_site.write("data/all.csv", "\n".join(["tahun," + RESULT_HEADER, "2023," + row("11-dpmptsp", "3.80", "B"),
                                              "23," + row("35-dpmptsp", "3.70", "B")]) + "\n")
    tmp_site.config(LONG + '[columns]\nyear = "tahun"\n')
    tmp_site.write("data/all.csv", (tmp_site.root / "data/all.csv").read_text() + "," + row("36.74-mpp", "4.05") + "\n")
    result = tmp_site.validate()
    problem(result, "data/all.csv:3:1: '23' is not a year", "write the year as four digits, e.g. 2023")
    problem(result, "data/all.csv:4:1: the year is missing", "write the year as four digits, e.g. 2023")


def test_long_layout_missing_file(tmp_site: TmpSite) -> None:
    tmp_site.config(LONG)
    problem(tmp_site.validate(), "data/all.csv:1:1: the results file does not exist",
            "set data.results in rapor.toml to your CSV file")


# --- one run, every problem, in order -------------------------------------------------------------------------


def test_every_problem_in_one_run_sorted_by_file_and_line(tmp_site: TmpSite) -> None:
    tmp_site.config("[sitee]\ntitle = 1\n")
    registry_with(tmp_site, ("99-x", "Unit X", "kota", "dpmptsp", "35", "", "", ""))
    results_file(tmp_site, 2023, row("11-dpmptsp", "3.80", "A"), row("nope", "3.70", "B"), row("35-dpmptsp", "9"))
    results_file(tmp_site, 2022, row("11-dpmptsp", "x", "B"))
    result = tmp_site.validate()
    assert result.exit_code == 2
    assert problem_lines(result) == [
        "rapor.toml:6:1: unknown key 'sitee'",  # a misspelling comes first: it may cause the others
        "data/results/2022.csv:2:3: 'x' is not a number (column 'kebijakan')",
        "data/results/2022.csv:2:4: 'x' is not a number (column 'sdm')",
        "data/results/2022.csv:2:5: 'x' is not a number (column 'sarpras')",
        "data/results/2022.csv:2:6: 'x' is not a number (column 'sipp')",
        "data/results/2022.csv:2:7: 'x' is not a number (column 'konsultasi')",
        "data/results/2022.csv:2:8: 'x' is not a number (column 'inovasi')",
        "data/results/2022.csv:2:9: 'x' is not a number (column 'index')",
        "data/results/2023.csv:2:10: grade 'A' contradicts index 3.80, which is grade B",
        "data/results/2023.csv:3:1: unit 'nope' is not in the registry",
        "data/results/2023.csv:4:3: 9 is outside the scale 0–5 (column 'kebijakan')",
        "data/results/2023.csv:4:4: 9 is outside the scale 0–5 (column 'sdm')",
        "data/results/2023.csv:4:5: 9 is outside the scale 0–5 (column 'sarpras')",
        "data/results/2023.csv:4:6: 9 is outside the scale 0–5 (column 'sipp')",
        "data/results/2023.csv:4:7: 9 is outside the scale 0–5 (column 'konsultasi')",
        "data/results/2023.csv:4:8: 9 is outside the scale 0–5 (column 'inovasi')",
        "data/results/2023.csv:4:9: 9 is outside the scale 0–5 (column 'index')",
        "data/units.csv:10:3: unknown level 'kota'",
    ]
    assert result.output.endswith("\n18 errors found; nothing was written.\n")
    assert "Traceback" not in result.output


# --- reading what spreadsheets export ---------------------------------------------------------------------------


def not_evaluated(results: pd.DataFrame, year: int, unit_id: str) -> bool:
    return bool(results["index"].isna().to_dict()[(year, unit_id)])


def read(site: TmpSite) -> pd.DataFrame:
    inputs = read_inputs(site.root)
    return inputs.results.set_index(["year", "unit_id"]).sort_index()


def test_codes_stay_text(tmp_site: TmpSite) -> None:
    from scratch_site import REGENCIES

    tmp_site.write("data/reference/kabupaten_kota.csv", REGENCIES + "11.10,11,Kabupaten Aceh Singkil,Kabupaten\n"
                   "11.01,11,Kabupaten Aceh Selatan,Kabupaten\n")
    registry_with(tmp_site, ("0012", "Unit Nol", "kabupaten-kota", "dpmptsp", "11", "11.10", "", ""))
    results_file(tmp_site, 2023, row("0012", "3.80", "B"))
    inputs = read_inputs(tmp_site.root)
    assert inputs.units.loc["0012", "regency"] == "11.10"
    assert inputs.units.loc["0012", "regency_name"] == "Kabupaten Aceh Singkil"
    assert inputs.units.loc["0012", "province"] == "11"
    assert list(inputs.results[inputs.results["year"] == 2023]["unit_id"]) == ["0012"]


def test_semicolons_decimal_commas_bom_crlf_and_padding(tmp_site: TmpSite) -> None:
    header = RESULT_HEADER.replace(",", " ; ")
    lines = [header, ' 11-dpmptsp ; "DPMPTSP; Aceh" ;3,80;3,80;3,80;3,80;3,80;3,80; 3,80 ; B ',
             '35-dpmptsp;;"3,70" ;3,7;3,70;3,70;3,70;3,70;3,70;B']
    tmp_site.write("data/results/2023.csv", b"\xef\xbb\xbf" + "\r\n".join(lines).encode() + b"\r\n")
    results = read(tmp_site)
    assert results.loc[(2023, "11-dpmptsp"), "index"] == 3.80
    assert results.loc[(2023, "35-dpmptsp"), "aspect:kebijakan"] == 3.70
    assert results.loc[(2023, "35-dpmptsp"), "grade"] == "B"


def test_quoted_decimal_commas_in_a_comma_file(tmp_site: TmpSite) -> None:
    results_file(tmp_site, 2023, '11-dpmptsp,"DPMPTSP, Aceh","3,80","3,80","3,80","3,80","3,80","3,80","3,80",B')
    assert read(tmp_site).loc[(2023, "11-dpmptsp"), "aspect:sdm"] == 3.80


def test_windows_1252_and_tab_separated(tmp_site: TmpSite) -> None:
    registry_with(tmp_site, ("99-x", "Unit Sérang", "provinsi", "dpmptsp", "36", "", "", ""))
    text = RESULT_HEADER.replace(",", "\t") + "\n" + "\t".join(["", "UNIT  SÉRANG", *["3.80"] * 7, "B"]) + "\n"
    tmp_site.write("data/results/2023.csv", text.encode("cp1252"))
    assert read(tmp_site).loc[(2023, "99-x"), "index"] == 3.80


def test_utf16_with_bom(tmp_site: TmpSite) -> None:
    tmp_site.write("data/results/2023.csv", (RESULT_HEADER + "\n" + row("11-dpmptsp", "3.80", "B") + "\n")
                   .encode("utf-16"))
    assert read(tmp_site).loc[(2023, "11-dpmptsp"), "index"] == 3.80


def test_names_match_the_registry_ignoring_case_and_spacing(tmp_site: TmpSite) -> None:
    header = "Nama UPP,Indeks,Kategori," + ",".join(ASPECTS)
    tmp_site.write("data/results/2023.csv", "\n".join([
        header,
        "dpmptsp   provinsi ACEH,3.80,B," + ",".join(["3.80"] * 6),
        "Ditjen Imigrasi Lama,3.70,B," + ",".join(["3.70"] * 6),  # a former name
    ]) + "\n")
    tmp_site.config('[columns]\nunit_name = "nama upp"\nindex = "INDEKS"\ngrade = "kategori"\n')
    (tmp_site.root / "data/results/2022.csv").unlink()
    results = read(tmp_site)
    assert results.loc[(2023, "11-dpmptsp"), "index"] == 3.80
    assert results.loc[(2023, "kl-imigrasi"), "index"] == 3.70


def test_a_name_shared_by_two_units_needs_an_id(tmp_site: TmpSite) -> None:
    registry_with(tmp_site, ("99-x", "DPMPTSP Provinsi Aceh", "provinsi", "dpmptsp", "11", "", "", ""))
    results_file(tmp_site, 2023, row("", "3.80", "B", name="DPMPTSP Provinsi Aceh"))
    problem(tmp_site.validate(), "data/results/2023.csv:2:2: the name 'DPMPTSP Provinsi Aceh' belongs to several "
            "units: 11-dpmptsp, 99-x", "give this row's unit id in the id column")


@pytest.mark.parametrize("marker", ["-", "TD", "td", "n/a", "N/A", "", "—"])
def test_not_evaluated_markers(tmp_site: TmpSite, marker: str) -> None:
    results_file(tmp_site, 2023, row("11-dpmptsp", marker, "", aspects=""), row("35-dpmptsp", "3.70", "B"))
    results = read(tmp_site)
    assert not_evaluated(results, 2023, "11-dpmptsp")


def test_zero_is_missing_by_default(tmp_site: TmpSite) -> None:
    results_file(tmp_site, 2023, row("11-dpmptsp", "0", "0", aspects="0"), row("35-dpmptsp", "0,00", "", aspects=""))
    results = read(tmp_site)
    assert not_evaluated(results, 2023, "11-dpmptsp")
    assert results.loc[(2023, "11-dpmptsp"), "grade"] == ""
    assert not_evaluated(results, 2023, "35-dpmptsp")


def test_a_graded_zero_index_is_said_to_be_read_as_not_evaluated(tmp_site: TmpSite) -> None:
    """Index 0 beside a real grade most likely lost its index on the way: the unit leaves the rankings, so the
    row is named (a warning; an error with --strict); grade 0 or none beside it is the export's 'not evaluated'."""
    results_file(tmp_site, 2023, row("11-dpmptsp", "0", "A"), row("35-dpmptsp", "0", "0", aspects="0"),
                 row("35-samsat", "0", "", aspects=""))
    result = tmp_site.validate()
    assert result.exit_code == 0, result.output
    expected = ("data/results/2023.csv:2:9: warning: index 0 is read as not evaluated (data.zero_is_missing), but "
                "the row gives grade 'A'\n  hint: write the unit's index; for a unit not evaluated leave the index "
                "and the grade empty\n")
    assert expected in result.output
    assert result.output.count("warning:") == 1
    strict = tmp_site.validate("--strict")
    assert strict.exit_code == 2 and expected.replace("warning: ", "") in strict.output


def test_grade_zero_with_a_real_index_is_wrong(tmp_site: TmpSite) -> None:
    results_file(tmp_site, 2023, row("11-dpmptsp", "3.80", "0"))
    problem(tmp_site.validate(), "data/results/2023.csv:2:10: unknown grade '0'",
            "use one of: A, A-, B, B-, C, C-, D, E, F")


def test_zero_is_a_score_when_configured(tmp_site: TmpSite) -> None:
    tmp_site.config("[data]\nzero_is_missing = false\n")
    results_file(tmp_site, 2023, row("11-dpmptsp", "0", "F", aspects="0"))
    assert read(tmp_site).loc[(2023, "11-dpmptsp"), "index"] == 0.0
    results_file(tmp_site, 2023, row("11-dpmptsp", "0", "0", aspects="0"))
    problem(tmp_site.validate(), "data/results/2023.csv:2:10: unknown grade '0'",
            "use one of: A, A-, B, B-, C, C-, D, E, F")


def test_long_and_per_year_layouts_read_the_same(tmp_site: TmpSite, tmp_path: Path) -> None:
    per_year = read(tmp_site)
    lines = ["year," + RESULT_HEADER]
    for year in (2022, 2023):
        body = (tmp_site.root / f"data/results/{year}.csv").read_text().splitlines()[1:]
        lines += [f"{year},{line}" for line in body]
    tmp_site.write("data/all.csv", "\n".join(lines) + "\n")
    tmp_site.config(LONG)
    long = read(tmp_site)
    located = ["path", "line", "column"]  # where each row was read differs, nothing else
    pd.testing.assert_frame_equal(per_year.drop(columns=located), long.drop(columns=located))


def test_no_break_spaces_around_cells_are_stripped(tmp_site: TmpSite) -> None:
    results_file(tmp_site, 2023, "11-dpmptsp,," + ",".join(["3.80\xa0"] * 7) + ",\xa0B")
    results = read(tmp_site)
    assert results.loc[(2023, "11-dpmptsp"), "index"] == 3.80
    assert results.loc[(2023, "11-dpmptsp"), "grade"] == "B"


def test_many_unknown_units_get_suggestions_for_the_first_few_only(tmp_site: TmpSite) -> None:
    results_file(tmp_site, 2023, *[row(f"x-{i}", "3.80", "B") for i in range(12)])
    result = tmp_site.validate()
    assert result.output.count("is not in the registry") == 12
    assert result.output.count("(suggestions are given for the first few only)") == 2
