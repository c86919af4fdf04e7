"""Quotes in CSV files: a quote inside a cell is text, as spreadsheets read it; a quote that opens a cell and
is never closed is located at the quote's line and, as every CSV message, at its cell's number, in every CSV
file a project has.
"""

from __future__ import annotations

import pytest
from click.testing import Result

from generator.pipeline import read_inputs

from scratch_site import RESULT_HEADER, TmpSite

UNCLOSED = 'a quote (") opened in this cell is never closed'
UNCLOSED_HINT = 'close the quote or remove it; a quote inside a quoted cell is written twice ("")'
LOG_HEADER = "date,year,unit_id,field,old_value,new_value,reason_id,reason_en\n"
CORRECTION = "2024-03-12,2023,35.07-dpmptsp,index,4.13,4.20,{reason},\n"


def problem(result: Result, where_what: str, hint: str) -> None:
    assert result.exit_code == 2, result.output
    assert f"{where_what}\n  hint: {hint}\n" in result.output, result.output


def edit(site: TmpSite, path: str, old: str, new: str) -> None:
    text = (site.root / path).read_text(encoding="utf-8")
    assert text.count(old) == 1, (path, old)
    site.write(path, text.replace(old, new))


def results_file(site: TmpSite, *lines: str) -> None:
    site.write("data/results/2023.csv", "\n".join([RESULT_HEADER, *lines]) + "\n")


def result_line(unit_id: str, name: str) -> str:
    return f"{unit_id},{name}," + ",".join(["3.80"] * 7) + ",B"


# Every CSV file of the project: where a cell starts, what it holds, and its line and cell number.
CELLS = [
    ("data/results/2023.csv", "11-dpmptsp,,", "11-dpmptsp,{cell},", 3, 2),
    ("data/units.csv", "11-dpmptsp,DPMPTSP Provinsi Aceh,", "11-dpmptsp,{cell},", 3, 2),
    ("data/reference/provinsi.csv", "35,Jawa Timur", "35,{cell}", 3, 2),
    ("data/reference/kabupaten_kota.csv", "35.07,35,Kabupaten Malang,", "35.07,35,{cell},", 2, 3),
    ("data/corrections.csv", None, None, 3, 7),
]


def put_cell(site: TmpSite, path: str, old: str | None, new: str | None, cell: str) -> None:
    if old is None or new is None:  # the corrections log: its second row's reason
        site.write(path, LOG_HEADER + CORRECTION.format(reason="Salah ketik.") + CORRECTION.format(reason=cell))
    else:
        edit(site, path, old, new.format(cell=cell))


@pytest.mark.parametrize(("path", "old", "new", "line", "column"), CELLS)
def test_an_unclosed_quote_is_located_at_the_quote(tmp_site: TmpSite, path: str, old: str | None,
                                                   new: str | None, line: int, column: int) -> None:
    put_cell(tmp_site, path, old, new, '"Kota Baru')
    result = tmp_site.build("-q")
    problem(result, f"{path}:{line}:{column}: {UNCLOSED}", UNCLOSED_HINT)
    assert "Traceback" not in result.output + result.stderr


@pytest.mark.parametrize(("path", "old", "new", "line", "column"), CELLS)
def test_a_quote_inside_a_cell_is_text(tmp_site: TmpSite, path: str, old: str | None, new: str | None,
                                       line: int, column: int) -> None:
    """One stray quote or two, as a spreadsheet reads them on import: no error, whatever their number."""
    put_cell(tmp_site, path, old, new, 'Kota "Baru')
    assert tmp_site.validate().exit_code == 0
    put_cell(tmp_site, path, new and new.format(cell='Kota "Baru'), new, 'Kota "Baru" Lama')
    assert tmp_site.build("-q").exit_code == 0


def test_a_quote_inside_a_name_is_read_as_written(tmp_site: TmpSite) -> None:
    edit(tmp_site, "data/units.csv", "DPMPTSP Provinsi Aceh", 'DPMPTSP "Aceh Provinsi Aceh')
    edit(tmp_site, "data/reference/provinsi.csv", "Jawa Timur", 'Jawa "Timur')
    inputs = read_inputs(tmp_site.root)
    assert inputs.units.loc["11-dpmptsp", "name"] == 'DPMPTSP "Aceh Provinsi Aceh'
    assert inputs.provinces.set_index("code").loc["35", "name"] == 'Jawa "Timur'


def test_the_column_is_the_cells_number_in_any_encoding(tmp_site: TmpSite) -> None:
    """Spaces before a quote are skipped (the quote still opens the cell), in any encoding."""
    text = RESULT_HEADER + "\n" + result_line("11-dpmptsp", "Sérang") + "\n" + \
        result_line("35-dpmptsp", '  "Jawa Timur') + "\n"
    for encoding in ("utf-8", "utf-8-sig", "cp1252", "utf-16"):
        tmp_site.write("data/results/2023.csv", text.replace("35-dpmptsp", "35-dpmptsé").encode(encoding))
        problem(tmp_site.validate(), f"data/results/2023.csv:3:2: {UNCLOSED}", UNCLOSED_HINT)


@pytest.mark.parametrize("sep", [";", "\t"])
def test_other_separators(tmp_site: TmpSite, sep: str) -> None:
    lines = [RESULT_HEADER, result_line("11-dpmptsp", 'DPMPTSP "Aceh'), result_line("35-dpmptsp", '"Jawa Timur')]
    tmp_site.write("data/results/2023.csv", "\n".join(lines).replace(",", sep) + "\n")
    problem(tmp_site.validate(), f"data/results/2023.csv:3:2: {UNCLOSED}", UNCLOSED_HINT)


def test_quoted_cells_spanning_lines_still_read_and_count_lines(tmp_site: TmpSite) -> None:
    results_file(tmp_site, result_line("11-dpmptsp", '"DPMPTSP\nProvinsi ""Aceh"""'),
                 result_line("35-dpmptsp", 'DPMPTSP "Jawa'), result_line("35.07-dpmptsp", "x").replace("3.80", "x", 1))
    result = tmp_site.validate()
    assert result.exit_code == 2, result.output
    assert "data/results/2023.csv:5:3: 'x' is not a number (column 'kebijakan')" in result.output, result.output
    assert "quote" not in result.output


def test_an_unclosed_quote_after_a_cell_spanning_lines(tmp_site: TmpSite) -> None:
    """In the same row: the quote is on the row's second line."""
    results_file(tmp_site, result_line("11-dpmptsp", '"DPMPTSP\nAceh"'),
                 result_line("35-dpmptsp", '"DPMPTSP\nJawa Timur"').replace(",B", ',"B'),
                 result_line("35.07-dpmptsp", "Malang"))
    problem(tmp_site.validate(), f"data/results/2023.csv:5:10: {UNCLOSED}", UNCLOSED_HINT)


def test_an_unclosed_quote_that_overflows_a_cell(tmp_site: TmpSite) -> None:
    """The rest of a long file in one cell is more than the csv module reads: still located at the quote."""
    rows = [result_line(f"u{i}", "Unit") for i in range(4000)]
    rows[1] = result_line("u1", '"Unit')
    results_file(tmp_site, *rows)
    result = tmp_site.validate()
    problem(result, f"data/results/2023.csv:3:2: {UNCLOSED}", UNCLOSED_HINT)
    assert len([line for line in result.output.splitlines() if "2023.csv" in line]) == 1, result.output


def test_a_quoted_cell_longer_than_the_csv_modules_limit_is_read(tmp_site: TmpSite) -> None:
    """A cell may be longer than the csv module's default 128 KiB (a long quoted name): the file is valid and
    read as written, not refused as unreadable at 1:1."""
    long_name = "DPMPTSP, " + "Aceh " * 30_000
    edit(tmp_site, "data/units.csv", "DPMPTSP Provinsi Aceh", f'"{long_name}"')
    inputs = read_inputs(tmp_site.root)
    assert inputs.units.loc["11-dpmptsp", "name"] == long_name.strip()
