"""Real `rapor build` runs in subprocesses, for the tests that stop or kill them (test_write_signals.py,
test_kill9.py): how to start one, a project big enough to stop mid-way, and what the output folder holds."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from pathlib import Path

from scratch_site import PROVINCES, REGENCIES, TmpSite

REPO = Path(__file__).resolve().parents[1]

# As a shell's foreground job: Ctrl-C raises KeyboardInterrupt, the other signals have their default
# action, whatever this test process inherited (a CI runner may start it with SIGINT ignored).
LAUNCH = ("import signal, sys\n"
          "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
          "for name in ('SIGTERM', 'SIGHUP', 'SIGQUIT'):\n"
          "    signal.signal(getattr(signal, name), signal.SIG_DFL)\n"
          "from generator.cli import main\n"
          "main(sys.argv[1:], prog_name='rapor')\n")


def write_project(root: Path, units: int) -> Path:
    """A valid project of `units` provincial units with two years of results (about 2 x units pages)."""
    site = TmpSite(root)
    site.config()
    site.write("data/reference/provinsi.csv", PROVINCES)
    site.write("data/reference/kabupaten_kota.csv", REGENCIES)
    rows = [(f"35-u{i:04d}", f"Unit {i}", "provinsi", "dpmptsp", "35", "", "", "") for i in range(units)]
    site.units(rows)
    for year in (2022, 2023):
        site.results(year, [(u[0], 2.0 + (i * 7 % 300) / 100) for i, u in enumerate(rows)])
    return site.root


def build_command(project: Path, out: Path, launch: str = LAUNCH, quiet: bool = True) -> list[str]:
    return [sys.executable, "-c", launch, "build", str(project), "-o", str(out), *(["-q"] if quiet else [])]


def start_build(project: Path, out: Path, launch: str = LAUNCH) -> subprocess.Popen[str]:
    return subprocess.Popen(build_command(project, out, launch), cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def run_build(project: Path, out: Path, launch: str = LAUNCH, quiet: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(build_command(project, out, launch, quiet), cwd=REPO, capture_output=True, text=True,
                          timeout=600, check=False)


def wait_until_writing(build: subprocess.Popen[str], out: Path) -> None:
    """Until the build has written some pages into its staging folder beside `out`."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        assert build.poll() is None, f"the build ended before it was interrupted: {build.communicate()}"
        for staging in out.parent.glob(f".{out.name}.new-*"):
            try:
                if sum(1 for _ in staging.rglob("*.html")) >= 20:
                    return
            except FileNotFoundError:
                pass
        time.sleep(0.01)
    raise AssertionError("the build never started writing")


def snapshot(folder: Path) -> dict[str, str]:
    """Every file in `folder` (by its path inside) and the hash of its bytes."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def beside(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir())
