"""build_site(project): read → check → model → plan → render → write, with a report of what happened."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from .errors import Problem, RaporError, Severity
from .heap import long_lived
from .model import build_model
from .pipeline import read_inputs
from .session import BuildSession, warm
from .urls import SiteUrls

if TYPE_CHECKING:
    from .pages import PagePlan
    from .write import WriteReport


@dataclass(frozen=True)
class CheckReport:
    units: int
    rows: int
    years: str  # "years 2020–2024", "year 2024" or "no years"
    pages: int
    warnings: tuple[Problem, ...]

    def summary(self) -> str:
        return (f"ok: {_count(self.units, 'unit')}, {_count(self.rows, 'result row')}, {self.years}, "
                f"{_count(self.pages, 'content page')}; {_count(len(self.warnings), 'warning')}")


def _count(number: int, noun: str) -> str:
    """'1 warning', '2 warnings': the summary lines read as English."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


@dataclass(frozen=True)
class BuildReport:
    output: Path
    pages: int
    files: int
    changed: int
    seconds: float
    warnings: tuple[Problem, ...]
    rendered: int = 0  # pages rendered; the others were unchanged and kept from the previous build

    def summary(self) -> str:
        return (f"built {self.pages} pages ({self.rendered} rendered, {self.files} files, {self.changed} changed) "
                f"into {self.output} in {self.seconds:.1f} s")


def check_project(root: Path, strict: bool = False) -> CheckReport:
    """Everything a build reads, checked and modelled, without writing anything."""
    inputs = read_inputs(root, strict=strict)
    model = build_model(inputs.results, inputs.units, inputs.provinces, inputs.config.scheme)
    first, last = (model.years[0], model.years[-1]) if model.years else (None, None)
    years = "no years" if first is None else f"year {first}" if first == last else f"years {first}–{last}"
    return CheckReport(len(inputs.units), len(inputs.results), years, len(inputs.pages), inputs.warnings)


class Progress(Protocol):
    """Told what a build is doing, to show it; the CLI supplies one (display is its job). Stages, in order:
    "read and check" (config, data, narrative, themes), "model", "plan", then "render" (pages, downloads and
    other files, as they are produced) and "write" (the output folder), which overlap and are told last."""

    def stage_started(self, name: str) -> None: ...

    def stage_done(self, name: str, seconds: float) -> None: ...

    def pages(self, plans: list[PagePlan]) -> Iterable[PagePlan]:
        """The plans as they are rendered (a progress bar may wrap them)."""
        ...


class _Timed:
    """Runs the stages of a build one after another, telling `progress` of each; `settle` (heap.py) when
    each ends."""

    def __init__(self, progress: Progress | None, settle: Callable[[], None] = lambda: None) -> None:
        self.progress = progress
        self.settle = settle
        self.name = ""
        self.started = 0.0

    def next(self, name: str) -> None:
        self.finish()
        self.name, self.started = name, time.perf_counter()
        if self.progress is not None:
            self.progress.stage_started(name)

    def finish(self) -> None:
        if self.name:
            self.settle()
        if self.name and self.progress is not None:
            self.progress.stage_done(self.name, time.perf_counter() - self.started)
        self.name = ""


def timed(items: Iterator[tuple[str, bytes | None]], spent: list[float]) -> Iterator[tuple[str, bytes | None]]:
    """`items`, adding the time spent producing each to spent[0]."""
    while True:
        started = time.perf_counter()
        try:
            item = next(items)
        except StopIteration:
            spent[0] += time.perf_counter() - started
            return
        spent[0] += time.perf_counter() - started
        yield item


# Files other than pages written after each rendered page (build_site): badges and previews are four per unit
# and a unit has two pages, so most of them are written while the workers render.
OTHERS_PER_PAGE = 2

# Takes the built files and the output folder; write.write_site by default, a comparison for `rapor diff`.
Sink = Callable[[Iterable[tuple[str, bytes | None]], Path], "WriteReport"]


def build_site(root: Path, output: Path | None = None, strict: bool = False,
               progress: Progress | None = None, sink: Sink | None = None, force: bool = False,
               jobs: int | None = None, session: BuildSession | None = None) -> BuildReport:
    """Build the whole site. Nothing is written unless every input is valid; the swap-in is atomic.

    Pages whose inputs did not change since the build in the output folder are not rendered again
    (incremental.py); `force` renders every page. Pages are rendered in `jobs` worker processes (default:
    one per core; parallel.py), with the same output as one. A `session` (session.py: `rapor serve`'s) reuses
    what the previous build in this process made from inputs that have not changed since."""
    with long_lived(session is None) as settle:  # a cold build's objects kept from the collector's walks
        return _build(root, output, strict, progress, sink, force, jobs, session, settle)


def _build(root: Path, output: Path | None, strict: bool, progress: Progress | None, sink: Sink | None,
           force: bool, jobs: int | None, session: BuildSession | None, settle: Callable[[], None]) -> BuildReport:
    from .catalog import FileCatalog, frame_digest
    from .chart_build import site_charts
    from .chart_svg import BUNDLE_PATH
    from .content import narrative_sources
    from .data_page import build_data_files, data_page_plans
    from .errata import errata_feed
    from .incremental import MANIFEST, Manifest, ValueDigests, page_fingerprint, render_keys
    from .league import league_by_year, province_league
    from .league_pages import TOPOJSON_PATH, league_plans, with_home_maps
    from .narrative_targets import dead_link_problems
    from .output_guard import check_output_folder
    from .page_inputs import PageInputs
    from .pages import plan_site
    from .parallel import default_jobs, give_back_freed_memory, rendered_pages, started_workers
    from .render import make_renderer, robots, root_icon, sitemap, static_files, static_names
    from .search import SearchIndex
    from .search_pages import search_page
    from .share_files import share_files
    from .sitedata import build_site_data
    from .write import file_mode, write_site

    started = time.perf_counter()
    stages = _Timed(progress, settle)
    stages.next("read and check")
    inputs = read_inputs(root, strict=strict) if session is None else session.read_inputs(root, strict)
    config = inputs.config
    chosen = output if output is not None else config.output
    check_output_folder(chosen, config, inputs.theme.folders, from_command_line=output is not None)
    target = chosen.resolve()
    inputs.theme.remember_checked()
    stages.next("model")
    model = warm(session, "model", (inputs,),
                 lambda: build_model(inputs.results, inputs.units, inputs.provinces, config.scheme))
    if not model.years:
        raise RaporError.single(config.rel(config.data.results), 1, 1, "there are no results to publish",
                                "add at least one year of results")
    province_names = dict(zip(inputs.provinces["code"], inputs.provinces["name"], strict=True))
    kept_rows = None if session is None else session.scratch("site rows")
    data = warm(session, "site data", (model,), partial(build_site_data, model, config.scheme, province_names,
                                                         kept_rows))
    stages.next("plan")
    renderer = (make_renderer(config, data, inputs.pages, inputs.theme) if session is None
                else session.renderer((data, inputs), lambda environment: make_renderer(
                    config, data, inputs.pages, inputs.theme, environment)))
    charts = warm(session, "charts", (data, inputs), lambda: site_charts(config, data, inputs.theme))
    charts.install(renderer)
    manifest = Manifest() if force or sink is not None else Manifest.read(target)
    mode = file_mode()
    catalog = FileCatalog(manifest, target, mode)
    data_key = "".join(frame_digest(frame) for frame in (inputs.results, inputs.units, inputs.provinces))
    data_files = build_data_files(config, data, inputs.theme, catalog, data_key,
                                  None if session is None else session.scratch("download lines"))
    league = league_by_year(province_league(model, inputs.provinces, config.scheme), config.scheme)
    del model  # the pages are made from the site data: its frames (a large project's) go before rendering
    site_pages = warm(session, "narrative charts", (charts, renderer), lambda: charts.embed(inputs.pages, renderer))
    plans = warm(session, "plans", (site_pages, data), lambda: [
        *with_home_maps(plan_site(config, data, site_pages, inputs.corrections), config, data, league,
                        inputs.boundaries, inputs.theme.locales),
        *league_plans(config, data, league, inputs.boundaries, inputs.theme.locales),
        *data_page_plans(config, data, data_files)])
    sitemap_paths = [plan.path for plan in plans if plan.in_sitemap]
    page_count = len(plans)
    site_urls = SiteUrls(config.site.languages[0])
    unit_names = {unit_id: str(unit["name"]) for unit_id, unit in data.units.items()}
    # What the build writes besides the pages and downloads, as files() below makes it.
    feeds = config.site.languages if config.site.base_url and inputs.corrections else ()
    known = frozenset([*(plan.path for plan in plans), *data_files.sizes, *static_names(inputs.theme.folders),
                       "favicon.ico", "robots.txt", BUNDLE_PATH, *([TOPOJSON_PATH] if inputs.boundaries else []),
                       *(["sitemap.xml"] if config.site.base_url else []), *map(site_urls.errata_feed, feeds)])
    links = dead_link_problems(narrative_sources(inputs.pages, site_urls), known, strict)
    if any(problem.severity is Severity.ERROR for problem in links):
        raise RaporError(links)
    warnings = (*inputs.warnings, *links)

    keys = warm(session, "render keys", (renderer,), lambda: render_keys(
        renderer.env, renderer.common, inputs.theme.labels(), (config.site.languages, renderer.absolute_root)))
    rendered = [0]
    beyond = PageInputs(data, charts.figures, config.scheme.aspect_keys)

    search = SearchIndex(previous=target / "pagefind", link=sink is None)  # reused when no search page changed

    def files() -> Iterator[tuple[str, bytes | None]]:
        # The downloads first: their bytes (hundreds of MB for a large project) are let go as they are written,
        # before the pages are rendered (data_page.DataFiles.items).
        yield from data_files.items(catalog)
        # What to render is decided first, so the pages to render can go to worker processes (parallel.py).
        def fingerprinted() -> list[str]:
            digests = ValueDigests(None if session is None else session.scratch("row lists"))
            return [page_fingerprint(keys[plan.lang], plan.path, plan.template, plan.absolute,
                                     (plan.context, beyond.of(plan)), digests) for plan in plans]

        fingerprints: list[str] | None = None
        kept = [False] * len(plans)
        if manifest.previous or session is not None:
            fingerprints = warm(session, "fingerprints", (plans, keys, charts), fingerprinted)
            kept = [manifest.reusable(target, plan.path, fingerprint, mode)
                    for plan, fingerprint in zip(plans, fingerprints, strict=True)]
        # Else nothing can be kept: every page renders, and each one's fingerprint is made as it comes back.
        digests = ValueDigests(None)
        produced = rendered_pages(renderer, [plan for plan, keep in zip(plans, kept, strict=True) if not keep],
                                  cores, search_page, workers)
        # The other files (static, charts, badges and previews) are made and written while the workers render:
        # a few after each page that comes back, the rest after the last one.
        made = catalog.made
        others = itertools.chain(catalog.all_made(static_files(inputs.theme.folders)),
                                 catalog.all_made(root_icon(inputs.theme.folders)), charts.files(catalog),
                                 [made(TOPOJSON_PATH, inputs.boundaries.topojson)] if inputs.boundaries else [],
                                 share_files(config, data, renderer.locales, renderer.site_urls, catalog))
        shown = progress.pages(plans) if progress is not None else plans
        for number, (plan, keep) in enumerate(zip(shown, kept, strict=True)):
            if keep:
                search.keep(plan.path, manifest.reuse(plan.path))  # its search page's digest: not read
                yield plan.path, None
                continue
            path, html, found = next(produced)
            search.add_cut(path, found)
            fingerprint = (fingerprints[number] if fingerprints is not None else page_fingerprint(
                keys[plan.lang], plan.path, plan.template, plan.absolute, (plan.context, beyond.of(plan)), digests))
            manifest.record(path, fingerprint, len(html), search.digests[path])
            rendered[0] += 1
            yield path, html
            yield from itertools.islice(others, OTHERS_PER_PAGE)
        for _ in produced:  # none left: this lets the workers finish
            raise AssertionError("more pages rendered than planned")
        if session is None:
            # A cold build needs nothing more of the plans: they go before Pagefind starts, whose memory and
            # this process's make the peak of a large build (at 20,000 units, some 700 MB and 1.4 GB).
            plans.clear()
            del fingerprints, kept
            give_back_freed_memory()
        search.start()  # Pagefind indexes the pages while the other files are made and written
        yield from others
        if config.site.base_url:
            yield made("sitemap.xml", sitemap(config, sitemap_paths))
            if inputs.corrections:
                for lang, locale in inputs.theme.locales.items():
                    yield made(site_urls.errata_feed(lang), errata_feed(config, locale, inputs.corrections,
                                                                        unit_names, site_urls))
        yield made("robots.txt", robots(config))
        yield from search.files()  # after the pages: Pagefind indexes the pages put aside above
        yield MANIFEST, manifest.as_bytes()

    stages.finish()
    if progress is not None:
        progress.stage_started("render and write")
    writing = time.perf_counter()
    rendering = [0.0]
    cores = default_jobs() if jobs is None else jobs
    # A full build's workers start now, while this process makes the downloads and the fingerprints.
    workers = started_workers(renderer, len(plans), cores) if session is None and not manifest.previous else None
    with search, workers or nullcontext():
        # A session (`rapor serve`) writes only the changed files, in place (preview_write.py).
        report = (sink or (write_site if session is None else session.write))(timed(files(), rendering), target)
    if progress is not None:
        progress.stage_done("render", rendering[0])
        progress.stage_done("write", time.perf_counter() - writing - rendering[0])
    return BuildReport(target, page_count, report.files, report.changed, time.perf_counter() - started,
                       warnings, rendered[0])
