"""What citing, sharing and embedding cost: per unit page, per badge, and for the link-preview pictures.

    python bench/bench_share.py [PROJECT_DIR] [--stress]

Without PROJECT_DIR it measures the bundled sample project; --stress measures the synthetic project of
bench/make_bench_data.py (20,000 units x 10 years) instead. It prints:
- unit pages: render time (CPU) per page with the share partials (_share_meta, _as_of, _badge, _cite) and with
  the same partials replaced by empty ones, interleaved page by page in the same run, and the pages' sizes;
- badges: CPU time to draw every unit's four badges (light and dark, each language), per unit, and the time
  write_site takes to write them, and to rewrite them unchanged;
- previews: CPU time to draw every picture with an empty cache, and again with the cache filled.
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import jinja2
from make_bench_data import write_project  # the sibling script (python puts bench/ on sys.path)

from generator.badges import badge_files
from generator.model import build_model
from generator.pages import plan_site
from generator.pipeline import read_inputs
from generator.previews import PreviewCache, preview_files
from generator.render import Renderer, make_renderer
from generator.sitedata import build_site_data
from generator.templates import ThemeEnvironment, ThemeLoader
from generator.theme import DEFAULT_THEME
from generator.write import write_site

PARTIALS = ("_share_meta.html", "_as_of.html", "_badge.html", "_cite.html")


def without_partials(renderer: Renderer, scratch: Path) -> Renderer:
    """The same renderer over a copy of its theme whose share partials are empty: templates are found the same
    way (ThemeLoader), so the difference is what the partials cost."""
    theme = scratch / "themes" / "default"
    shutil.copytree(DEFAULT_THEME, theme)
    for name in PARTIALS:
        (theme / "templates" / name).write_text("", encoding="utf-8")
    env = ThemeEnvironment(loader=ThemeLoader([theme]), autoescape=True, undefined=jinja2.StrictUndefined,
                           trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.globals.update(renderer.env.globals)
    return dataclasses.replace(renderer, env=env)


def best_of(repeat: int, run: object) -> float:
    """The least CPU time of `repeat` runs (the machine's other load does not count)."""
    times = []
    for _ in range(repeat):
        started = time.process_time()
        run()  # type: ignore[operator]
        times.append(time.process_time() - started)
    return min(times)


def measure(project: Path, repeat: int, pages: int | None = None) -> None:
    inputs = read_inputs(project)
    config = inputs.config
    model = build_model(inputs.results, inputs.units, inputs.provinces, config.scheme)
    names = dict(zip(inputs.provinces["code"], inputs.provinces["name"], strict=True))
    data = build_site_data(model, config.scheme, names)
    renderer = make_renderer(config, data, inputs.pages, inputs.theme)
    theme_copy = tempfile.TemporaryDirectory(prefix="rapor-bench-theme-")
    bare = without_partials(renderer, Path(theme_copy.name))
    units = [plan for plan in plan_site(config, data, inputs.pages) if plan.template == "unit.html"]
    print(f"project {project}: {len(data.units):,} units, {len(units):,} unit pages, {len(data.years)} years")
    units = units[:pages]  # the cost per page is what is measured: a sample of pages tells it

    for plan in units[:50]:  # warm both template caches
        renderer.render(plan)
        bare.render(plan)
    # Interleaved, page by page, in CPU time: the machine's other load falls on both alike.
    with_share = without = 0.0
    for _ in range(repeat):
        for plan in units:
            started = time.process_time()
            renderer.render(plan)
            middle = time.process_time()
            bare.render(plan)
            with_share += middle - started
            without += time.process_time() - middle
    with_share, without = with_share / repeat, without / repeat
    sizes = [len(renderer.render(plan)[1]) for plan in units]
    per_page = (with_share - without) / len(units) * 1e3
    print(f"unit pages: {with_share / len(units) * 1e3:.3f} ms/page with the share partials, "
          f"{without / len(units) * 1e3:.3f} ms without: +{per_page:.3f} ms/page "
          f"(+{with_share - without:.2f} s for all {len(units):,})")
    print(f"unit page size: median {statistics.median(sizes) / 1024:.1f} KB, largest {max(sizes) / 1024:.1f} KB")

    site_urls, locales = renderer.site_urls, renderer.locales
    def all_badges() -> list[tuple[str, bytes]]:
        return list(badge_files(config, data, locales, site_urls))

    seconds = best_of(repeat, all_badges)
    badges = all_badges()
    badged_units = len(badges) // (2 * len(config.site.languages))
    print(f"badges: {len(badges):,} files ({badged_units:,} units x light/dark x {len(config.site.languages)} "
          f"languages) in {seconds:.2f} s: {seconds / max(badged_units, 1) * 1e3:.3f} ms per unit, "
          f"{sum(len(b) for _p, b in badges) / max(len(badges), 1):.0f} bytes per file")

    with tempfile.TemporaryDirectory() as scratch:
        # Writing them is the larger part: four more files per unit for write_site to write, or to compare and
        # hard-link when unchanged (wall clock: it waits on the disk).
        for label in ("first write", "unchanged rewrite"):
            started, wall = time.process_time(), time.perf_counter()
            write_site(badges, Path(scratch) / "out")
            cpu, wall = time.process_time() - started, time.perf_counter() - wall
            print(f"badges, {label} by write_site: {wall:.2f} s wall, {cpu:.2f} s CPU "
                  f"({wall / max(badged_units, 1) * 1e3:.3f} ms wall per unit)")

    with tempfile.TemporaryDirectory() as scratch:
        cache_root = Path(scratch)
        started, wall = time.process_time(), time.perf_counter()
        cold = PreviewCache(cache_root)
        files = list(preview_files(config, data, locales, site_urls, cold))
        drawn, drawn_wall = time.process_time() - started, time.perf_counter() - wall
        started = time.process_time()
        warm = PreviewCache(cache_root)
        list(preview_files(config, data, locales, site_urls, warm))
        cached = time.process_time() - started
    print(f"previews: {len(files)} pictures, {cold.drawn} drawn in {drawn:.2f} s CPU, {drawn_wall:.2f} s wall "
          f"({drawn / len(files) * 1e3:.0f} ms CPU each); from the cache ({warm.drawn} drawn) {cached * 1e3:.0f} ms; "
          f"{sum(len(b) for _p, b in files) / len(files) / 1024:.0f} KB each")
    theme_copy.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("project", nargs="?", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--stress", action="store_true", help="measure 20,000 synthetic units x 10 years")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pages", type=int, default=None, help="render only this many unit pages (default: all; "
                        "2,000 with --stress)")
    args = parser.parse_args()
    if not args.stress:
        measure(args.project, args.repeat, args.pages)
        return
    folder = Path(tempfile.mkdtemp(prefix="rapor-bench-share-"))
    try:
        write_project(folder)
        measure(folder, 1, args.pages or 2000)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
