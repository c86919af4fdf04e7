"""Building the same sources twice gives byte-identical output.

The session's build is compared with a second build into another folder, made with a
different hash seed so that any dependence on set/dict ordering of strings shows up.
This test runs first (conftest.py), so under pytest-xdist its build overlaps the shared one.
"""

from __future__ import annotations

import difflib
import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def _digests(root: Path) -> dict[str, str]:
    out = {}
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            path = Path(dirpath, name)
            out[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _first_difference(a: Path, b: Path) -> str:
    try:
        lines_a = a.read_text(encoding="utf-8").splitlines()
        lines_b = b.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        return "    (binary file)"
    diff = list(difflib.unified_diff(lines_a, lines_b, "first build", "second build", n=1, lineterm=""))
    return "\n".join("    " + line[:200] for line in diff[:20])


def test_build_is_deterministic(
    request: pytest.FixtureRequest, tmp_path: Path, build_sample: Callable[..., Path]
) -> None:
    seed = os.environ.get("PYTHONHASHSEED", "")
    other_seed = "2" if seed == "1" else "1"
    # The second build comes first: conftest runs this test first, so that under pytest-xdist it is built
    # while another worker builds the shared site, instead of after it.
    second = build_sample(tmp_path / "second", env={**os.environ, "PYTHONHASHSEED": other_seed})
    site: Path = request.getfixturevalue("site")
    first_files, second_files = _digests(site), _digests(second)
    assert first_files, "the first build is empty"

    only_first = sorted(set(first_files) - set(second_files))
    only_second = sorted(set(second_files) - set(first_files))
    assert not (only_first or only_second), (
        f"the two builds wrote different files; only in the first: {only_first[:20]}; "
        f"only in the second: {only_second[:20]}"
    )

    differing = sorted(p for p in first_files if first_files[p] != second_files[p])
    if differing:
        detail = "\n".join(f"  {p}" for p in differing[:30])
        more = f"\n  ... and {len(differing) - 30} more" if len(differing) > 30 else ""
        pytest.fail(
            f"{len(differing)} of {len(first_files)} files differ between two builds:\n{detail}{more}\n"
            f"first difference, in {differing[0]}:\n"
            f"{_first_difference(site / differing[0], second / differing[0])}",
            pytrace=False,
        )
