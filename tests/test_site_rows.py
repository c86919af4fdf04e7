"""site_rows.records, which turns the model's frames into the site data's rows a column at a time, gives exactly
the values, types and missing markers that pandas' `astype(object).where(notna, None).to_dict("records")` gave:
every fingerprint and page is made from them."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from generator.league import province_league
from generator.model import build_model
from generator.names import aspect_column
from generator.pipeline import read_inputs
from generator.site_rows import SiteRow, records, result_rows

REPO = Path(__file__).resolve().parents[1]


def by_to_dict(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The conversion records replaced: pandas boxing each value on its own."""
    return frame.astype(object).where(frame.notna(), None).to_dict("records")  # type: ignore[return-value]


def typed(rows: list[dict[str, Any]]) -> list[list[tuple[str, type, str]]]:
    """Each value with its exact type and repr (so 1 and 1.0 and True differ, and NaN is seen)."""
    return [[(key, type(value), repr(value)) for key, value in row.items()] for row in rows]


def assert_same(frame: pd.DataFrame) -> None:
    made, expected = records(frame), by_to_dict(frame)
    assert typed(made) == typed(expected)
    assert all(type(row) is dict for row in made)
    for row in made:  # nothing missing is left as a NaN, NaT or pd.NA
        for value in row.values():
            assert value is not pd.NA and value is not pd.NaT
            assert not (isinstance(value, float) and math.isnan(value))


@pytest.fixture(scope="module")
def sample_frames() -> dict[str, pd.DataFrame]:
    inputs = read_inputs(REPO)
    model = build_model(inputs.results, inputs.units, inputs.provinces, inputs.config.scheme)
    return {"results": model.results, "units": model.units, "averages": model.averages,
            "grade counts": model.grade_counts, "group totals": model.group_totals, "provinces": model.provinces,
            "league": province_league(model, inputs.provinces, inputs.config.scheme)}


@pytest.mark.parametrize("name", ["results", "units", "averages", "grade counts", "group totals", "provinces",
                                  "league"])
def test_every_frame_of_the_sample_model_converts_as_to_dict_did(sample_frames: dict[str, pd.DataFrame],
                                                                  name: str) -> None:
    frame = sample_frames[name]
    assert len(frame) > 0
    assert_same(frame)
    assert_same(frame.iloc[len(frame) // 3:len(frame) // 2])  # a year's slice, as result_rows converts


def test_the_sample_results_hold_every_kind_of_column_and_missing_value(
        sample_frames: dict[str, pd.DataFrame]) -> None:
    """The comparison above covers masked integers and numpy floats with gaps, strings, objects and booleans."""
    frame = sample_frames["results"]
    kinds = {str(dtype) for dtype in frame.dtypes}
    assert {"int64", "Int64", "float64", "bool", "object", "str"} <= kinds
    for kind in ("Int64", "float64", "object"):
        assert any(frame[column].isna().any() for column in frame.columns if str(frame[column].dtype) == kind)


def test_every_column_type_with_missing_values_converts_as_to_dict_did() -> None:
    frame = pd.DataFrame({
        "int64": np.array([1, -2, 3, 2**62], dtype="int64"),
        "int32": np.array([1, 2, 3, 4], dtype="int32"),
        "uint8": np.array([0, 1, 2, 255], dtype="uint8"),
        "uint64": np.array([0, 1, 2, 2**64 - 1], dtype="uint64"),
        "float64": [1.5, np.nan, -0.0, np.inf],
        "float32": np.array([1.1, np.nan, 2.0, -3.25], dtype="float32"),
        "bool": [True, False, True, False],
        "Int64": pd.array([1, None, 3, -4], dtype="Int64"),
        "Int8": pd.array([None, 2, None, 4], dtype="Int8"),
        "Float64": pd.array([1.25, None, 3.0, None], dtype="Float64"),
        "boolean": pd.array([True, None, False, None], dtype="boolean"),
        "str": pd.array(["a", None, "c", "</script>"], dtype="str"),
        "string": pd.array(["a", None, "c", ""], dtype="string"),
        "object": ["A", np.nan, None, 4],
        "object numbers": pd.Series([np.int64(3), np.float64(2.5), np.bool_(True), pd.NA], dtype=object),
        "dates": pd.to_datetime(["2024-03-12", None, "2025-01-01", "2020-02-29"]),
        "deltas": pd.to_timedelta(["1D", None, "2h", "0s"]),
        "category": pd.Categorical(["x", None, "y", "x"]),
        "all missing": pd.array([None, None, None, None], dtype="Int64"),
    })
    assert_same(frame)
    assert_same(frame.iloc[1:3])
    assert_same(frame.iloc[0:0])


def test_a_frame_without_columns_converts_as_to_dict_did() -> None:
    assert records(pd.DataFrame(index=range(3))) == by_to_dict(pd.DataFrame(index=range(3))) == [{}, {}, {}]


def rows_as_before(results: pd.DataFrame, names: pd.Series, aspect_keys: tuple[str, ...]) -> list[dict[str, Any]]:
    """How result_rows made its rows before it built them a year's columns at a time."""
    made = []
    for _year, part in results.groupby("year", sort=True):
        for item in by_to_dict(part):
            item["name"] = names.get(item["unit_id"], item["unit_id"])
            item["aspects"] = [item[aspect_column(key)] for key in aspect_keys]
            made.append(item)
    return made


def test_result_rows_are_the_rows_made_value_by_value(sample_frames: dict[str, pd.DataFrame]) -> None:
    results, names = sample_frames["results"], sample_frames["units"]["name"]
    keys = tuple(column.removeprefix("aspect:") for column in results.columns if column.startswith("aspect:"))
    assert len(keys) == 6
    # a unit the registry does not name keeps its id as its name
    unnamed = names.drop(names.index[0])
    for given in (names, unnamed):
        made = result_rows(results, given, keys)
        assert all(type(row) is SiteRow for row in made)
        expected = rows_as_before(results, given, keys)
        assert [list(row) for row in made] == [list(row) for row in expected]  # the same keys, in order
        assert typed([dict(row) for row in made]) == typed(expected)
    made = result_rows(results, unnamed, keys)
    assert any(row["name"] == row["unit_id"] == names.index[0] for row in made)
    assert result_rows(results, names, ())[0]["aspects"] == []
