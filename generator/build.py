"""build(config): read → check → model → render → write, with a report of what happened."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import Problem
from .model import build_model
from .pipeline import read_inputs


@dataclass(frozen=True)
class CheckReport:
    units: int
    rows: int
    years: str
    pages: int
    warnings: tuple[Problem, ...]


def check_project(root: Path, strict: bool = False) -> CheckReport:
    """Everything a build reads, checked and modelled, without writing anything."""
    inputs = read_inputs(root, strict=strict)
    model = build_model(inputs.results, inputs.units, inputs.provinces, inputs.config.scheme)
    years = f"{model.years[0]}–{model.years[-1]}" if model.years else "none"
    return CheckReport(len(inputs.units), len(inputs.results), years, len(inputs.pages), inputs.warnings)
