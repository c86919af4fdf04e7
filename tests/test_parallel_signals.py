"""A stop signal never cuts starting or closing render workers in two (generator/parallel.py Workers): the
workers are stopped before their semaphores are let go, no thread of the build is left holding one, and
workers nobody closed are closed as Python exits, before multiprocessing's own clean-up. Otherwise a worker
still starting fails loudly to find them, and the resource tracker reports leaked semaphores on stderr."""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import multiprocessing.pool
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import generator.parallel
from generator.interrupts import Interrupted, stop_signals_raise
from generator.parallel import Workers

REPO = Path(__file__).resolve().parents[1]
# Far more than a pipe holds (64 KiB): feeding it waits for workers to read, which never happens here.
BIG_RECIPE = b"x" * (8 << 20)


def feeders() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "rapor-recipe"]


def test_closing_workers_that_never_read_their_recipe_ends_everything_they_started() -> None:
    started = time.monotonic()
    workers = Workers(BIG_RECIPE, 2)
    assert len(multiprocessing.active_children()) == 2
    workers.close()
    assert time.monotonic() - started < 60
    assert multiprocessing.active_children() == []
    assert feeders() == []
    assert generator.parallel._open == set()


def test_a_stop_signal_as_the_pool_starts_is_raised_once_the_workers_are_closed(
        monkeypatch: pytest.MonkeyPatch) -> None:
    real = multiprocessing.context.SpawnContext.Pool

    def pool_then_signal(self: multiprocessing.context.SpawnContext, *args: Any, **kwargs: Any) -> Any:
        pool = real(self, *args, **kwargs)
        signal.raise_signal(signal.SIGINT)  # (handled at once: before Workers holds the pool, if nothing defers it)
        return pool

    monkeypatch.setattr(multiprocessing.context.SpawnContext, "Pool", pool_then_signal)
    with stop_signals_raise(), pytest.raises(Interrupted) as caught:
        Workers(BIG_RECIPE, 2)
    assert caught.value.signum == signal.SIGINT
    assert multiprocessing.active_children() == []
    assert feeders() == []
    assert generator.parallel._open == set()


def test_a_stop_signal_while_workers_close_lets_them_close_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    real = multiprocessing.pool.Pool.terminate
    cut: list[bool] = []

    def signal_then_terminate(self: multiprocessing.pool.Pool) -> None:
        signal.raise_signal(signal.SIGINT)
        cut.append(True)  # (not reached if the signal were raised here)
        real(self)

    monkeypatch.setattr(multiprocessing.pool.Pool, "terminate", signal_then_terminate)
    workers = Workers(BIG_RECIPE, 2)
    with stop_signals_raise(), pytest.raises(Interrupted):
        workers.close()
    assert cut == [True]
    assert multiprocessing.active_children() == []
    assert feeders() == []


EXIT_UNCLOSED = """
import multiprocessing, sys
from generator import parallel
closing = parallel.Workers.close
def close(self):
    # multiprocessing's exit clean-up stops every worker: they still run if this comes first
    print("workers alive when closed:", len(multiprocessing.active_children()), flush=True)
    closing(self)
parallel.Workers.close = close
workers = parallel.Workers(b"x" * (8 << 20), 2)
sys.exit(0)
"""


def test_workers_left_open_are_closed_as_python_exits_before_multiprocessing_cleans_up() -> None:
    finished = subprocess.run([sys.executable, "-c", EXIT_UNCLOSED], cwd=REPO, capture_output=True, text=True,
                              timeout=120, check=False)
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout == "workers alive when closed: 2\n"
    assert finished.stderr == ""
