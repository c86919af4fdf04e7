"""The model: ranks with ties, change against the previous year, counts, averages and history."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from generator.config import load_config
from generator.model import Model, build_model
from generator.pipeline import read_inputs
from generator.rounding import round_float

from scratch_site import TmpSite

REPO = Path(__file__).resolve().parents[1]
OMBUDSMAN = REPO / "examples" / "ombudsman"


def model_of(site: TmpSite | Path) -> Model:
    inputs = read_inputs(site if isinstance(site, Path) else site.root)
    return build_model(inputs.results, inputs.units, inputs.provinces, inputs.config.scheme)


def ranking(model: Model, year: int, scope: str = "national") -> list[tuple[str, int | None]]:
    rows = model.year_results(year)
    if scope != "national":
        rows = rows.sort_values([f"rank_{scope}", "unit_id"], na_position="last")
    return [(u, None if pd.isna(r) else int(r)) for u, r in zip(rows["unit_id"], rows[f"rank_{scope}"], strict=True)]


def row(model: Model, year: int, unit_id: str) -> pd.Series:
    rows = model.results[(model.results["year"] == year) & (model.results["unit_id"] == unit_id)]
    assert len(rows) == 1
    return rows.iloc[0]


# --- ranks -----------------------------------------------------------------------------------------------------


def test_tied_units_share_a_rank_and_the_next_rank_is_skipped(tmp_site: TmpSite) -> None:
    tmp_site.results(2023, [("11-dpmptsp", 3.80), ("35-dpmptsp", 3.80), ("35-samsat", 3.70), ("36.74-mpp", 3.90)])
    assert ranking(model_of(tmp_site), 2023) == [
        ("36.74-mpp", 1), ("11-dpmptsp", 2), ("35-dpmptsp", 2), ("35-samsat", 4)]


def test_ties_are_decided_at_the_published_precision(tmp_site: TmpSite) -> None:
    """3.804 and 3.796 are both published as 3.80, so neither is ahead; 3.805 is published as 3.81."""
    tmp_site.results(2023, [("11-dpmptsp", 3.804), ("35-dpmptsp", 3.796), ("35-samsat", 3.805)])
    model = model_of(tmp_site)
    assert ranking(model, 2023) == [("35-samsat", 1), ("11-dpmptsp", 2), ("35-dpmptsp", 2)]
    assert row(model, 2023, "35-samsat")["score"] == 3.81


def test_units_not_evaluated_get_no_rank_and_do_not_count(tmp_site: TmpSite) -> None:
    tmp_site.results(2023, [("11-dpmptsp", 3.80), ("35-dpmptsp", None), ("35-samsat", 3.70)])
    model = model_of(tmp_site)
    assert ranking(model, 2023) == [("11-dpmptsp", 1), ("35-samsat", 2), ("35-dpmptsp", None)]
    not_evaluated = row(model, 2023, "35-dpmptsp")
    assert not not_evaluated["evaluated"]
    assert pd.isna(not_evaluated["rank_level"]) and pd.isna(not_evaluated["count_national"])
    assert not_evaluated["grade"] == ""
    assert row(model, 2023, "11-dpmptsp")["count_national"] == 2


def ranks(model: Model, year: int, scope: str) -> dict[str, int | None]:
    rows = model.year_results(year)
    return {u: None if pd.isna(r) else int(r) for u, r in zip(rows["unit_id"], rows[f"rank_{scope}"], strict=True)}


def test_ranks_within_level_type_and_province(tmp_site: TmpSite) -> None:
    model = model_of(tmp_site)  # the fixture's 2023: see tests/conftest.py
    assert ranks(model, 2023, "level") == {
        "35.78-dpmptsp": 1, "35.07-dpmptsp": 2, "36.74-mpp": 3, "36.74-dpmptsp": 4,  # kabupaten-kota
        "kl-imigrasi": 1,  # kementerian-lembaga
        "11-dpmptsp": 1, "35-dpmptsp": 2, "35-samsat": None}  # provinsi; 35-samsat not evaluated
    # A type is ranked within its level: provincial DPMPTSP offices apart from the regency and city ones.
    assert ranks(model, 2023, "type") == {
        "35.78-dpmptsp": 1, "35.07-dpmptsp": 2, "36.74-dpmptsp": 3,  # dpmptsp, kabupaten-kota
        "11-dpmptsp": 1, "35-dpmptsp": 2,  # dpmptsp, provinsi
        "36.74-mpp": 1, "kl-imigrasi": 1, "35-samsat": None}
    # Province ranks leave out units without a province (kl-imigrasi).
    assert ranks(model, 2023, "province") == {
        "11-dpmptsp": 1,  # 11
        "35.78-dpmptsp": 1, "35.07-dpmptsp": 2, "35-dpmptsp": 3, "35-samsat": None,  # 35
        "36.74-mpp": 1, "36.74-dpmptsp": 2,  # 36
        "kl-imigrasi": None}
    surabaya = row(model, 2023, "35.78-dpmptsp")
    assert (surabaya["count_level"], surabaya["count_type"], surabaya["count_province"]) == (4, 3, 3)
    assert row(model, 2023, "11-dpmptsp")["count_type"] == 2


# --- change against the previous year --------------------------------------------------------------------------


def test_change_against_the_previous_year(tmp_site: TmpSite) -> None:
    model = model_of(tmp_site)
    malang = row(model, 2023, "35.07-dpmptsp")  # 3.40 (B-, 4th of 7) -> 4.20 (A-, 2nd of 7)
    assert malang["delta"] == pytest.approx(0.80)
    assert (malang["prev_rank_national"], malang["rank_national"], malang["move_national"]) == (4, 2, 2)
    assert (malang["prev_grade"], malang["grade"], malang["grade_change"]) == ("B-", "A-", 2)
    jatim = row(model, 2023, "35-dpmptsp")  # 3.90 (2nd) -> 3.70 (7th)
    assert jatim["delta"] == pytest.approx(-0.20)
    assert jatim["move_national"] == -5
    assert jatim["grade_change"] == 0
    assert not malang["is_new"] and not jatim["is_new"]


def test_delta_is_taken_between_published_values(tmp_site: TmpSite) -> None:
    tmp_site.results(2022, [("11-dpmptsp", 3.704)])
    tmp_site.results(2023, [("11-dpmptsp", 3.806)])
    assert row(model_of(tmp_site), 2023, "11-dpmptsp")["delta"] == 0.11  # 3.81 - 3.70, as shown


def test_units_entering_and_leaving(tmp_site: TmpSite) -> None:
    model = model_of(tmp_site)
    mpp = row(model, 2023, "36.74-mpp")  # first evaluated in 2023
    assert mpp["is_new"] and not mpp["returning"]
    assert pd.isna(mpp["delta"]) and pd.isna(mpp["move_national"]) and pd.isna(mpp["grade_change"])
    # 35-samsat was evaluated in 2022, listed but not evaluated in 2023: it left the ranking.
    assert list(model.departed(2023)["unit_id"]) == ["35-samsat"]
    assert model.departed(2022).empty
    # Nobody is "new" in the first year of data.
    assert not model.year_results(2022)["is_new"].any()


def test_a_unit_back_after_a_gap_is_returning_not_new(tmp_site: TmpSite) -> None:
    tmp_site.results(2021, [("11-dpmptsp", 3.00), ("35-dpmptsp", 3.50)])
    tmp_site.results(2022, [("35-dpmptsp", 3.60)])
    tmp_site.results(2023, [("11-dpmptsp", 3.20), ("35-dpmptsp", 3.70)])
    model = model_of(tmp_site)
    aceh = row(model, 2023, "11-dpmptsp")
    assert aceh["returning"] and not aceh["is_new"]
    # Its changes are measured against its last evaluated year, 2021, and the row says so.
    assert (aceh["previous_year"], aceh["compared_year"]) == (2022, 2021)
    assert aceh["delta"] == pytest.approx(0.20)
    assert (aceh["prev_rank_national"], aceh["rank_national"], aceh["move_national"]) == (2, 2, 0)
    assert aceh["prev_grade"] == "C" and aceh["grade_change"] == 1
    assert list(model.departed(2022)["unit_id"]) == ["11-dpmptsp"]
    jatim = row(model, 2023, "35-dpmptsp")  # evaluated every year: compared with the year before
    assert (jatim["compared_year"], jatim["returning"]) == (2022, False)
    assert pd.isna(row(model, 2021, "35-dpmptsp")["compared_year"])


def test_previous_year_is_the_previous_year_in_the_data(tmp_site: TmpSite) -> None:
    (tmp_site.root / "data/results/2022.csv").unlink()
    tmp_site.results(2020, [("11-dpmptsp", 3.00)])
    model = model_of(tmp_site)
    assert model.years == (2020, 2023)
    aceh = row(model, 2023, "11-dpmptsp")
    assert aceh["previous_year"] == 2020
    assert aceh["delta"] == pytest.approx(0.80)


# --- history ---------------------------------------------------------------------------------------------------


def test_history_follows_a_renamed_unit(tmp_site: TmpSite) -> None:
    """kl-imigrasi was filed as kl-imigrasi-lama in 2022 (its former id)."""
    model = model_of(tmp_site)
    history = model.unit_history("kl-imigrasi")
    assert list(history["year"]) == [2022, 2023]
    assert list(history["index"]) == [3.50, 3.80]
    assert row(model, 2023, "kl-imigrasi")["delta"] == pytest.approx(0.30)
    assert model.former_ids == {"kl-imigrasi-lama": "kl-imigrasi"}
    assert model.unit_history("kl-imigrasi-lama").empty


def test_history_by_former_name(tmp_site: TmpSite) -> None:
    tmp_site.write("data/results/2021.csv", "unit_name,index,grade,kebijakan,sdm,sarpras,sipp,konsultasi,inovasi\n"
                   "ditjen imigrasi lama,3.10,B-,3.10,3.10,3.10,3.10,3.10,3.10\n")
    assert list(model_of(tmp_site).unit_history("kl-imigrasi")["year"]) == [2021, 2022, 2023]


# --- counts and averages ---------------------------------------------------------------------------------------


def test_counts_per_grade_level_and_type(tmp_site: TmpSite) -> None:
    model = model_of(tmp_site)
    counts = model.grade_counts[model.grade_counts["year"] == 2023]
    assert sorted(map(tuple, counts[["level", "type", "grade", "count"]].to_numpy().tolist())) == [
        ("kabupaten-kota", "dpmptsp", "A", 1), ("kabupaten-kota", "dpmptsp", "A-", 1),
        ("kabupaten-kota", "dpmptsp", "B", 1), ("kabupaten-kota", "mpp", "A-", 1),
        ("kementerian-lembaga", "upp-kl", "B", 1), ("provinsi", "dpmptsp", "B", 2),
    ]
    totals = model.group_totals[model.group_totals["year"] == 2023].set_index(["level", "type"])
    assert totals.loc[("provinsi", "samsat"), "listed"] == 1
    assert totals.loc[("provinsi", "samsat"), "evaluated"] == 0


def average(model: Model, year: int, group: str, key: str, field: str) -> pd.Series:
    a = model.averages
    found = a[(a["year"] == year) & (a["group"] == group) & (a["key"] == key) & (a["field"] == field)]
    assert len(found) == 1
    return found.iloc[0]


def test_national_and_level_averages_and_their_change(tmp_site: TmpSite) -> None:
    """Averages are published rounded, and their change is the difference of the two published averages."""
    model = model_of(tmp_site)
    national = average(model, 2023, "all", "", "index")
    evaluated_2023 = [3.80, 3.80, 3.70, 4.20, 4.55, 3.95, 4.05]
    evaluated_2022 = [3.50, 3.10, 3.90, 3.20, 3.40, 4.60, 3.30]
    assert national["mean"] == 4.01  # 4.00714...
    assert national["previous"] == 3.57  # 3.5714...
    assert national["delta"] == 0.44 == round_float(national["mean"] - national["previous"], 2)
    assert national["compared_year"] == 2022
    assert round_float(sum(evaluated_2023) / 7, 2) == 4.01 and round_float(sum(evaluated_2022) / 7, 2) == 3.57
    provinsi = average(model, 2023, "level", "provinsi", "aspect:sdm")  # aspects equal the index in the fixture
    assert provinsi["mean"] == 3.75  # (3.80 + 3.70) / 2
    assert provinsi["previous"] == 3.40  # (3.10 + 3.90 + 3.20) / 3
    assert math.isnan(average(model, 2022, "all", "", "index")["delta"])
    assert pd.isna(average(model, 2022, "all", "", "index")["compared_year"])


def test_averages_are_the_means_of_the_published_values(tmp_site: TmpSite) -> None:
    """Readers can only average what is published: 1.004, 1.004 and 1.007 are published as 1.00, 1.00 and 1.01,
    whose mean 1.0033 is 1.00 (the mean of the file's values, 1.005, would show 1.01). Means are exact: the
    published 4.50 and 4.51 average to 4.505, which is 4.51."""
    tmp_site.results(2023, [("11-dpmptsp", 1.00), ("35-dpmptsp", 1.00), ("35-samsat", 1.01),
                            ("35.07-dpmptsp", 4.50), ("35.78-dpmptsp", 4.51)])
    path = tmp_site.root / "data/results/2023.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, value in ((1, "1.004"), (2, "1.004"), (3, "1.007")):
        lines[number] = lines[number].replace("1.00", value).replace("1.01", value)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    model = model_of(tmp_site)
    assert average(model, 2023, "level", "provinsi", "index")["mean"] == 1.00
    assert average(model, 2023, "level", "kabupaten-kota", "index")["mean"] == 4.51
    jatim = model.provinces[(model.provinces["year"] == 2023) & (model.provinces["province"] == "35")].iloc[0]
    assert (jatim["mean"], jatim["units"]) == (2.76, 4)  # (1.00 + 1.01 + 4.50 + 4.51) / 4 = 2.755


def test_provinces_ranked_by_their_mean(tmp_site: TmpSite) -> None:
    model = model_of(tmp_site)
    p = model.provinces[model.provinces["year"] == 2023]
    assert list(zip(p["province"], p["rank"], p["units"], strict=True)) == [("35", 1, 3), ("36", 2, 2), ("11", 3, 1)]
    assert list(p["name"]) == ["Jawa Timur", "Banten", "Aceh"]


def test_build_model_does_not_change_its_inputs(tmp_site: TmpSite) -> None:
    inputs = read_inputs(tmp_site.root)
    results, units = inputs.results.copy(), inputs.units.copy()
    build_model(inputs.results, inputs.units, inputs.provinces, inputs.config.scheme)
    pd.testing.assert_frame_equal(inputs.results, results)
    pd.testing.assert_frame_equal(inputs.units, units)


# --- year-dependent weights ------------------------------------------------------------------------------------


def test_weights_in_force_per_year(tmp_site: TmpSite) -> None:
    tmp_site.config("[scheme.weights.2020]\nkebijakan = 25\nsdm = 25\nsarpras = 20\nsipp = 10\nkonsultasi = 10\n"
                    "inovasi = 10\n[scheme.weights.2022]\nkebijakan = 24\nsdm = 25\nsarpras = 18\nsipp = 11\n"
                    "konsultasi = 10\ninovasi = 12\n")
    scheme = load_config(tmp_site.root).scheme
    current = {"kebijakan": 24, "sdm": 25, "sarpras": 18, "sipp": 11, "konsultasi": 10, "inovasi": 12}
    old = {"kebijakan": 25, "sdm": 25, "sarpras": 20, "sipp": 10, "konsultasi": 10, "inovasi": 10}
    assert scheme.weights_for(2019) == current  # before any override: the aspects' own weights
    assert scheme.weights_for(2020) == old
    assert scheme.weights_for(2021) == old
    assert scheme.weights_for(2022) == current
    assert scheme.weights_for(2030) == current


# --- the Ombudsman example ---------------------------------------------------------------------------------------


def competition_ranks(scores: dict[str, float]) -> dict[str, int]:
    """Standard competition ranking, written the plain way to check the vectorised one."""
    ordered = sorted(scores.values(), reverse=True)
    return {unit: ordered.index(score) + 1 for unit, score in scores.items()}


def test_the_ombudsman_example_ranks_correctly() -> None:
    model = model_of(OMBUDSMAN)
    assert model.years == (2022, 2023, 2024)
    results = model.results
    for year in model.years:
        rows = results[(results["year"] == year) & results["evaluated"]]
        expected = competition_ranks(dict(zip(rows["unit_id"], rows["score"], strict=True)))
        assert dict(zip(rows["unit_id"], rows["rank_national"].astype(int), strict=True)) == expected
        for level in rows["level"].unique():
            at_level = rows[rows["level"] == level]
            expected = competition_ranks(dict(zip(at_level["unit_id"], at_level["score"], strict=True)))
            assert dict(zip(at_level["unit_id"], at_level["rank_level"].astype(int), strict=True)) == expected
    # The two bodies published with 81,50 in 2024 share a rank, and both are opini B.
    malang, denpasar = row(model, 2024, "kab-35.07"), row(model, 2024, "kota-51.71")
    assert malang["rank_national"] == denpasar["rank_national"]
    assert malang["grade"] == denpasar["grade"] == "B"
    # Renamed in 2024: the history under the current id holds all three years.
    assert list(model.unit_history("kemendikdasmen")["year"]) == [2022, 2023, 2024]
    assert row(model, 2023, "prov-94")["is_new"]
    assert not row(model, 2023, "kab-32.01")["evaluated"]
    assert "bnpb" in set(model.departed(2024)["unit_id"])
    # Opini bands on the 0–100 scale, with no aspects.
    grades = results[results["evaluated"]]
    for score, grade in zip(grades["score"], grades["grade"], strict=True):
        band = next(letter for low, letter in ((88, "A"), (78, "B"), (54, "C"), (32, "D"), (0, "E")) if score >= low)
        assert grade == band
    assert set(model.averages["field"]) == {"index"}


# --- what the pages make of it ---------------------------------------------------------------------------------


def test_type_rankings_are_per_level_and_changes_name_their_year(tmp_site: TmpSite) -> None:
    """A provincial DPMPTSP is ranked among provincial DPMPTSP only; the type's ranking page has one ranking
    per level; a returning unit's change is measured against its last evaluated year, and the page says so."""
    tmp_site.results(2021, [("11-dpmptsp", 3.00), ("35-dpmptsp", 3.50)])
    tmp_site.results(2022, [("35-dpmptsp", 3.90), ("35.07-dpmptsp", 3.40)])
    result = tmp_site.build()
    assert result.exit_code == 0, result.output
    out = tmp_site.root / "output"
    page = BeautifulSoup((out / "unit/11-dpmptsp/index.html").read_text(encoding="utf-8"), "html.parser")
    figures = {div.dt.get_text(" ", strip=True): div.dd.get_text(" ", strip=True)
               for div in page.find("dl", class_="figures").find_all("div")}
    assert figures["Peringkat DPMPTSP (Provinsi)"] == "1 dari 2"  # not "4 dari 5" among all DPMPTSP
    assert figures["Indeks"] == "3,80 +0,80 dibanding 2021, evaluasi terakhirnya"  # 3.00 in 2021, not evaluated in 2022
    links = [a["href"] for a in page.find("dl", class_="figures").find_all("a")]
    assert "../../2023/ranking/type/dpmptsp/index.html#level-provinsi" in links
    history = page.find("h2", id="history").find_next("table")
    cells = [td.get_text(" ", strip=True) for td in history.tbody.tr.find_all("td")]
    assert cells[2] == "+0,80 dibanding 2021, evaluasi terakhirnya"

    ranking = BeautifulSoup((out / "2023/ranking/type/dpmptsp/index.html").read_text(encoding="utf-8"),
                            "html.parser")
    sections = ranking.find_all("section", attrs={"aria-labelledby": True})
    assert [s.h2.get_text(strip=True) for s in sections] == ["DPMPTSP · Provinsi", "DPMPTSP · Kabupaten/Kota"]
    listed = [[(tr.find_all("td")[0].get_text(strip=True), tr.a.get_text(strip=True)) for tr in s.tbody.find_all("tr")]
              for s in sections]
    assert listed == [[("1", "DPMPTSP Provinsi Aceh"), ("2", "DPMPTSP Provinsi Jawa Timur")],
                      [("1", "DPMPTSP Kota Surabaya"), ("2", "DPMPTSP Kabupaten Malang"),
                       ("3", "DPMPTSP Kota Tangerang Selatan")]]
    english = (out / "en/unit/11-dpmptsp/index.html").read_text(encoding="utf-8")
    assert "Rank among DPMPTSP (Provinces)" in english and "vs 2021, its last evaluation" in english
