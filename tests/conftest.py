"""Fixtures for the unit and build tests: a valid tiny project in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

from scratch_site import TmpSite, base_project


@pytest.fixture
def tmp_site(tmp_path: Path) -> TmpSite:
    """A valid tiny project: three provinces, three regencies, eight units, two years, a narrative page."""
    return base_project(tmp_path / "site")
