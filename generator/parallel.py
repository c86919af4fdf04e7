"""Render pages in worker processes, one per core, with output byte for byte that of a serial build.

Workers are started with `spawn`, always: a forked child inherits a copy of every thread's locks in whatever
state they were, and libraries with threads of their own (vl-convert, which renders charts, runs a Rust/Deno
runtime) may be loaded before the pool starts, so `fork` would be safe only as long as nothing in the build
ever loads such a library first. A spawned worker starts a fresh interpreter instead; it gets once, when it
starts, what it needs to make the same Renderer (config, theme folders, locales, the values every page shows:
a few kilobytes, and the model's tables every page may read: see below) and compiles the templates itself;
then it renders chunks of plans in order.

Memory: the values every page shows include helpers that hold the whole SiteData (the chart makers). Sent as
they are, each worker would hold its own copy of every result row twice over (rows by year, history by unit):
at 20,000 units x 10 years about 400 MB per worker. A worker gets SiteData without those per-unit tables
(`_shared_site_data`): what a page of its own shows comes in its plan's context, and the helpers read only the
small tables (years, averages, counts, province names). Should a page reach a withheld table all the same (a
theme's template asking a chart maker for a figure that was not made in advance), the worker gives its chunk
back and this process, which holds the whole model, renders it: the output is the same either way.

Determinism: chunks are handed out in plan order and their pages are given back in that same order, whichever
worker finishes first, so write.write_site receives exactly the sequence a serial build yields. A page's HTML
depends only on its plan and the renderer (incremental.py's rule), so which process renders it cannot show.

Errors: a template error is located in the worker (Renderer.render) and raised in the build as it would be
serially: the pages before it come first, so the first failing page in plan order is the one reported. A
stop signal (Ctrl-C) reaches the build in this process; workers ignore SIGINT and are terminated, and
write.py keeps the previous output; a killed build's workers end with it (Linux). Small renders (an
incremental build, a small site) stay in this process, as do values that cannot be sent to another process.
"""

from __future__ import annotations

import atexit
import functools
import io
import multiprocessing
import multiprocessing.pool
import os
import pickle
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection
from multiprocessing.pool import AsyncResult
from multiprocessing.synchronize import Lock
from typing import Any, NoReturn, cast

from .interrupts import deferred_signals
from .pages import PagePlan
from .ranking_rows import GLOBALS as ROW_GLOBALS
from .ranking_rows import RowCells
from .render import Renderer, make_environment
from .sitedata import SiteData
from .urls import SiteUrls

# Fewer pages than this render faster here than a spawned worker starts (imports, templates: about 0.5 s).
SERIAL_BELOW = 400
# Plans per task: enough that sending them costs little next to rendering them, few enough to keep all
# workers busy to the end.
CHUNK = 32
# Chunks sent ahead of the one being written: bounds the rendered pages waiting in memory.
AHEAD = 4
# Chunks a worker renders (on average) before fresh workers take over. A worker's caches (ranking rows' shared
# cells, chart pieces: worth keeping for the pages that follow) and its heap grow with every page it renders:
# without a limit each worker of a 20,000-unit build ends near 500 MB. Fresh workers cost about a second.
CHUNKS_PER_WORKER = 200


def default_jobs() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class _WholeDataNeeded(BaseException):
    """A worker's page read a table of the model the worker was not given. A BaseException, so that neither
    Jinja nor Renderer.render turns it into a template error: the chunk is rendered in the build instead."""


class _Withheld:
    """Stands in a worker for a SiteData table that was not sent (rows by year, history, units): any use of it
    is reported by _WholeDataNeeded."""

    def _reached(self, *args: object) -> NoReturn:
        raise _WholeDataNeeded

    __getitem__ = __iter__ = __len__ = __contains__ = __bool__ = _reached

    def __getattr__(self, name: str) -> NoReturn:  # get, items, keys, values...
        raise _WholeDataNeeded


def _shared_site_data(years: tuple[int, ...], averages: dict[Any, Any], grade_counts: dict[Any, Any],
                      group_totals: dict[Any, Any], provinces: dict[Any, Any],
                      province_names: dict[str, str]) -> SiteData:
    withheld = cast(dict[Any, Any], _Withheld())
    return SiteData(years, withheld, withheld, withheld, averages, grade_counts, group_totals, provinces,
                    province_names)


class _RecipePickler(pickle.Pickler):
    """Pickles every SiteData in the recipe as its shared part (see the module's docstring)."""

    def reducer_override(self, obj: object) -> Any:
        if type(obj) is SiteData:
            return _shared_site_data, (obj.years, obj.averages, obj.grade_counts, obj.group_totals, obj.provinces,
                                       obj.province_names)
        return NotImplemented


def _recipe(renderer: Renderer) -> bytes | None:
    """What a worker needs to make `renderer` again; None if some value cannot be sent to another process."""
    folders = getattr(renderer.env.loader, "folders", None)
    if folders is None:
        return None
    # Globals added after the environment was made (the year charts' figures: chart_build.py) go along, or a
    # worker's pages would lack what they show.
    fresh = make_environment(list(folders), renderer.site_urls).globals
    # (ranking_cells and ranking_rows are made again by each worker: RowCells.installed.)
    added = {name: value for name, value in renderer.env.globals.items()
             if name not in fresh and name not in ROW_GLOBALS}
    buffer = io.BytesIO()
    try:
        _RecipePickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(
            (renderer.config, tuple(folders), renderer.locales, renderer.common, renderer.absolute_root, added))
    except (pickle.PicklingError, TypeError, AttributeError):
        return None
    return buffer.getvalue()


def _rebuild(recipe: bytes) -> Renderer:
    config, folders, locales, common, absolute_root, added = pickle.loads(recipe)
    site_urls = SiteUrls(config.site.languages[0])
    env = make_environment(list(folders), site_urls)
    env.globals.update(added)
    return Renderer(config, env, site_urls, locales, common, absolute_root, RowCells.installed(env, common))


def give_back_freed_memory() -> None:
    """Return to the system the memory the stages before rendering freed (the model's frames, the downloads,
    planning): the C allocator keeps it in its heap otherwise (some 110 MB at 5,000 units), and the build's
    peak is this process's size plus the workers'. glibc only; elsewhere nothing is done."""
    try:
        import ctypes

        trim = ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return
    trim(0)


_worker: dict[str, Renderer | BaseException] = {}


def _end_with_the_build(build: int) -> None:
    """On Linux, end this worker when the build's process `build` ends, even by `kill -9` (else a worker would
    finish its chunk first, rendering for nothing)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the worker ends when it next asks for work
        return
    if os.getppid() != build:  # the build ended before the request was made
        os._exit(0)


def _start_worker(handover: Connection, turn: Lock, build: int) -> None:
    # Ctrl-C reaches the whole process group: the build stops the workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _end_with_the_build(build)
    try:
        with turn:  # one reader at a time: each takes one whole copy of the recipe
            recipe = handover.recv_bytes()
        _worker["renderer"] = _rebuild(recipe)
    except Exception as exc:  # raised with the first chunk: a pool restarts a worker whose start fails, for ever
        _worker["renderer"] = exc


def _render_chunk(plans: list[PagePlan], cut: Callable[[bytes], Any]) -> list[tuple[str, bytes, Any]] | None:
    """The chunk's pages, each with its cut; None if one of them needs a table this worker was not given."""
    renderer = _worker["renderer"]
    if isinstance(renderer, BaseException):
        raise renderer
    try:
        return [(path, html, cut(html)) for path, html in map(renderer.render, plans)]
    except _WholeDataNeeded:
        return None


class Workers:
    """A pool of `size` fresh workers making `recipe`'s Renderer. Starting one does not wait for them: the recipe
    (megabytes: the year charts' figures) goes through a pipe that a thread of this process feeds, not with the
    workers' start arguments, whose sending would wait for each new interpreter in turn to read them.

    A stop signal never cuts starting or closing them in two (interrupts.deferred_signals): a pool half made
    or half closed would leave workers that start after this process has let go of the pool's semaphores (their
    start fails, loudly), or semaphores the system's resource tracker reports as leaked. Closing joins the
    feeding thread, so no thread of this process holds a semaphore when it exits. Workers not closed by the time
    Python exits (a signal between making them and entering their `with`) are closed then."""

    def __init__(self, recipe: bytes, size: int) -> None:
        self.recipe, self.size = recipe, size
        self.pool: multiprocessing.pool.Pool | None = None
        self._handover: Connection | None = None
        self._turn: Lock | None = None
        self._feeder: threading.Thread | None = None
        try:
            with deferred_signals():
                context = multiprocessing.get_context("spawn")
                self._handover, sending = context.Pipe(duplex=False)
                self._turn = context.Lock()
                _open.add(self)
                self.pool = context.Pool(size, initializer=_start_worker, initargs=(self._handover, self._turn,
                                                                                    os.getpid()))
                self._feeder = threading.Thread(target=_feed, args=(sending, recipe, size), daemon=True,
                                                name="rapor-recipe")
                self._feeder.start()
        except BaseException:  # (a stop signal, raised once they were made)
            self.close()
            raise

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with deferred_signals():
            _open.discard(self)
            pool, self.pool = self.pool, None
            if pool is not None:
                pool.terminate()
                pool.join()
            if self._handover is not None:
                self._handover.close()  # the workers are gone: a feeder still writing meets a closed pipe
            if self._feeder is not None:
                self._feeder.join()
            # The pool's semaphores and the turn's are let go here, not wherever the garbage collector would meet
            # them (a signal then could cut their release in two).
            del pool
            self._handover = self._turn = self._feeder = None


def _feed(sending: Connection, recipe: bytes, copies: int) -> None:
    """Write a copy of the recipe for each worker; ends early (quietly) when the workers were stopped."""
    try:
        for _ in range(copies):
            sending.send_bytes(recipe)
    except OSError:  # (BrokenPipeError: no worker reads any more)
        pass
    finally:
        sending.close()


# Workers started and not yet closed: closed as Python exits, before multiprocessing's own clean-up (which lets
# go of the semaphores first, then stops the workers: one still starting would fail to find them).
_open: set[Workers] = set()


@atexit.register
def _close_open_workers() -> None:
    for workers in list(_open):
        workers.close()


def started_workers(renderer: Renderer, pages: int, jobs: int) -> Workers | None:
    """The workers that will render `pages` pages (the first round's: see rendered_pages), started now, so that
    they start (a new interpreter, the imports, the recipe) while this process makes the downloads and the
    fingerprints; None if those pages will render here. Close them (a `with`) when the build ends."""
    recipe = _recipe(renderer) if jobs > 1 and pages >= SERIAL_BELOW else None
    return None if recipe is None else Workers(recipe, min(jobs, -(-pages // CHUNK)))


def rendered_pages(renderer: Renderer, plans: Sequence[PagePlan], jobs: int, cut: Callable[[bytes], Any],
                   started: Workers | None = None) -> Iterator[tuple[str, bytes, Any]]:
    """(path, html, cut(html)) of each plan, in the plans' order: in `jobs` worker processes when there is enough
    to render to be worth starting them, else here. `cut` (a module-level function: it is sent by name) is
    applied where the page is rendered: the search page is cut in the workers, not in the build's process.
    `started` (started_workers) renders the first round if they make this renderer, as they are; else they are
    closed, as they are when the pages are done."""
    recipe = _recipe(renderer) if jobs > 1 and len(plans) >= SERIAL_BELOW else None
    chunks = [list(plans[start:start + CHUNK]) for start in range(0, len(plans), CHUNK)]
    workers = min(jobs, len(chunks))
    if started is not None and (recipe != started.recipe or started.size != workers):
        started.close()  # (the renderer changed since they started, or fewer pages are to render)
        started = None
    if recipe is None:
        for plan in plans:
            path, html = renderer.render(plan)
            yield path, html, cut(html)
        return
    give_back_freed_memory()
    # Rounds of pools, each started by this thread: a pool's own replacement of its workers (maxtasksperchild)
    # starts them from its handler thread, whose end sends them the parent-death signal (_end_with_the_build)
    # possibly while one holds the task queue's lock, which then hangs the pool's terminate().
    # A round's successors start once its last chunk is handed out: they start while it renders its last
    # chunks (for a second or so, four workers: the fresh ones are small, a few tens of MB each).
    per_round = workers * CHUNKS_PER_WORKER
    rounds = [chunks[start:start + per_round] for start in range(0, len(chunks), per_round)]
    following = [started]

    def start_next(number: int) -> None:
        if number + 1 < len(rounds) and following[0] is None:
            following[0] = Workers(recipe, min(workers, len(rounds[number + 1])))

    try:
        for number, round_chunks in enumerate(rounds):
            pool = following[0] or Workers(recipe, min(workers, len(round_chunks)))
            following[0] = None
            with pool:
                yield from _rendered_round(renderer, pool, round_chunks, cut, functools.partial(start_next, number))
    finally:
        if following[0] is not None:  # (an error or a stop in the middle of a round)
            following[0].close()


def _rendered_round(renderer: Renderer, workers: Workers, chunks: list[list[PagePlan]],
                    cut: Callable[[bytes], Any], all_handed_out: Callable[[], None]
                    ) -> Iterator[tuple[str, bytes, Any]]:
    """The chunks' pages in order, rendered by a pool of fresh workers; `all_handed_out` is called once the
    last chunk has been handed to them."""
    pool, size = workers.pool, workers.size
    assert pool is not None, "closed workers"
    waiting: deque[tuple[list[PagePlan], AsyncResult[Any]]] = deque()
    queued = iter(chunks)

    def hand_out(chunk: list[PagePlan]) -> None:
        waiting.append((chunk, pool.apply_async(_render_chunk, (chunk, cut))))
        if chunk is chunks[-1]:
            all_handed_out()

    for chunk in queued:
        hand_out(chunk)
        if len(waiting) >= size * AHEAD:
            break
    while waiting:
        chunk, result = waiting.popleft()
        pages = result.get()
        following = next(queued, None)
        if following is not None:
            hand_out(following)
        if pages is None:
            pages = [(path, html, cut(html)) for path, html in map(renderer.render, chunk)]
        yield from pages
