"""Real builds in subprocesses, stopped by signals mid-write or meeting another build of the same output:
nothing is left behind, the previous output stays, and the command ends with a message, never a traceback."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator import write
from generator.interrupts import Interrupted, stop_signals_raise
from generator.write import write_site

from build_processes import beside, run_build, snapshot, start_build, wait_until_writing, write_project

UNITS = 400  # enough pages that writing them takes a few seconds


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_project(tmp_path_factory.mktemp("big") / "site", UNITS)


@pytest.fixture
def output(project: Path, tmp_path: Path) -> Iterator[Path]:
    """A previous complete build of the project, in a folder of its own."""
    out = tmp_path / "out"
    finished = run_build(project, out)
    assert finished.returncode == 0, finished.stderr
    yield out


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


@pytest.fixture
def changed(project: Path) -> Iterator[None]:
    """A new page: a build that changes nothing leaves the output as it is, with no staging folder to stop in."""
    (project / "content/pages").mkdir(parents=True, exist_ok=True)
    (project / "content/pages/baru.md").write_text("---\ntitle: Baru\n---\n\nTeks.\n", encoding="utf-8")
    yield
    (project / "content/pages/baru.md").unlink()


def test_a_no_change_build_leaves_the_output_as_it_is(project: Path, output: Path) -> None:
    before = {p: p.stat().st_ino for p in output.rglob("*")}
    again = run_build(project, output)
    assert again.returncode == 0, again.stderr
    assert {p: p.stat().st_ino for p in output.rglob("*")} == before  # not even a folder made anew
    assert beside(output) == ["out"]


def test_a_killed_build_is_cleaned_up_by_the_next(project: Path, output: Path, changed: None) -> None:
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


def test_two_builds_of_one_output_at_once(project: Path, output: Path, changed: None) -> None:
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


@pytest.mark.parametrize("swap", ["exchange", "two renames"])
def test_a_signal_during_the_swap_is_raised_once_the_swap_is_done(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  swap: str) -> None:
    """Cut between its two renames, a swap would leave no output at all; the signal waits for the second.
    Where the system exchanges the folders in one step, the signal waits for the previous output's removal."""
    out = tmp_path / "out"
    write_site([("index.html", b"one")], out)
    if swap == "exchange":
        real_exchange = write.exchange

        def exchange_then_signal(first: Path, second: Path) -> bool:
            done = real_exchange(first, second)
            assert done, "this system cannot exchange two folders in one step"
            os.kill(os.getpid(), signal.SIGTERM)
            return done

        monkeypatch.setattr(write, "exchange", exchange_then_signal)
    else:
        real_rename = Path.rename

        def rename_then_signal(self: Path, target: Path) -> Path:
            moved = real_rename(self, target)
            os.kill(os.getpid(), signal.SIGTERM)
            return moved

        monkeypatch.setattr(write, "exchange", lambda first, second: False)
        monkeypatch.setattr(Path, "rename", rename_then_signal)
    with stop_signals_raise(), pytest.raises(Interrupted) as caught:
        write_site([("index.html", b"two")], out)
    assert caught.value.signum == signal.SIGTERM
    assert caught.value.finished
    assert (out / "index.html").read_bytes() == b"two"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_signal_while_writing_pages_removes_the_staging_folder(tmp_path: Path) -> None:
    # Under nohup SIGHUP arrives ignored, and Rapor leaves ignored signals ignored (on purpose): the test
    # gives it its default disposition, as a terminal's process has it, and puts the inherited one back.
    inherited = signal.signal(signal.SIGHUP, signal.SIG_DFL)
    try:
        _signal_while_writing_pages(tmp_path)
    finally:
        signal.signal(signal.SIGHUP, inherited)


def _signal_while_writing_pages(tmp_path: Path) -> None:
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
