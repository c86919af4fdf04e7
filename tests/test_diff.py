"""`rapor diff`: what a build would change in the output folder, without writing it."""

from __future__ import annotations

import re
from pathlib import Path

from scratch_site import UNITS, TmpSite


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_no_change_exits_zero(tmp_site: TmpSite) -> None:
    assert tmp_site.build("-q").exit_code == 0
    result = tmp_site.cli("diff", str(tmp_site.root), "--exit-code")
    assert result.exit_code == 0, result.output + result.stderr
    assert result.output.startswith("nothing would change: ")


def test_a_correction_is_listed_and_nothing_is_written(tmp_site: TmpSite) -> None:
    assert tmp_site.build("-q").exit_code == 0
    output = tmp_site.root / "output"
    before = snapshot(output)
    # Malang 2023: 4.20 -> 3.60 (grade A- -> B), which moves it below Tangerang Selatan (3.95) and others.
    text = (tmp_site.root / "data/results/2023.csv").read_text(encoding="utf-8")
    tmp_site.write("data/results/2023.csv", text.replace("35.07-dpmptsp,," + "4.20," * 7 + "A-",
                                                         "35.07-dpmptsp,," + "3.60," * 7 + "B"))
    result = tmp_site.cli("diff", str(tmp_site.root), "--exit-code")
    assert result.exit_code == 1, result.output + result.stderr
    lines = result.output.splitlines()
    malang = next(line for line in lines if "35.07-dpmptsp" in line)
    assert malang.startswith("2023  35.07-dpmptsp  DPMPTSP Kabupaten Malang: ")
    for part in ("index 4.20 → 3.60", "grade A- → B", "kebijakan 4.20 → 3.60", "rank_national 2 → 7",
                 "delta 0.80 → 0.20"):
        assert part in malang
    assert any(line.startswith("… and ") and "--ranks" in line for line in lines)
    # Pages change; files are added and removed only in the search index, whose files are named by content.
    assert re.fullmatch(r"files: [1-9]\d* changed, \d+ added, \d+ removed, \d+ unchanged in .+", lines[-1]), lines[-1]
    assert snapshot(output) == before
    with_ranks = tmp_site.cli("diff", str(tmp_site.root), "--ranks").output
    assert "2023  36.74-dpmptsp  DPMPTSP Kota Tangerang Selatan: rank_national 4 → 3" in with_ranks

    draft = tmp_site.cli("diff", str(tmp_site.root), "--draft-corrections").output.splitlines()
    assert draft[0] == "date,year,unit_id,field,old_value,new_value,reason_id,reason_en"
    fields = [row.split(",")[3:6] for row in draft[1:]]
    assert ["index", "4.20", "3.60"] in fields and ["grade", "A-", "B"] in fields and ["sdm", "4.20", "3.60"] in fields
    assert all(row.split(",")[2] == "35.07-dpmptsp" for row in draft[1:])


def test_units_added_and_removed(tmp_site: TmpSite) -> None:
    assert tmp_site.build("-q").exit_code == 0
    text = (tmp_site.root / "data/results/2023.csv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("36.74-mpp")]
    tmp_site.write("data/results/2023.csv", "\n".join(lines) + "\n")
    result = tmp_site.cli("diff", str(tmp_site.root))
    assert "2023  - 36.74-mpp  Mal Pelayanan Publik Kota Tangerang Selatan: removed" in result.output


def test_before_any_build_everything_is_added(tmp_site: TmpSite) -> None:
    result = tmp_site.cli("diff", str(tmp_site.root), "--exit-code")
    assert result.exit_code == 1
    assert "2023  + 35.07-dpmptsp  DPMPTSP Kabupaten Malang: added" in result.output
    assert " 0 changed, " in result.output.splitlines()[-1]
    assert not (tmp_site.root / "output").exists()


def test_bad_input_is_located_and_exits_two(tmp_site: TmpSite) -> None:
    tmp_site.write("data/results/2023.csv", "unit_id,index\n35.07-dpmptsp,abc\n")
    result = tmp_site.cli("diff", str(tmp_site.root), "--exit-code")
    assert result.exit_code == 2 and "data/results/2023.csv:" in result.stderr and "Traceback" not in result.stderr


def test_a_damaged_download_in_the_output_is_located_not_a_crash(tmp_site: TmpSite) -> None:
    """The output's yearly downloads are what results are compared with: one that is not the CSV a build writes
    (binary bytes, another file's header) is an error at its place, every one of them, never a traceback nor
    every unit of its year listed as added."""
    assert tmp_site.build("-q").exit_code == 0
    output = tmp_site.root / "output"
    (output / "2023/rapor-2023.csv").write_bytes(b"year,unit_id\n2023,ok\n2023,\xab\xff\n")
    (output / "2022/rapor-2022.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    before = snapshot(output)
    result = tmp_site.cli("diff", str(tmp_site.root), "--exit-code")
    assert result.exit_code == 2, result.output + result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    hint = ("  hint: it was changed or damaged after its build; rapor build writes it again (or remove it, and its "
            "year's results are listed as added)")
    assert result.stderr.splitlines() == [
        f"{output / '2022/rapor-2022.csv'}:1:1: the output's download cannot be compared with: its header has no "
        "year or unit_id column", hint,
        f"{output / '2023/rapor-2023.csv'}:3:6: the output's download cannot be compared with: it is not UTF-8 text",
        hint, "2 errors found; nothing was written."]
    assert snapshot(output) == before


def test_a_name_longer_than_the_csv_modules_field_limit_is_compared(tmp_site: TmpSite) -> None:
    """A unit's name has no length limit; the download quotes a name holding a comma, and the diff reads it back
    past the csv module's 128 KiB default."""
    long_name = "Kota, " + "S" * 140_000
    tmp_site.units([(row[0], long_name, *row[2:]) if row[0] == "35.78-dpmptsp" else row for row in UNITS])
    assert tmp_site.build("-q").exit_code == 0
    result = tmp_site.cli("diff", str(tmp_site.root), "--exit-code")
    assert result.exit_code == 0, result.output + result.stderr
