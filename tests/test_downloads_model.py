"""Every download checked against the model: per year, whole dataset and per unit, in CSV, JSON and the
spreadsheet variant; rows, numbers, ranks, names and labels; deterministic bytes."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from download_site import Built, build, model_rows, three_year_site

from generator.names import DOWNLOAD_ADDED, DOWNLOAD_HEAD, DOWNLOAD_TAIL
from generator.rounding import round_half_up

YEARS = (2022, 2023, 2024)
ASPECTS = ("kebijakan", "sdm", "sarpras", "sipp", "konsultasi", "inovasi")
COLUMNS = [*DOWNLOAD_HEAD, *ASPECTS, *DOWNLOAD_TAIL, *DOWNLOAD_ADDED]
NUMBERS = {"index", "delta", *ASPECTS}
INTEGERS = {"year", "compared_year", *(f"{p}_{s}" for p in ("rank", "count", "move")
                                       for s in ("national", "level", "type", "province"))}
BOOLEANS = {"evaluated", "is_new", "returning"}
MESSAGES = Path(__file__).resolve().parents[1] / "themes/default/i18n"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(three_year_site(tmp_path_factory.mktemp("downloads") / "site"))


def expected(built: Built, row: dict[str, Any]) -> dict[str, Any]:
    """What a download row should hold, from the model row and the project's own inputs."""
    config = built.inputs.config
    unit = built.inputs.units.loc[row["unit_id"]]
    provinces = dict(zip(built.inputs.provinces["code"], built.inputs.provinces["name"], strict=True))
    level = {c.key: c for c in config.levels}[row["level"]]
    kind = {c.key: c for c in config.unit_types}[row["type"]]
    band = config.scheme.band(row["grade"]) if row["grade"] else None
    values: dict[str, Any] = {column: row.get(column) for column in COLUMNS}
    values |= {
        "name": unit["name"], "province": row["province"] or None, "grade": row["grade"] or None,
        "index": row["score"], "evaluated": row["evaluated"],
        "level_label_id": level.label_id, "level_label_en": level.label_en,
        "type_label_id": kind.label_id, "type_label_en": kind.label_en,
        "province_name": provinces.get(row["province"]), "regency": unit["regency"] or None,
        "regency_name": unit["regency_name"] or None,
        "predikat_label_id": band.predikat_id if band else None,
        "predikat_label_en": band.predikat_en if band else None,
    }
    values |= {key: row[f"aspect:{key}"] for key in ASPECTS}
    return values


def as_csv(column: str, value: Any, decimal: str = ".", yes: str = "True", no: str = "False") -> str:
    if value is None:
        return ""
    if column in NUMBERS:
        return format(round_half_up(value, 2), "f").replace(".", decimal)
    if column in BOOLEANS:
        return yes if value else no
    if column in INTEGERS:
        return str(int(value))
    return str(value)


def as_json(column: str, value: Any) -> Any:
    if value is None:
        return None
    if column in NUMBERS:
        return float(round_half_up(value, 2))
    if column in BOOLEANS:
        return bool(value)
    if column in INTEGERS:
        return int(value)
    return value


def test_sample_of_the_fixture_has_the_cases_the_files_must_carry(built: Built) -> None:
    rows = model_rows(built, 2024)
    samsat = next(r for r in rows if r["unit_id"] == "35-samsat")
    assert samsat["returning"] and samsat["compared_year"] == 2022
    assert any(not r["evaluated"] for r in model_rows(built, 2023))
    assert any(r["is_new"] for r in model_rows(built, 2023))


@pytest.mark.parametrize("year", YEARS)
def test_year_csv_and_json_match_the_model(built: Built, year: int) -> None:
    want = [expected(built, row) for row in model_rows(built, year)]
    csv_rows = built.csv_rows(f"{year}/rapor-{year}.csv")
    json_rows = built.json_rows(f"{year}/rapor-{year}.json")
    assert list(csv_rows[0]) == COLUMNS and list(json_rows[0]) == COLUMNS
    assert [r["unit_id"] for r in csv_rows] == [w["unit_id"] for w in want]  # the model's ranking order
    for got_csv, got_json, row in zip(csv_rows, json_rows, want, strict=True):
        assert got_csv == {c: as_csv(c, row[c]) for c in COLUMNS}, row["unit_id"]
        assert got_json == {c: as_json(c, row[c]) for c in COLUMNS}, row["unit_id"]


def test_whole_dataset_is_every_year_oldest_first(built: Built) -> None:
    want = [expected(built, row) for row in model_rows(built)]
    assert [r["year"] for r in want] == sorted(r["year"] for r in want)
    csv_rows = built.csv_rows("data/rapor.csv")
    assert csv_rows == [{c: as_csv(c, row[c]) for c in COLUMNS} for row in want]
    assert built.json_rows("data/rapor.json") == [{c: as_json(c, row[c]) for c in COLUMNS} for row in want]
    # The same lines as the yearly files, in year order.
    years = "".join(built.text(f"{y}/rapor-{y}.csv").split("\n", 1)[1] for y in YEARS)
    assert built.text("data/rapor.csv").split("\n", 1)[1] == years


def test_unit_files_hold_the_units_history(built: Built) -> None:
    units = sorted(built.inputs.units.index)
    for unit_id in units:
        want = [expected(built, row) for row in model_rows(built, unit_id=unit_id)]
        assert want, unit_id
        assert built.csv_rows(f"unit/{unit_id}/rapor-{unit_id}.csv") == [
            {c: as_csv(c, row[c]) for c in COLUMNS} for row in want]
        assert built.json_rows(f"unit/{unit_id}/rapor-{unit_id}.json") == [
            {c: as_json(c, row[c]) for c in COLUMNS} for row in want]
    # The former id's rows are the unit's own: its history starts under the old id in 2022.
    history = built.csv_rows("unit/kl-imigrasi/rapor-kl-imigrasi.csv")
    assert [(r["year"], r["unit_id"]) for r in history] == [("2022", "kl-imigrasi"), ("2023", "kl-imigrasi"),
                                                            ("2024", "kl-imigrasi")]
    assert not (built.output / "unit/kl-imigrasi-lama/rapor-kl-imigrasi-lama.csv").exists()


@pytest.mark.parametrize("path", ["2023/rapor-2023-excel.csv", "data/rapor-excel.csv"])
def test_spreadsheet_variant_reads_back_to_the_same_values(built: Built, path: str) -> None:
    messages = tomllib.loads((MESSAGES / "id.toml").read_text(encoding="utf-8"))
    labels = {a.key: a.label_id for a in built.inputs.config.scheme.aspects}
    kept = [c for c in COLUMNS if not c.endswith("_label_en")]
    raw = (built.output / path).read_bytes()
    assert b"\r\n" in raw and raw.count(b"\n") == raw.count(b"\r\n")  # CRLF line ends throughout
    header, *rows = built.excel_rows(path)
    assert header == [labels[c] if c in labels else messages["data_header"][c] for c in kept]
    year = 2023 if "2023" in path else None
    want = [expected(built, row) for row in model_rows(built, year)]
    yes, no = messages["data"]["yes"], messages["data"]["no"]
    assert rows == [[as_csv(c, row[c], ",", yes, no) for c in kept] for row in want]
    # Numbers come back with a decimal comma: 35-dpmptsp fell 0.20 from 2022 to 2023.
    faller = next(r for r in rows if r[2] == "35-dpmptsp" and r[0] == "2023")
    assert float(faller[header.index("Perubahan indeks")].replace(",", ".")) == -0.2


def test_two_builds_write_the_same_download_bytes(built: Built) -> None:
    names = ["datapackage.json", "data/index.html", "en/data/index.html", "data/rapor.csv", "data/rapor.json",
             "data/rapor-excel.csv", *(f"{y}/rapor-{y}{s}" for y in YEARS for s in (".csv", ".json", "-excel.csv")),
             "unit/35.07-dpmptsp/rapor-35.07-dpmptsp.csv", "unit/35.07-dpmptsp/rapor-35.07-dpmptsp.json"]
    before = {name: (built.output / name).read_bytes() for name in names}
    again = built.site.build("--output", str(built.site.root / "again"))
    assert again.exit_code == 0, again.output
    assert {name: (built.site.root / "again" / name).read_bytes() for name in names} == before
