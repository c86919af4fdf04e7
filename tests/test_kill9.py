"""`kill -9` at any moment of a build: the output folder is, byte for byte, either the previous build or the new
one, never a mix, and the next build removes whatever the killed one left beside it (staging and retired
folders, the lock file).

SIGKILL cannot be caught, so nothing in the build can react to it: what keeps the output whole is that the build
writes only into a staging folder and swaps it in with one atomic exchange (write.py, exchange.py). The kills
come at seeded random delays spread over a build (reading, rendering and writing, the swap), and at named
moments a timer would rarely hit (the exchange itself, the removal of the previous output), reached by a hook
in the killed process itself. test_write_signals.py covers the signals a build can catch.
"""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from build_processes import LAUNCH, REPO, beside, build_command, run_build, snapshot, write_project

UNITS = 150  # a few hundred pages: long enough to be killed at different stages, short enough to repeat
MOMENTS = 5  # random kills, one in each fifth of a build's duration (and a little past its end)
SEED = 20261130


@dataclass(frozen=True)
class Builds:
    old: Path  # the project as it was built before
    new: Path  # the same project after a correction and a new page
    previous: Path  # a complete build of `old`
    before: dict[str, str]  # snapshot of `previous`
    after: dict[str, str]  # snapshot of a complete build of `new` from scratch
    seconds: float  # how long a build of `new` over `previous` took


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    root = tmp_path_factory.mktemp("kill9")
    old = write_project(root / "old", UNITS)
    new = root / "new"
    shutil.copytree(old, new)
    results = new / "data/results/2023.csv"
    # One unit's index corrected (its rank and its neighbours' move) and a narrative page added.
    results.write_text(results.read_text(encoding="utf-8").replace("35-u0007,,2.49,2.49,2.49,2.49,2.49,2.49,2.49,C-",
                                                                   "35-u0007,,3.99,3.99,3.99,3.99,3.99,3.99,3.99,B"),
                       encoding="utf-8")
    assert "3.99" in results.read_text(encoding="utf-8")
    (new / "content/pages").mkdir(parents=True)
    (new / "content/pages/baru.md").write_text("---\ntitle: Baru\n---\n\nTeks.\n", encoding="utf-8")
    previous = root / "previous/out"
    assert run_build(old, previous).returncode == 0
    fresh = root / "fresh/out"
    assert run_build(new, fresh).returncode == 0
    timing = root / "timing/out"
    shutil.copytree(previous, timing)
    started = time.perf_counter()
    assert run_build(new, timing).returncode == 0
    seconds = time.perf_counter() - started
    after = snapshot(fresh)
    assert snapshot(timing) == after  # a build over the previous one ends as a build from scratch does
    assert snapshot(previous) != after
    return Builds(old, new, previous, snapshot(previous), after, seconds)


def previous_output(builds: Builds, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(builds.previous, out)
    return out


def killed(command: list[str], delay: float | None = None) -> subprocess.CompletedProcess[str]:
    """Run a build and SIGKILL it after `delay` seconds (None: the build kills itself, through a hook)."""
    build = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if delay is not None:
        time.sleep(delay)
        build.send_signal(signal.SIGKILL)  # nothing is sent if the build has already ended
    stdout, stderr = build.communicate(timeout=600)
    return subprocess.CompletedProcess(command, build.returncode, stdout, stderr)


def state(out: Path, builds: Builds) -> str:
    """'previous' or 'new': what the output folder holds, whole; anything else fails the test."""
    held = snapshot(out) if out.is_dir() else {}
    if held == builds.before:
        return "previous"
    if held == builds.after:
        return "new"
    mixed = sorted(path for path in set(held) | set(builds.after)
                   if held.get(path) not in (builds.before.get(path), builds.after.get(path)))
    raise AssertionError(f"the output is neither the previous build nor the new one: {mixed[:10]} "
                         f"({len(held)} files)")


def assert_next_build_cleans_up(builds: Builds, out: Path) -> None:
    again = run_build(builds.new, out)
    assert again.returncode == 0, again.stderr
    assert beside(out) == ["out"]  # no staging or retired folder, no lock file
    assert snapshot(out) == builds.after


@pytest.mark.parametrize("moment", range(MOMENTS))
def test_kill9_at_a_random_moment(builds: Builds, tmp_path: Path, moment: int) -> None:
    # Stratified: the n-th kill falls in the n-th fifth of a build's duration, stretched by a tenth so that
    # the last ones may find the swap done; the seed makes each moment the same from run to run.
    fraction = (moment + random.Random(SEED + moment).random()) / MOMENTS * 1.1
    out = previous_output(builds, tmp_path)
    result = killed(build_command(builds.new, out), delay=fraction * builds.seconds)
    assert result.returncode in (-signal.SIGKILL, 0), result.stderr
    held = state(out, builds)  # fails unless the output is one of the two builds, whole
    if result.returncode == 0:  # the kill came after the build's end
        assert held == "new"
    assert_next_build_cleans_up(builds, out)


DIE = ("import os, signal, shutil, pathlib\n"
       "MAIN = os.getpid()\n"
       "def die():\n"
       "    os.kill(MAIN, signal.SIGKILL)\n")

# Code run in the build's process before the command: each kills it at one moment.
HOOKS = {
    "after reading": ("import generator.build as b\nread = b.read_inputs\n"
                      "def hooked(*args, **kwargs):\n    read(*args, **kwargs)\n    die()\n"
                      "b.read_inputs = hooked\n"),
    "mid-render": ("import generator.render as r\nrender = r.Renderer.render\ncalls = [0]\n"
                   "def hooked(self, plan):\n    calls[0] += 1\n    if calls[0] == 40:\n        die()\n"
                   "    return render(self, plan)\nr.Renderer.render = hooked\n"),
    "before the swap": ("import generator.write as w\n"
                        "def hooked(staging, output):\n    die()\nw._swap = hooked\n"),
    "right after the exchange": ("import generator.write as w\nexchange = w.exchange\n"
                                 "def hooked(first, second):\n    assert exchange(first, second)\n    die()\n"
                                 "w.exchange = hooked\n"),
    "removing the previous output": ("def hooked(path, *args, **kwargs):\n"
                                     "    files = sorted(p for p in pathlib.Path(path).rglob('*') if p.is_file())\n"
                                     "    for file in files[:len(files) // 2]:\n        file.unlink()\n"
                                     "    die()\nshutil.rmtree = hooked\n"),
}
EXPECTED = {"after reading": "previous", "mid-render": "previous", "before the swap": "previous",
            "right after the exchange": "new", "removing the previous output": "new"}
LOCKED = set(HOOKS) - {"after reading"}  # the lock is taken as writing starts


@pytest.mark.parametrize("moment", list(HOOKS))
def test_kill9_at_a_named_moment(builds: Builds, tmp_path: Path, moment: str) -> None:
    out = previous_output(builds, tmp_path)
    result = killed(build_command(builds.new, out, launch=DIE + HOOKS[moment] + LAUNCH))
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert state(out, builds) == EXPECTED[moment]
    assert (".out.lock" in beside(out)) == (moment in LOCKED)
    assert_next_build_cleans_up(builds, out)


def test_kill9_between_the_two_renames_of_a_swap_without_exchange(builds: Builds, tmp_path: Path) -> None:
    """Where folders cannot be exchanged in one step, a build killed between its two renames leaves no output
    folder but the previous one, whole, beside it: the next build puts it back before writing (its files are
    kept: none changes)."""
    hook = ("import generator.write as w\nw.exchange = lambda first, second: False\n"
            "rename = pathlib.Path.rename\n"
            "def hooked(self, target):\n    moved = rename(self, target)\n"
            "    if '.old-' in pathlib.Path(target).name:\n        die()\n    return moved\n"
            "pathlib.Path.rename = hooked\n")
    out = previous_output(builds, tmp_path)
    result = killed(build_command(builds.new, out, launch=DIE + hook + LAUNCH))
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert not out.exists()
    retired = [path for path in out.parent.iterdir() if path.name.startswith(".out.old-")]
    assert len(retired) == 1
    assert snapshot(retired[0]) == builds.before
    again = run_build(builds.old, out, quiet=False)  # the old project, whose previous build is up to date
    assert again.returncode == 0, again.stderr
    assert " files, 0 changed)" in again.stdout  # without it, every file would be new
    assert beside(out) == ["out"]
    assert snapshot(out) == builds.before
