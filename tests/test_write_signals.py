"""Real builds in subprocesses, stopped by signals mid-write or meeting another build of the same output:
nothing is left behind, the previous output stays, and the command ends with a message, never a traceback."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.interrupts import Interrupted, stop_signals_raise
from generator.write import write_site

from scratch_site import PROVINCES, REGENCIES, TmpSite

REPO = Path(__file__).resolve().parents[1]
UNITS = 400  # enough pages that writing them takes a few seconds

# As a shell's foreground job: Ctrl-C raises KeyboardInterrupt, the other signals have their default
# action, whatever this test process inherited (a CI runner may start it with SIGINT ignored).
LAUNCH = ("import signal, sys\n"
          "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
          "for name in ('SIGTERM', 'SIGHUP', 'SIGQUIT'):\n"
          "    signal.signal(getattr(signal, name), signal.SIG_DFL)\n"
          "from generator.cli import main\n"
          "main(sys.argv[1:], prog_name='rapor')\n")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = TmpSite(tmp_path_factory.mktemp("big") / "site")
    site.config()
    site.write("data/reference/provinsi.csv", PROVINCES)
    site.write("data/reference/kabupaten_kota.csv", REGENCIES)
    units = [(f"35-u{i:04d}", f"Unit {i}", "provinsi", "dpmptsp", "35", "", "", "") for i in range(UNITS)]
    site.units(units)
    for year in (2022, 2023):
        site.results(year, [(u[0], 2.0 + (i * 7 % 300) / 100) for i, u in enumerate(units)])
    return site.root


@pytest.fixture
def output(project: Path, tmp_path: Path) -> Iterator[Path]:
    """A previous complete build of the project, in a folder of its own."""
    out = tmp_path / "out"
    finished = run_build(project, out)
    assert finished.returncode == 0, finished.stderr
    yield out


def start_build(project: Path, out: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", LAUNCH, "build", str(project), "-o", str(out), "-q"],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def run_build(project: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", LAUNCH, "build", str(project), "-o", str(out), "-q"],
                          cwd=REPO, capture_output=True, text=True, timeout=600, check=False)


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
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def beside(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir())


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT])
def test_a_stop_signal_mid_write_leaves_nothing_behind(project: Path, output: Path, signum: int) -> None:
    before = snapshot(output)
    (project / "content/pages").mkdir(parents=True, exist_ok=True)
    (project / "content/pages/baru.md").write_text("---\ntitle: Baru\n---\n\nTeks.\n", encoding="utf-8")
    try:
        build = start_build(project, output)
        wait_until_writing(build, output)
        build.send_signal(signum)
        _, stderr = build.communicate(timeout=120)
    finally:
        (project / "content/pages/baru.md").unlink()
    assert build.returncode == 128 + signum, stderr
    name = signal.Signals(signum).name
    assert stderr == f"interrupted by {name}; nothing was left behind and the output folder was left as it was.\n"
    assert snapshot(output) == before
    assert beside(output) == ["out"]


def test_a_killed_build_is_cleaned_up_by_the_next(project: Path, output: Path) -> None:
    build = start_build(project, output)
    wait_until_writing(build, output)
    build.kill()  # SIGKILL cannot be caught: the staging folder and the lock file stay ...
    build.communicate(timeout=120)
    left = beside(output)
    assert [name for name in left if name.startswith(".out.new-")], left
    assert ".out.lock" in left
    again = run_build(project, output)  # ... until the next build of this output
    assert again.returncode == 0, again.stderr
    assert beside(output) == ["out"]
    assert (output / "index.html").is_file()


def test_two_builds_of_one_output_at_once(project: Path, output: Path) -> None:
    """The second build stops with a clear error; the first, paused meanwhile, completes."""
    first = start_build(project, output)
    wait_until_writing(first, output)
    first.send_signal(signal.SIGSTOP)
    try:
        second = run_build(project, output)
    finally:
        first.send_signal(signal.SIGCONT)
    assert second.returncode == 2
    assert second.stderr == (f"{output}:1:1: another build is running into this output folder\n"
                             "  hint: wait for it to finish, or build into another folder with -o DIR\n"
                             "1 error found; nothing was written.\n")
    _, stderr = first.communicate(timeout=300)
    assert first.returncode == 0, stderr
    assert beside(output) == ["out"]
    assert (output / "index.html").is_file()


def test_a_signal_during_the_swap_is_raised_once_the_swap_is_done(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Cut between its two renames, a swap would leave no output at all; the signal waits for the second."""
    out = tmp_path / "out"
    write_site([("index.html", b"one")], out)
    real_rename = Path.rename

    def rename_then_signal(self: Path, target: Path) -> Path:
        moved = real_rename(self, target)
        os.kill(os.getpid(), signal.SIGTERM)
        return moved

    monkeypatch.setattr(Path, "rename", rename_then_signal)
    with stop_signals_raise(), pytest.raises(Interrupted) as caught:
        write_site([("index.html", b"two")], out)
    assert caught.value.signum == signal.SIGTERM
    assert caught.value.finished
    assert (out / "index.html").read_bytes() == b"two"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_signal_while_writing_pages_removes_the_staging_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_site([("index.html", b"one")], out)

    def pages() -> Iterator[tuple[str, bytes]]:
        yield "index.html", b"two"
        os.kill(os.getpid(), signal.SIGHUP)
        yield "other.html", b"never written"

    with stop_signals_raise(), pytest.raises(Interrupted) as caught:
        write_site(pages(), out)
    assert caught.value.signum == signal.SIGHUP
    assert not caught.value.finished
    assert (out / "index.html").read_bytes() == b"one"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
