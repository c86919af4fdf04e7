#!/usr/bin/env python3
"""Time and measure loading + validation (`read_inputs`) and the model (`build_model`) at 200,000 rows.

    python bench/bench_model.py [PROJECT_DIR] [--repeat 3]

Without PROJECT_DIR it writes the synthetic project of bench/make_bench_data.py (20,000 units x 10 years)
into a temporary folder first. Targets: read_inputs + build_model well under 10 s and under 1 GB peak.

What is measured, honestly:
- time: wall clock (time.perf_counter), best of --repeat runs, in this process after a warm-up import;
- baseline: plain `pd.read_csv(dtype=str)` of the same registry and result files, in the same run, so the
  ratio says what checking and modelling cost on top of merely parsing the CSVs;
- memory: the process's resident set size (RSS) sampled every 2 ms by a psutil thread during each stage
  ("peak RSS"), next to the kernel's exact lifetime peak (getrusage ru_maxrss). RSS includes the Python
  interpreter, pandas and numpy themselves, shown as "RSS before"; the stage's own growth is peak - before.
"""

from __future__ import annotations

import argparse
import gc
import resource
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import psutil  # type: ignore[import-untyped]
from make_bench_data import write_project  # the sibling script (python puts bench/ on sys.path)

from generator.model import build_model
from generator.pipeline import read_inputs

MB = 1024 * 1024


class RssSampler:
    """Peak RSS of this process while the `with` block runs, sampled by a background thread."""

    def __init__(self, interval: float = 0.002) -> None:
        self.interval = interval
        self.process = psutil.Process()
        self.before = self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(self.interval)

    def __enter__(self) -> RssSampler:
        gc.collect()
        self.before = self.peak = self.process.memory_info().rss
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.process.memory_info().rss)


def measure(label: str, work: Callable[[], Any], repeat: int) -> tuple[float, int, int, Any]:
    """Best wall time over `repeat` runs, and the peak RSS of the first run."""
    times = []
    result: Any = None
    before = peak = 0
    for attempt in range(repeat):
        with RssSampler() as rss:
            started = time.perf_counter()
            result = work()
            times.append(time.perf_counter() - started)
        if attempt == 0:
            before, peak = rss.before, rss.peak
    best = min(times)
    print(f"{label:28} {best:7.2f} s   RSS before {before / MB:6.0f} MB   peak {peak / MB:6.0f} MB   "
          f"(+{(peak - before) / MB:.0f} MB)")
    return best, before, peak, result


def plain_read(project: Path) -> int:
    files = [project / "data" / "units.csv", *sorted((project / "data" / "results").glob("*.csv"))]
    frames = [pd.read_csv(path, dtype=str, keep_default_na=False) for path in files]
    return sum(len(f) for f in frames)


def run(project: Path, repeat: int) -> None:
    rows = plain_read(project)  # warm the file cache and pandas before timing anything
    print(f"project: {project}  ({rows:,} CSV rows incl. the registry)")
    base, _, base_peak, _ = measure("baseline pd.read_csv", lambda: plain_read(project), repeat)
    read, _, read_peak, inputs = measure("read_inputs (load+validate)", lambda: read_inputs(project), repeat)
    scheme = inputs.config.scheme
    model_time, _, model_peak, model = measure(
        "build_model", lambda: build_model(inputs.results, inputs.units, inputs.provinces, scheme), repeat)
    total = read + model_time
    lifetime_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB
    print(f"{'total read_inputs + model':28} {total:7.2f} s")
    print(f"units {len(inputs.units):,}, result rows {len(inputs.results):,}, years {model.years[0]}–{model.years[-1]}")
    print(f"ratios: read_inputs / baseline read_csv = {read / base:.1f}x; "
          f"(read_inputs + model) / baseline = {total / base:.1f}x")
    print(f"peak RSS: baseline {base_peak / MB:.0f} MB, read_inputs {read_peak / MB:.0f} MB, "
          f"model {model_peak / MB:.0f} MB; process lifetime peak (ru_maxrss) {lifetime_peak / MB:.0f} MB")
    verdict = "met" if total < 10 and lifetime_peak < 1024 * MB else "NOT met"
    print(f"targets (< 10 s, < 1 GB peak): {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", nargs="?", type=Path, help="an existing project (default: generate one)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per stage; the best is shown")
    args = parser.parse_args()
    if args.project is not None:
        run(args.project.resolve(), args.repeat)
        return
    with tempfile.TemporaryDirectory() as scratch:
        project = Path(scratch) / "bench"
        started = time.perf_counter()
        write_project(project)
        print(f"generated 20,000 units x 10 years in {time.perf_counter() - started:.1f} s")
        run(project, args.repeat)


if __name__ == "__main__":
    main()
