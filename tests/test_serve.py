"""`rapor serve`: a change to the inputs rebuilds and the open page learns of it; a bad change keeps the last
good build served and reports the located error in the terminal and to the page."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from scratch_site import TmpSite


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return bytes(response.read())


def state(base: str) -> dict[str, object]:
    return dict(json.loads(fetch(base + "__rapor/state")))


def wait_for(check: object, seconds: float = 60) -> None:
    assert callable(check)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError("timed out waiting for the preview")


@pytest.fixture
def served(tmp_site: TmpSite, tmp_path: Path) -> Iterator[tuple[str, TmpSite, Path]]:
    log = tmp_path / "serve.log"
    with log.open("wb") as sink:
        process = subprocess.Popen([sys.executable, "-m", "generator", "serve", str(tmp_site.root), "--port", "0"],
                                   stdout=sink, stderr=subprocess.STDOUT)
        try:
            found: list[str] = []

            def started() -> bool:
                found.extend(re.findall(r"at (http://127\.0\.0\.1:\d+/)", log.read_text(encoding="utf-8")))
                assert process.poll() is None, log.read_text(encoding="utf-8")
                return bool(found)

            wait_for(started)
            yield found[0], tmp_site, log
        finally:
            process.terminate()
            process.wait(timeout=20)


def test_a_change_rebuilds_and_a_bad_change_keeps_the_last_good_site(served: tuple[str, TmpSite, Path]) -> None:
    base, site, log = served
    page = fetch(base + "unit/35.07-dpmptsp/index.html").decode("utf-8")
    assert "DPMPTSP Kabupaten Malang" in page and '<script src="/__rapor/reload.js"></script></body>' in page
    assert b"location.reload()" in fetch(base + "__rapor/reload.js")
    # The built file itself has no preview script: only responses get it.
    assert b"__rapor" not in (site.root / "output/unit/35.07-dpmptsp/index.html").read_bytes()
    first = state(base)
    assert first == {"build": 1, "error": ""}

    units = site.root / "data/units.csv"
    units.write_text(units.read_text(encoding="utf-8").replace("DPMPTSP Kabupaten Malang", "DPMPTSP Kab. Malang"),
                     encoding="utf-8")
    wait_for(lambda: state(base)["build"] == 2)
    assert "DPMPTSP Kab. Malang" in fetch(base + "unit/35.07-dpmptsp/index.html").decode("utf-8")

    site.write("data/results/2023.csv", "unit_id,index\n35.07-dpmptsp,abc\n")
    wait_for(lambda: state(base)["error"] != "")
    error = str(state(base)["error"])
    assert error.startswith("data/results/2023.csv:1:1: ") or "data/results/2023.csv:" in error
    assert state(base)["build"] == 2
    assert "DPMPTSP Kab. Malang" in fetch(base + "unit/35.07-dpmptsp/index.html").decode("utf-8")
    assert "the last good build is still served" in log.read_text(encoding="utf-8")


def test_requests_cannot_leave_the_output(served: tuple[str, TmpSite, Path]) -> None:
    base, site, _ = served
    site.write("secret.html", "<p>secret</p>")
    for path in ("../secret.html", "%2e%2e/secret.html", "..%2fsecret.html"):
        try:
            body = fetch(base + path)
        except urllib.error.HTTPError as exc:
            assert exc.code == 404
        else:
            assert b"secret" not in body


def test_a_port_in_use_is_said_at_once_and_nothing_is_built(tmp_site: TmpSite) -> None:
    """The port is taken before the first build, so its error comes first, located at the argument, with a hint;
    no output folder is made for a preview that cannot run."""
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "generator", "serve", str(tmp_site.root), "--port", str(port)],
                                capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.splitlines() == [
        f"--port:1:1: port {port} on 127.0.0.1 is already in use",
        "  hint: stop the program listening there (another rapor serve?), or choose another port: --port 0 takes a "
        "free one",
        "1 error found; nothing was written.",
    ]
    assert not (tmp_site.root / "output").exists()
