"""Year-level chart benchmark: the total chart time of a site, with a cold and a warm picture cache, against
its full build.

    python bench/bench_charts.py [PROJECT_DIR] [--stress] [--units 20000] [--years 10] [--no-build]

PROJECT_DIR defaults to the sample project. --stress also measures the synthetic project written by
bench/make_bench_data.py (20,000 units x 10 years by default) in a temporary folder. For each project it prints:

- charts cold: every year-level figure (specs with Altair, tables, SVG by vl-convert), nothing cached;
- charts warm: the same with the picture cache on disk filled (a rebuild): vl-convert is not called;
- the Vega bundle written into the site, cold (made by vl-convert) and warm (read from the cache);
- the full build (`rapor build`, warm cache) and the ratios of the chart times to it.

The chart times use a temporary cache; before the full build, pictures missing from the project's own
.rapor-cache/charts are copied there, so the build measured is a rebuild with a warm cache.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generator import chart_svg
from generator.build import build_site
from generator.chart_figures import ChartFigures
from generator.chart_svg import ChartDrawer, vega_bundle
from generator.model import build_model
from generator.pipeline import read_inputs
from generator.sitedata import build_site_data

REPO = Path(__file__).resolve().parents[1]


def chart_times(project: Path, cache: Path) -> dict[str, float]:
    inputs = read_inputs(project)
    model = build_model(inputs.results, inputs.units, inputs.provinces, inputs.config.scheme)
    names = dict(zip(inputs.provinces["code"], inputs.provinces["name"], strict=True))
    data = build_site_data(model, inputs.config.scheme, names)
    times: dict[str, float] = {}
    for state in ("cold", "warm"):
        drawer = ChartDrawer(cache, memory={})
        figures = ChartFigures(inputs.config, data, inputs.theme.locales, drawer)
        started = time.perf_counter()
        figures.prepare()
        times[f"charts {state}"] = time.perf_counter() - started
        times[f"pictures drawn ({state})"] = drawer.drawn
        times[f"figures ({state})"] = len(figures.made)
    for state in ("cold", "warm"):
        chart_svg._BUNDLES.clear()
        started = time.perf_counter()
        vega_bundle(cache)
        times[f"bundle {state}"] = time.perf_counter() - started
    return times


def report(name: str, project: Path, build: bool) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        times = chart_times(project, Path(scratch) / "charts")
        print(f"{name}: {int(times['figures (cold)'])} figures, {int(times['pictures drawn (cold)'])} pictures drawn "
              f"cold, {int(times['pictures drawn (warm)'])} warm")
        print(f"  charts cold {times['charts cold']:7.2f} s   warm {times['charts warm']:7.2f} s   "
              f"(cold/warm {times['charts cold'] / times['charts warm']:.1f}x)")
        print(f"  Vega bundle cold {times['bundle cold']:5.2f} s   warm {times['bundle warm']:5.3f} s")
        if build:
            # One full build with the pictures cached (a rebuild): the project's own cache as it is, filled
            # from the warm run above where the project has none yet (never overwriting a file).
            own = project / chart_svg.CACHE_FOLDER
            own.mkdir(parents=True, exist_ok=True)
            for picture in (Path(scratch) / "charts").iterdir():
                if not (own / picture.name).exists():
                    shutil.copyfile(picture, own / picture.name)
            full = build_site(project, output=Path(scratch) / "site").seconds
            cold = times["charts cold"] + times["bundle cold"]
            warm = times["charts warm"] + times["bundle warm"]
            print(f"  full build (warm cache) {full:7.2f} s; charts/full build: cold {cold / full:.1%}, "
                  f"warm {warm / full:.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("project", nargs="?", default=REPO, type=Path, help="project folder (default: the sample)")
    parser.add_argument("--stress", action="store_true", help="also measure bench/make_bench_data.py's project")
    parser.add_argument("--units", type=int, default=20_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--no-build", action="store_true", help="skip the full builds (chart times only)")
    args = parser.parse_args()
    report(args.project.resolve().name or "sample", args.project.resolve(), not args.no_build)
    if args.stress:
        with tempfile.TemporaryDirectory() as scratch:
            stress = Path(scratch) / "stress"
            subprocess.run([sys.executable, str(REPO / "bench" / "make_bench_data.py"), str(stress),
                            "--units", str(args.units), "--years", str(args.years)], check=True)
            report(f"stress ({args.units:,} units x {args.years} years)", stress, not args.no_build)


if __name__ == "__main__":
    main()
