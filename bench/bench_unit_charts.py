"""Chart work per unit page: the budget is 1 ms (static SVG included) and 60 KB of HTML per unit page.

    python bench/bench_unit_charts.py [PROJECT_DIR] [--sample N] [--rounds R]

Needs no build: it reads the project, makes the model and the renderer as `rapor build` does and renders the
unit pages in memory. For the project's unit pages (every one, or N spread evenly over them, in every
language) it measures, in one run and in alternating order so both see the same machine load:
  - rendering each page with its charts and without them: the same renderer, except that the chart partials
    (`_unit_charts.html`, `_chart_scripts.html`) are empty templates in the second. The difference is all the
    chart work a unit page costs: including the partial, building the figures (data rows, SVG, summary,
    table) and writing them through the `figure` macro;
  - building the page's figures alone (unit_charts.PageCharts.unit), a part of the above;
  - the unit pages' HTML size (mean and largest) with charts;
  - swapping one unit's rows into the chart specs (unit_specs.py), which unit pages do not need, for scale.
The same for province pages (`_province_charts.html`), whose charts come from the same code.
Each time is the CPU time of this process (and the wall time, which on a shared machine also counts other
processes' turns); each total is the least of R rounds.
Stress data: python bench/make_bench_data.py /tmp/bench20k && python bench/bench_unit_charts.py /tmp/bench20k
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2

from generator.model import build_model
from generator.pages import PagePlan, plan_site
from generator.pipeline import read_inputs
from generator.render import make_environment, make_renderer
from generator.sitedata import build_site_data
from generator.templates import ThemeLoader
from generator.unit_specs import unit_chart_specs
from generator.urls import SiteUrls

# What a page without charts includes instead of the theme's chart partials.
CHART_PARTIALS = ("_unit_charts.html", "_province_charts.html", "_chart_scripts.html")


class WithoutCharts(ThemeLoader):
    """The theme's templates, with the chart partials empty."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        if self.split(template)[1] in CHART_PARTIALS:
            return "", template, lambda: True
        return super().get_source(environment, template)


def environment_without_charts(themes: list[Path], site_urls: SiteUrls) -> jinja2.Environment:
    env = make_environment(themes, site_urls)
    env.loader = WithoutCharts(themes)
    return env


def spread(plans: list[PagePlan], sample: int | None) -> list[PagePlan]:
    if sample is None or sample >= len(plans):
        return plans
    step = len(plans) / sample
    return [plans[int(i * step)] for i in range(sample)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("project", nargs="?", default=".", type=Path, help="project folder (default: .)")
    parser.add_argument("--sample", type=int, default=None, help="unit pages to measure (default: all)")
    parser.add_argument("--rounds", type=int, default=3, help="runs over the pages; the least time counts")
    args = parser.parse_args()
    started = time.perf_counter()
    inputs = read_inputs(args.project.resolve())
    scheme = inputs.config.scheme
    model = build_model(inputs.results, inputs.units, inputs.provinces, scheme)
    names = dict(zip(inputs.provinces["code"], inputs.provinces["name"], strict=True))
    data = build_site_data(model, scheme, names)
    renderer = make_renderer(inputs.config, data, inputs.pages, inputs.theme)
    plain = make_renderer(inputs.config, data, inputs.pages, inputs.theme, environment_without_charts)
    planned = list(plan_site(inputs.config, data, inputs.pages))
    all_units = [p for p in planned if p.template == "unit.html"]
    plans = spread(all_units, args.sample)
    provinces = [p for p in planned if p.template == "province.html"]
    print(f"{len(data.units)} units, {len(data.years)} years; measuring {len(plans)} of {len(all_units)} unit "
          f"pages and {len(provinces)} province pages (prepared in {time.perf_counter() - started:.1f} s)")
    for plan in plans[:50] + provinces[:10]:  # warm template and number caches for both renderers
        renderer.render(plan)
        plain.render(plan)

    # CPU time of this process (process_time) as well as wall time: on a shared machine the wall clock also
    # counts other processes' turns, which the chart code does not cost.
    clocks: dict[str, Callable[[], float]] = {"cpu": time.process_time, "wall": time.perf_counter}
    # Each stage's total is the least of `rounds` runs: the run least disturbed by other processes.
    stages = ("figures", "with", "without", "specs", "province with", "province without")
    spent = {(what, clock): float("inf") for what in stages for clock in clocks}
    sizes: list[int] = []
    figure_count = 0
    for _ in range(args.rounds):
        this_round = {(what, clock): 0.0 for what in stages for clock in clocks}

        def timed(what: str, work: Callable[[], Any], totals: dict[tuple[str, str], float] = this_round) -> Any:
            starts = {clock: read() for clock, read in clocks.items()}
            result = work()
            for clock, read in clocks.items():
                totals[(what, clock)] += read() - starts[clock]
            return result

        sizes, figure_count = [], 0
        for plan in plans:
            charts = renderer.common[plan.lang]["page_charts"]
            unit, latest, history = plan.context["unit"], plan.context["latest"], plan.context["history"]
            figure_count += len(timed("figures", lambda: charts.unit(unit, latest, history)))  # noqa: B023
            _, html = timed("with", lambda: renderer.render(plan))  # noqa: B023
            sizes.append(len(html))
            timed("without", lambda: plain.render(plan))  # noqa: B023
            timed("specs", lambda: unit_chart_specs(scheme, data, unit, latest, history))  # noqa: B023
        for plan in provinces:
            timed("province with", lambda: renderer.render(plan))  # noqa: B023
            timed("province without", lambda: plain.render(plan))  # noqa: B023
        spent = {key: min(spent[key], value) for key, value in this_round.items()}

    pages = len(plans)

    def per_page(what: str) -> str:
        return "  ".join(f"{clock} {1000 * spent[(what, clock)] / pages:6.3f}" for clock in clocks) + " ms/page"

    print(f"figures built (rows, SVG, table, summary): {per_page('figures')} ({figure_count / pages:.2f} figures/page)")
    print(f"unit page render without charts:           {per_page('without')}")
    print(f"unit page render with charts:              {per_page('with')}")
    for clock in clocks:
        work = spent[("with", clock)] - spent[("without", clock)]
        print(f"chart work per unit page ({clock:4}, with - without): {1000 * work / pages:6.3f} ms/page "
              f"(budget 1 ms); with/without = {spent[('with', clock)] / spent[('without', clock)]:.2f}x")
    unit_total = (spent[("with", "cpu")] - spent[("without", "cpu")]) / pages * len(all_units)
    province_total = spent[("province with", "cpu")] - spent[("province without", "cpu")]
    print(f"chart work per province page (cpu):        "
          f"{1000 * province_total / max(len(provinces), 1):6.3f} ms/page")
    print(f"total chart time of unit and province pages (cpu): {unit_total + province_total:.2f} s "
          f"({len(all_units)} unit pages {unit_total:.2f} s, {len(provinces)} province pages "
          f"{province_total:.2f} s; year-level charts: bench/bench_charts.py)")
    print(f"unit page HTML with charts: mean {statistics.mean(sizes) / 1024:.1f} KiB, "
          f"largest {max(sizes) / 1024:.1f} KiB (budget 60 KB = 58.6 KiB)")
    print(f"spec data swap (not on pages, for scale):   {per_page('specs')}")


if __name__ == "__main__":
    main()
