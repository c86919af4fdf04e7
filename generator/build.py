"""build_site(project): read → check → model → plan → render → write, with a report of what happened."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import Problem, RaporError
from .model import build_model
from .pipeline import read_inputs
from .urls import SiteUrls

if TYPE_CHECKING:
    from .pages import PagePlan


@dataclass(frozen=True)
class CheckReport:
    units: int
    rows: int
    years: str
    pages: int
    warnings: tuple[Problem, ...]


@dataclass(frozen=True)
class BuildReport:
    output: Path
    pages: int
    files: int
    changed: int
    seconds: float
    warnings: tuple[Problem, ...]

    def summary(self) -> str:
        return (f"built {self.pages} pages ({self.files} files, {self.changed} changed) into {self.output} "
                f"in {self.seconds:.1f} s")


def check_project(root: Path, strict: bool = False) -> CheckReport:
    """Everything a build reads, checked and modelled, without writing anything."""
    inputs = read_inputs(root, strict=strict)
    model = build_model(inputs.results, inputs.units, inputs.provinces, inputs.config.scheme)
    years = f"{model.years[0]}–{model.years[-1]}" if model.years else "none"
    return CheckReport(len(inputs.units), len(inputs.results), years, len(inputs.pages), inputs.warnings)


# Wraps the page plans as they are rendered, e.g. in a progress bar; the CLI supplies it (display is its job).
Progress = Callable[[list["PagePlan"]], Iterable["PagePlan"]]


def build_site(root: Path, output: Path | None = None, strict: bool = False,
               progress: Progress | None = None) -> BuildReport:
    """Build the whole site. Nothing is written unless every input is valid; the swap-in is atomic."""
    from .output_guard import check_output_folder
    from .pages import plan_site
    from .render import download_csv, make_renderer, robots, root_icon, sitemap, static_files
    from .search import SearchIndex
    from .sitedata import build_site_data
    from .write import write_site

    started = time.perf_counter()
    inputs = read_inputs(root, strict=strict)
    config = inputs.config
    chosen = output if output is not None else config.output
    check_output_folder(chosen, config, inputs.theme.folders, from_command_line=output is not None)
    target = chosen.resolve()
    model = build_model(inputs.results, inputs.units, inputs.provinces, config.scheme)
    if not model.years:
        raise RaporError.single(config.rel(config.data.results), 1, 1, "there are no results to publish",
                                "add at least one year of results")
    province_names = dict(zip(inputs.provinces["code"], inputs.provinces["name"], strict=True))
    data = build_site_data(model, config.scheme, province_names)
    renderer = make_renderer(config, data, inputs.pages, inputs.theme)
    plans = list(plan_site(config, data, inputs.pages))
    sitemap_paths = [plan.path for plan in plans if plan.in_sitemap]

    search = SearchIndex(previous=target / "pagefind")  # reused when no indexed page changed

    def files() -> Iterator[tuple[str, bytes]]:
        for plan in (progress(plans) if progress is not None else plans):
            yield search.add(*renderer.render(plan))
        yield from static_files(inputs.theme.folders)
        yield from root_icon(inputs.theme.folders)
        for year in data.years:
            yield SiteUrls.download(year), download_csv(config, data, year)
        if config.site.base_url:
            yield "sitemap.xml", sitemap(config, sitemap_paths)
        yield "robots.txt", robots(config)
        yield from search.files()  # last: Pagefind indexes the pages put aside above

    with search:
        report = write_site(files(), target)
    return BuildReport(target, len(plans), report.files, report.changed, time.perf_counter() - started,
                       inputs.warnings)
