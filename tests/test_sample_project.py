"""The bundled sample project: its data is exactly what scripts/make_sample.py writes, and it validates."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from generator.cli import main

REPO = Path(__file__).resolve().parents[1]


def test_sample_data_is_what_the_script_generates(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(REPO / "scripts/make_sample.py"), "--output", str(tmp_path)],
                   check=True, capture_output=True)
    generated = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.csv"))
    committed = ["units.csv", *sorted(f"results/{p.name}" for p in (REPO / "data/results").glob("*.csv"))]
    assert generated == sorted(committed)
    for name in generated:
        assert (tmp_path / name).read_bytes() == (REPO / "data" / name).read_bytes(), name


def test_sample_project_validates_strictly_without_warnings() -> None:
    result = CliRunner().invoke(main, ["validate", str(REPO), "--strict"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: ")
    assert result.output.rstrip().endswith("; 0 warnings")
