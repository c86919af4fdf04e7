"""Full-build benchmark on the bundled sample project (or another project): pages per second.

    python bench/bench_build.py [PROJECT_DIR]

Prints the time of each stage, the per-page render cost by page kind, and three ratios measured in the
same run: the full build against copying the built folder (the I/O floor of writing that many files),
a no-change rebuild against the first build, and the downloads (CSV, JSON, spreadsheet variant, per unit,
datapackage.json) against the first build.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from generator.build import build_site
from generator.chart_build import site_charts
from generator.data_page import build_data_files
from generator.model import build_model
from generator.pages import plan_site
from generator.pipeline import read_inputs
from generator.render import make_renderer
from generator.sitedata import build_site_data


def stage_times(project: Path) -> float:
    """Prints each stage's time; returns the seconds the downloads take to make."""
    started = time.perf_counter()
    inputs = read_inputs(project)
    read = time.perf_counter()
    model = build_model(inputs.results, inputs.units, inputs.provinces, inputs.config.scheme)
    modelled = time.perf_counter()
    names = dict(zip(inputs.provinces["code"], inputs.provinces["name"], strict=True))
    data = build_site_data(model, inputs.config.scheme, names)
    renderer = make_renderer(inputs.config, data, inputs.pages, inputs.theme)
    charted = time.perf_counter()
    charts = site_charts(inputs.config, data, inputs.theme)  # the project's picture cache, as a build uses it
    charts.install(renderer)
    charted = time.perf_counter() - charted
    plans = list(plan_site(inputs.config, data, charts.embed(inputs.pages, renderer)))
    planned = time.perf_counter()
    spent: dict[str, float] = defaultdict(float)
    count: dict[str, int] = defaultdict(int)
    size: dict[str, int] = defaultdict(int)
    for plan in plans:
        start = time.perf_counter()
        _, html = renderer.render(plan)
        spent[plan.template] += time.perf_counter() - start
        count[plan.template] += 1
        size[plan.template] += len(html)
    rendered = time.perf_counter()
    print(f"read+validate {read - started:6.2f} s   model {modelled - read:6.2f} s   "
          f"plan {planned - modelled:6.2f} s (year-level charts {charted:5.2f} s)   render {rendered - planned:6.2f} s")
    for template in sorted(spent, key=lambda t: -spent[t]):
        print(f"  {template:14} {count[template]:6d} pages  {1000 * spent[template] / count[template]:7.2f} ms/page"
              f"  {size[template] / count[template] / 1024:7.1f} KiB/page")
    files = build_data_files(inputs.config, data, inputs.theme)
    downloads = time.perf_counter() - rendered
    written = [content for _, content in files.made or ()]
    print(f"downloads {downloads:6.2f} s   {len(written)} files, {sum(map(len, written)) / 2**20:.1f} MiB")
    return downloads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("project", nargs="?", default=".", type=Path, help="project folder (default: .)")
    project = parser.parse_args().project.resolve()
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "site"
        first = build_site(project, output=output)
        print(first.summary())
        print(f"full build: {first.pages / first.seconds:8.0f} pages/s")
        again = build_site(project, output=output)
        print(f"no-change rebuild: {again.seconds:.2f} s, {again.changed} files changed; "
              f"ratio to first build {again.seconds / first.seconds:.2f}")
        start = time.perf_counter()
        shutil.copytree(output, Path(scratch) / "copy")
        copy = time.perf_counter() - start
        print(f"baseline copytree of the built folder: {copy:.2f} s; full build / copy = {first.seconds / copy:.1f}x")
        downloads = stage_times(project)
        print(f"downloads / full build = {downloads / first.seconds:.3f} (making them; writing them is in the build)")


if __name__ == "__main__":
    main()
