"""A stop signal never cuts starting or closing render workers in two (generator/parallel.py Workers): the
workers are stopped before their semaphores are let go, no thread of the build is left holding one, and
workers nobody closed are closed as Python exits, before multiprocessing's own clean-up. Otherwise a worker
still starting fails loudly to find them, and the resource tracker reports leaked semaphores on stderr."""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import generator.parallel
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


# Signal handlers take effect in a process's main thread only, where a test runner may not run its tests, and
# a runner started in the background has SIGINT ignored (which stop_signals_raise respects): the two tests below
# run their scene in a Python of their own, as a foreground shell job would, which prints what it found.
SIGNAL_SCENE = """
import json, multiprocessing, multiprocessing.context, multiprocessing.pool, signal, threading
signal.signal(signal.SIGINT, signal.default_int_handler)
from generator import parallel
from generator.interrupts import Interrupted, stop_signals_raise

moment = {moment!r}
cut = []
if moment == "start":
    real_pool = multiprocessing.context.SpawnContext.Pool
    def pool_then_signal(self, *args, **kwargs):
        pool = real_pool(self, *args, **kwargs)
        signal.raise_signal(signal.SIGINT)  # handled at once: before Workers holds the pool, unless deferred
        return pool
    multiprocessing.context.SpawnContext.Pool = pool_then_signal
else:
    real_terminate = multiprocessing.pool.Pool.terminate
    def signal_then_terminate(self):
        signal.raise_signal(signal.SIGINT)
        cut.append(True)  # not reached if the signal were raised at once
        real_terminate(self)
    multiprocessing.pool.Pool.terminate = signal_then_terminate
raised = None
with stop_signals_raise():
    try:
        workers = parallel.Workers(b"x" * (8 << 20), 2)
        if moment == "close":
            workers.close()
    except Interrupted as exc:
        raised = exc.name
feeders = sum(thread.name == "rapor-recipe" for thread in threading.enumerate())
print(json.dumps({{"raised": raised, "closed whole": cut == [True], "children": len(multiprocessing.active_children()),
                  "feeders": feeders, "open": len(parallel._open)}}))
"""


def scene(moment: str) -> dict[str, Any]:
    finished = subprocess.run([sys.executable, "-c", SIGNAL_SCENE.format(moment=moment)], cwd=REPO,
                              capture_output=True, text=True, timeout=120, check=False)
    assert finished.returncode == 0, finished.stderr
    assert finished.stderr == ""
    found: dict[str, Any] = json.loads(finished.stdout)
    return found


def test_a_stop_signal_as_the_pool_starts_is_raised_once_the_workers_are_closed() -> None:
    found = scene("start")
    assert found["raised"] == "SIGINT"
    assert (found["children"], found["feeders"], found["open"]) == (0, 0, 0)


def test_a_stop_signal_while_workers_close_lets_them_close_whole() -> None:
    found = scene("close")
    assert found["raised"] == "SIGINT"
    assert found["closed whole"]
    assert (found["children"], found["feeders"], found["open"]) == (0, 0, 0)


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
