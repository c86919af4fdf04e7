"""A three-year scratch project for the download tests, and the model it is checked against."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from generator.model import Model, build_model
from generator.pipeline import Inputs, read_inputs
from generator.sitedata import SiteData, build_site_data

from scratch_site import TmpSite, base_project


def three_year_site(root: Path, config_extra: str = "") -> TmpSite:
    """The conftest project plus 2024: 35-samsat (evaluated 2022, not 2023) returns, 36.74-mpp is absent."""
    site = base_project(root, config_extra, narrative=False)
    site.results(2023, [("kl-imigrasi", 3.80), ("11-dpmptsp", 3.805), ("35-dpmptsp", 3.70),
                        ("35-samsat", None), ("35.07-dpmptsp", 4.20), ("35.78-dpmptsp", 4.55),
                        ("36.74-dpmptsp", 3.95), ("36.74-mpp", 4.05)])
    site.results(2024, [("kl-imigrasi", 3.80), ("11-dpmptsp", 3.60), ("35-dpmptsp", 4.10),
                        ("35-samsat", 2.95), ("35.07-dpmptsp", 4.20), ("35.78-dpmptsp", 1.20),
                        ("36.74-dpmptsp", 3.95)])
    return site


@dataclass(frozen=True)
class Built:
    site: TmpSite
    inputs: Inputs
    model: Model
    data: SiteData

    @property
    def output(self) -> Path:
        return self.site.root / "output"

    def text(self, path: str) -> str:
        return (self.output / path).read_text(encoding="utf-8")

    def csv_rows(self, path: str) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(self.text(path), newline="")))

    def json_rows(self, path: str) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = json.loads(self.text(path))
        return rows

    def excel_rows(self, path: str) -> list[list[str]]:
        raw = (self.output / path).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM"
        return list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline=""), delimiter=";"))


def build(site: TmpSite) -> Built:
    result = site.build()
    assert result.exit_code == 0, result.output
    inputs = read_inputs(site.root)
    model = build_model(inputs.results, inputs.units, inputs.provinces, inputs.config.scheme)
    names = dict(zip(inputs.provinces["code"], inputs.provinces["name"], strict=True))
    return Built(site, inputs, model, build_site_data(model, inputs.config.scheme, names))


def model_rows(built: Built, year: int | None = None, unit_id: str | None = None) -> list[dict[str, Any]]:
    """The model's result rows (all years oldest first, each year in ranking order), as plain values."""
    frame = built.model.results
    if year is not None:
        frame = frame[frame["year"] == year]
    if unit_id is not None:
        frame = frame[frame["unit_id"] == unit_id]
    frame = frame.sort_values("year", kind="stable")
    clean = frame.astype(object).where(frame.notna(), None)
    return [{k: (None if v is pd.NA else v) for k, v in row.items()} for row in clean.to_dict("records")]
