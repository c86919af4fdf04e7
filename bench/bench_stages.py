"""CPU per stage of a full build, each stage run on its own in this process (not a timed test).

    python bench/bench_stages.py PROJECT_DIR [--sample N]

Runs the build's stages one after another as build.build_site does (read and check, model, site data, year
charts, downloads, plans, fingerprints, badges and previews, the chart bundle, the sitemap), timing each one's
CPU, then renders a sample of each page kind (N pages, default 600) and cuts its search pages, and projects
their CPU to every page of that kind. Nothing is written: what is left of a real build's CPU (`rapor build`
with its workers) is the writing of the files, the workers' start and the Pagefind program. Stages are printed
by share, so the largest cost is on top.
"""

from __future__ import annotations

import argparse
import collections
import random
import time
from pathlib import Path

from generator.catalog import FileCatalog, frame_digest
from generator.chart_build import site_charts
from generator.data_page import build_data_files, data_page_plans
from generator.incremental import Manifest, page_fingerprint, render_keys
from generator.league import league_by_year, province_league
from generator.league_pages import league_plans, with_home_maps
from generator.model import build_model
from generator.page_inputs import PageInputs
from generator.pages import PagePlan, plan_site
from generator.pipeline import read_inputs
from generator.render import make_renderer, sitemap
from generator.search_pages import search_page
from generator.share_files import share_files
from generator.sitedata import build_site_data
from generator.write import file_mode


class Laps:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.last = time.process_time()

    def __call__(self, name: str) -> None:
        now = time.process_time()
        self.seconds[name] = now - self.last
        self.last = now


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--sample", type=int, default=600, help="pages rendered per page kind")
    args = parser.parse_args()
    lap = Laps()
    inputs = read_inputs(args.project)
    config = inputs.config
    lap("read and check")
    model = build_model(inputs.results, inputs.units, inputs.provinces, config.scheme)
    lap("model")
    names = dict(zip(inputs.provinces["code"], inputs.provinces["name"], strict=True))
    data = build_site_data(model, config.scheme, names)
    lap("site data")
    renderer = make_renderer(config, data, inputs.pages, inputs.theme)
    charts = site_charts(config, data, inputs.theme)
    charts.install(renderer)
    lap("renderer and year charts")
    catalog = FileCatalog(Manifest(), Path("/nonexistent-rapor-output"), file_mode())
    data_key = "".join(frame_digest(frame) for frame in (inputs.results, inputs.units, inputs.provinces))
    data_files = build_data_files(config, data, inputs.theme, catalog, data_key)
    lap("downloads")
    league = league_by_year(province_league(model, inputs.provinces, config.scheme), config.scheme)
    site_pages = charts.embed(inputs.pages, renderer)
    plans = [*with_home_maps(plan_site(config, data, site_pages, inputs.corrections), config, data, league,
                             inputs.boundaries, inputs.theme.locales),
             *league_plans(config, data, league, inputs.boundaries, inputs.theme.locales),
             *data_page_plans(config, data, data_files)]
    lap("plans")
    keys = render_keys(renderer.env, renderer.common, inputs.theme.labels(),
                       (config.site.languages, renderer.absolute_root))
    beyond = PageInputs(data, charts.figures, config.scheme.aspect_keys)
    for plan in plans:
        page_fingerprint(keys[plan.lang], plan.path, plan.template, plan.absolute, (plan.context, beyond.of(plan)))
    lap("fingerprints")
    shared = sum(1 for _ in share_files(config, data, renderer.locales, renderer.site_urls, catalog))
    lap(f"badges and previews ({shared} files)")
    list(charts.files(catalog))
    sitemap(config, [plan.path for plan in plans if plan.in_sitemap])
    lap("chart bundle and sitemap")

    by_kind: dict[str, list[PagePlan]] = collections.defaultdict(list)
    for plan in plans:
        by_kind[plan.template].append(plan)
    for plan in plans[:40]:  # templates compiled before timing
        renderer.render(plan)
    chooser = random.Random(1)
    projected: dict[str, float] = {}
    cut = 0.0
    print(f"{len(plans)} pages")
    for kind, kind_plans in sorted(by_kind.items(), key=lambda item: -len(item[1])):
        # A run of consecutive pages, in plan order as a build renders them: a random sample would miss the
        # ranking rows' shared cells that neighbouring pages reuse (ranking_rows.py) and count twice their cost.
        first = chooser.randrange(max(1, len(kind_plans) - args.sample + 1))
        chosen = kind_plans[first:first + args.sample]
        started = time.process_time()
        pages = [renderer.render(plan)[1] for plan in chosen]
        render = (time.process_time() - started) / len(chosen)
        started = time.process_time()
        for html in pages:
            search_page(html)
        cutting = (time.process_time() - started) / len(chosen)
        projected[f"render {kind}"] = render * len(kind_plans)
        cut += cutting * len(kind_plans)
        size = sum(map(len, pages)) / len(chosen) / 1024
        print(f"  {kind:18s} {len(kind_plans):7,d} pages  render {render * 1000:6.2f} ms/page"
              f"  search cut {cutting * 1000:5.2f} ms/page  {size:6.1f} KB/page")
    stages = {**lap.seconds, **projected, "search cut (in the workers)": cut}
    total = sum(stages.values())
    for name, seconds in sorted(stages.items(), key=lambda item: -item[1]):
        print(f"{name:40s} {seconds:8.2f} s CPU  {100 * seconds / total:5.1f} %")
    print(f"{'total (no writing, no Pagefind)':40s} {total:8.2f} s CPU")


if __name__ == "__main__":
    main()
