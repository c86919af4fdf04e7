"""requirements/test.lock (what CI installs, hash-checked) covers every requirement in pyproject.toml.

CI installs the lock and then the project with --no-deps, so a requirement added to pyproject.toml
without refreshing the lock would otherwise go unnoticed until an import fails somewhere.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

REPO = Path(__file__).resolve().parents[1]
LOCK = REPO / "requirements" / "test.lock"
REFRESH = "bash scripts/refresh-lock"
# `name==version ; marker \` at the start of a line; hashes and comments are on the lines that follow.
PIN_RE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def _pins(text: str) -> dict[str, list[tuple[Version, Marker | None]]]:
    pins: dict[str, list[tuple[Version, Marker | None]]] = {}
    for line in text.splitlines():
        m = PIN_RE.match(line)
        if m:
            marker = Marker(m.group(3)) if m.group(3) else None
            pins.setdefault(canonicalize_name(m.group(1)), []).append((Version(m.group(2)), marker))
    return pins


def _requirements() -> list[str]:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    return [
        *pyproject["project"]["dependencies"],
        *pyproject["project"]["optional-dependencies"]["test"],
        *pyproject["build-system"]["requires"],
    ]


def _uncovered(requirements: list[str], lock_text: str, python: str) -> list[str]:
    """The requirements that no pin of the lock satisfies on Linux with this Python version."""
    env = {"python_version": ".".join(python.split(".")[:2]), "python_full_version": python,
           "sys_platform": "linux", "platform_system": "Linux", "platform_machine": "x86_64",
           "platform_python_implementation": "CPython", "implementation_name": "cpython", "os_name": "posix"}
    pins = _pins(lock_text)
    problems = []
    for text in requirements:
        req = Requirement(text)
        if req.marker is not None and not req.marker.evaluate(env):
            continue
        candidates = pins.get(canonicalize_name(req.name), [])
        versions = [v for v, marker in candidates if marker is None or marker.evaluate(env)]
        if not versions:
            problems.append(f"{text}: not in the lock")
        elif not any(req.specifier.contains(v, prereleases=True) for v in versions):
            problems.append(f"{text}: the lock pins {', '.join(map(str, versions))}")
    return problems


@pytest.mark.parametrize("python", ["3.11.2", "3.11.7", "3.12.0", "3.13.0"])
def test_lock_covers_every_requirement(python: str) -> None:
    problems = _uncovered(_requirements(), LOCK.read_text(encoding="utf-8"), python)
    assert not problems, f"{LOCK.name} is out of date for Python {python}; run `{REFRESH}`:\n" + "\n".join(problems)


def test_every_pin_has_hashes() -> None:
    lines = LOCK.read_text(encoding="utf-8").splitlines()
    pinned = [i for i, line in enumerate(lines) if PIN_RE.match(line)]
    assert len(pinned) > 10, f"{LOCK} pins almost nothing"
    unhashed = [lines[i] for i in pinned if i + 1 >= len(lines) or "--hash=sha256:" not in lines[i + 1]]
    assert not unhashed, f"pins without a hash (CI installs with --require-hashes); run `{REFRESH}`:\n" + "\n".join(
        unhashed
    )


def test_a_requirement_missing_from_the_lock_is_reported() -> None:
    lock = (
        "click==8.1.0 \\\n    --hash=sha256:00\n"
        "numpy==2.0.0 ; python_full_version >= '3.12' \\\n    --hash=sha256:00\n"
    )
    assert _uncovered(["click>=8.1", "nh3>=0.2", "click>=9", "numpy>=2"], lock, "3.11.7") == [
        "nh3>=0.2: not in the lock",
        "click>=9: the lock pins 8.1.0",
        "numpy>=2: not in the lock",
    ]
