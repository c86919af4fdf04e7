"""A cold rebuild makes the lines of only the download rows whose files changed (download.py): each unit's and
year's file is keyed by its rows, the whole dataset is joined from its years' files, a kept year's read back
from the previous build's output; the result equals a full build byte for byte."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator import download
from generator.download import _body, _dataset

from scratch_site import TmpSite

UNIT = "35.07-dpmptsp"


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def correct(site: TmpSite) -> None:
    """UNIT's 2023 index 4.20 -> 4.19: the same grade and ranks, so its 2023 row is the only row that changes."""
    path = site.root / "data/results/2023.csv"
    old, new = f"{UNIT},," + "4.20," * 7 + "A-", f"{UNIT},," + "4.19," * 7 + "A-"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def written_rows(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, str]]:
    """(year, unit id) of every row whose machine-readable line a build writes."""
    seen: list[tuple[int, str]] = []
    row = download._Writer.row

    def noted(self: Any, values: list[Any]) -> str:
        if self.excel is None:
            names = [c.name for c in self.columns]
            seen.append((int(values[names.index("year")]), str(values[names.index("unit_id")])))
        return row(self, values)

    monkeypatch.setattr(download._Writer, "row", noted)
    return seen


def test_a_correction_writes_the_lines_of_the_changed_year_and_unit_only(
        tmp_site: TmpSite, tmp_path: Path, written_rows: list[tuple[int, str]]) -> None:
    assert tmp_site.build().exit_code == 0
    every_row = set(written_rows)
    assert len(every_row) == len(written_rows) == 15  # a full build: each row once (7 in 2022, 8 in 2023)
    written_rows.clear()
    correct(tmp_site)
    assert tmp_site.build().exit_code == 0
    # 2023's files and UNIT's changed; 2022's and the other units' are kept, the datasets joined from the years.
    assert sorted(written_rows) == sorted({row for row in every_row if row[0] == 2023} | {(2022, UNIT)})
    full = tmp_site.build("--force", "-o", str(tmp_path / "full"))
    assert full.exit_code == 0
    assert files(tmp_site.root / "output") == files(tmp_path / "full")  # the manifest too


def test_a_kept_year_missing_from_the_output_is_made_again(
        tmp_site: TmpSite, tmp_path: Path, written_rows: list[tuple[int, str]]) -> None:
    assert tmp_site.build().exit_code == 0
    rows_2022 = {row for row in written_rows if row[0] == 2022}
    (tmp_site.root / "output/2022/rapor-2022.json").unlink()
    written_rows.clear()
    correct(tmp_site)
    assert tmp_site.build().exit_code == 0
    assert len(rows_2022) == 7 and {row for row in written_rows if row[0] == 2022} == rows_2022
    assert tmp_site.build("--force", "-o", str(tmp_path / "full")).exit_code == 0
    assert files(tmp_site.root / "output") == files(tmp_path / "full")


@pytest.mark.parametrize(("kind", "head", "years", "whole"), [
    ("csv", b"a,b\n", [b"a,b\n1,2\n", b"a,b\n", b"a,b\n3,4\n5,6\n"], b"a,b\n1,2\n3,4\n5,6\n"),
    ("excel", "\ufeffa;b\r\n".encode(), ["\ufeffa;b\r\n1;2\r\n".encode(), "\ufeffa;b\r\n3;4\r\n".encode()],
     "\ufeffa;b\r\n1;2\r\n3;4\r\n".encode()),
    ("json", b"", [b'[\n{"a":1}\n]\n', b"[]\n", b'[\n{"a":2},\n{"a":3}\n]\n'], b'[\n{"a":1},\n{"a":2},\n{"a":3}\n]\n'),
    ("json", b"", [b"[]\n", b"[]\n"], b"[]\n"),
])
def test_the_dataset_joined_from_its_years_files_is_the_one_joined_from_all_lines(
        kind: str, head: bytes, years: list[bytes], whole: bytes) -> None:
    bodies = [_body(kind, year, head) for year in years]
    assert _dataset(kind, head, [body for body in bodies if body is not None]) == whole
    assert None not in bodies
    assert _body(kind, b"something else", b"a,b\n" if kind != "json" else b"") is None
