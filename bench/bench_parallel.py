"""Parallel rendering and ranking rows, measured side by side in one run (not a timed test).

    python bench/bench_parallel.py [PROJECT_DIR] [--jobs N]

Prints, for the project (default: the bundled sample; bench/make_bench_data.py writes the stress project):
- full builds (--force) with one worker and with N (default: one per core): build and render-stage time, and
  the ratio parallel / serial;
- ranking pages rendered with each row's shared cells (_ranking_row.html) rendered once per language and
  unit-year, against the same pages with those cells rendered again on every page: CPU ms per ranking page
  and the speed-up, and the rankings' share of all render time;
- the load average, since the figures mean little on a machine busy with other work.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from generator.build import build_site
from generator.model import build_model
from generator.pages import PagePlan, plan_site
from generator.parallel import default_jobs
from generator.pipeline import read_inputs
from generator.render import make_renderer
from generator.sitedata import build_site_data


class StageTimes:
    """A build Progress that keeps each stage's time."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def stage_started(self, name: str) -> None:
        pass

    def stage_done(self, name: str, seconds: float) -> None:
        self.seconds[name] = seconds

    def pages(self, plans: list[PagePlan]) -> Iterable[PagePlan]:
        return plans

    def line(self) -> str:
        return ", ".join(f"{name} {seconds:.2f} s" for name, seconds in self.seconds.items())


def serial_and_parallel(project: Path, scratch: Path, jobs: int) -> None:
    measured = {}
    for count in (1, jobs):
        stages = StageTimes()
        before = os.times()
        report = build_site(project, output=scratch / f"jobs-{count}", force=True, jobs=count, progress=stages)
        after = os.times()
        # CPU of this process and of the workers (reaped when the pool is joined): on a machine shared with
        # other work the wall-clock ratio says little, the CPU says what parallel rendering costs in all.
        cpu = sum(after[:4]) - sum(before[:4])
        measured[count] = (report.seconds, stages.seconds["render"], cpu)
        print(f"full build --jobs {count}: {report.seconds:7.2f} s, render stage {stages.seconds['render']:7.2f} s,"
              f" CPU {cpu:7.2f} s ({report.pages} pages)")
    (serial, serial_render, serial_cpu), (parallel, parallel_render, parallel_cpu) = measured[1], measured[jobs]
    print(f"parallel / serial ({jobs} workers): build {parallel / serial:.2f}, render stage "
          f"{parallel_render / serial_render:.2f}, CPU {parallel_cpu / serial_cpu:.2f}")


def ranking_rows(project: Path) -> None:
    inputs = read_inputs(project)
    model = build_model(inputs.results, inputs.units, inputs.provinces, inputs.config.scheme)
    names = dict(zip(inputs.provinces["code"], inputs.provinces["name"], strict=True))
    data = build_site_data(model, inputs.config.scheme, names)
    plans = list(plan_site(inputs.config, data, inputs.pages, inputs.corrections))
    rankings = [plan for plan in plans if plan.template == "ranking.html"]
    spent: dict[str, float] = {}
    for mode in ("once", "every page", "once again"):
        renderer = make_renderer(inputs.config, data, inputs.pages, inputs.theme)
        for plan in rankings[:3]:  # templates compiled before timing
            renderer.render(plan)
        renderer.row_cells.forget()
        started = time.process_time()
        for plan in rankings:
            if mode == "every page":
                renderer.row_cells.forget()
            renderer.render(plan)
        kind = mode.removesuffix(" again")  # the best of two runs: a busy machine adds noise
        spent[kind] = min(spent.get(kind, float("inf")), time.process_time() - started)
    once, every = spent["once"], spent["every page"]
    renderer = make_renderer(inputs.config, data, inputs.pages, inputs.theme)
    started = time.process_time()
    for plan in plans:
        renderer.render(plan)
    total = time.process_time() - started
    print(f"ranking pages: {len(rankings)}, {1000 * once / len(rankings):.2f} CPU ms/page with shared cells once "
          f"per language and unit-year, {1000 * every / len(rankings):.2f} rendered on every page: "
          f"speed-up {every / once:.2f}x; rankings are {once / total:.0%} of render CPU time ({total:.2f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("project", nargs="?", default=".", type=Path, help="project folder (default: .)")
    parser.add_argument("--jobs", type=int, default=default_jobs(), help="workers (default: one per core)")
    arguments = parser.parse_args()
    project = arguments.project.resolve()
    print(f"cores: {default_jobs()}; load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as scratch:
        serial_and_parallel(project, Path(scratch), max(2, arguments.jobs))
    ranking_rows(project)
    print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
