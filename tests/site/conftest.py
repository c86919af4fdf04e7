"""Shared fixtures for the whole-site quality tests.

The sample project at the repository root (``rapor.toml``, ``data/``, ``content/``) is built
once per test session into a temporary directory; every test in this folder checks that
built output, never the sources.

Everything a test needs from outside Python (Debian's chromium, nginx, a Java runtime) is
installed by ``.ci/run``; when something is missing the tests FAIL with a message saying so,
they never skip.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import pickle
import random
import re
import subprocess
import sys
import threading
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from filelock import FileLock

REPO_ROOT = Path(__file__).resolve().parents[2]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
    # Robustness on CI machines; neither changes what a page does.
    "--disable-dev-shm-usage",
    "--no-proxy-server",
]
VIEWPORT = {"width": 360, "height": 740}

LANGS = ("id", "en")
PAGE_KINDS = (
    "home",
    "year",
    "ranking",
    "ranking-level",
    "ranking-type",
    "ranking-province",
    "unit",
    "province",
    "errata",
    "unit-corrected",
    "provinces",
    "content",
    "404",
    "redirect",
    "data",
    "regency",
    "units-az",
    "search",
)



def _base_path() -> str:
    """The path part of the sample's site.base_url, where the site is served in these tests as when hosted."""
    config = tomllib.loads((REPO_ROOT / "rapor.toml").read_text(encoding="utf-8"))
    return urlsplit(config["site"]["base_url"]).path.rstrip("/") + "/"


BASE_PATH = _base_path()


@pytest.fixture(scope="session")
def base_path() -> str:
    """The sample's base path (``/rapor/``): where 404 pages' links start and where the tests serve the site."""
    return BASE_PATH
_YEAR_RE = re.compile(r"^\d{4}$")
# Top-level folders that are not content pages.
_NOT_CONTENT = {"en", "unit", "province", "static", "errata", "data", "regency", "units", "search", "pagefind"}


# Tests that start a long job of their own, run first so that under pytest-xdist that job overlaps the
# shared site build and the checks that wait for it, instead of coming after them.
_RUN_FIRST = {"test_site_determinism.py"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.path.name not in _RUN_FIRST)


# The expensive per-page checks (axe-core, the Nu HTML checker) look at one page of every kind in both
# languages plus this many pages drawn from the whole site. The draw is seeded, so a run is repeatable and
# a failure can be reproduced; RAPOR_PAGE_SEED=<anything> draws another set.
DRAWN_PAGES = 6
PAGE_SEED = os.environ.get("RAPOR_PAGE_SEED", "rapor")


def _checked_page_ids() -> list[str]:
    return [f"{kind}-{lang}" for kind in PAGE_KINDS for lang in LANGS] + [
        f"drawn-{n}" for n in range(1, DRAWN_PAGES + 1)
    ]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test asking for ``page_case`` runs once per page kind and language: ``(kind, lang)``;
    ``sample_pages[page_case]`` is then the concrete page. A test asking for ``checked_page`` runs once per
    page of ``checked_pages`` (the kinds and languages, then the drawn pages)."""
    if "page_case" in metafunc.fixturenames:
        cases = [(kind, lang) for kind in PAGE_KINDS for lang in LANGS]
        metafunc.parametrize("page_case", cases, ids=[f"{k}-{lang}" for k, lang in cases])
    if "checked_page" in metafunc.fixturenames:
        ids = _checked_page_ids()
        metafunc.parametrize("checked_page", ids, ids=ids)


def build_site(out: Path, env: dict[str, str] | None = None) -> Path:
    """Build the sample project (the repository root) into ``out``; a failed build fails the test with its output."""
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "build", str(REPO_ROOT), "--output", str(out), "--quiet"],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env=env,
        check=False,
    )
    if proc.returncode != 0:
        raise BuildFailed(f"`rapor build` of the sample exited {proc.returncode}:\n{proc.stdout}{proc.stderr}")
    return out


class BuildFailed(Exception):
    """The sample project did not build."""


@pytest.fixture(scope="session")
def build_sample() -> Callable[..., Path]:
    """``build_sample(out, env=None)`` builds the sample project into ``out``."""
    return build_site


def _shared_tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder shared by every pytest-xdist worker of this run (the session's own one without xdist)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def computed_once(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, Callable[[], Any]], Any]:
    """``computed_once(name, compute)`` is ``compute()``'s result, computed once per test run: under
    pytest-xdist by whichever worker asks first, while the others wait on a file lock and then read the
    pickled result. (xdist's own grouping, ``--dist loadgroup``, silently stops working with pytest 9.2:
    pytest-xdist#1386.)"""
    shared = _shared_tmp(tmp_path_factory)

    def _once(name: str, compute: Callable[[], Any]) -> Any:
        result = shared / f"{name}.pickle"
        with FileLock(str(shared / f"{name}.lock")):
            if not result.is_file():
                value = compute()
                result.write_bytes(pickle.dumps(value))
                return value
        return pickle.loads(result.read_bytes())

    return _once


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample site, built once per test run (under pytest-xdist, by whichever worker asks first, while
    the others wait on a file lock and then share it). Tests must treat it as read-only."""
    shared = _shared_tmp(tmp_path_factory)
    folder = shared / "sample-site"
    out = folder / "out"
    done = folder / "built"
    failed = folder / "failed"
    with FileLock(str(shared / "sample-site.lock")):
        if failed.is_file():
            pytest.fail(f"building the sample site failed (in another worker):\n{failed.read_text(encoding='utf-8')}")
        if not done.is_file():
            folder.mkdir(exist_ok=True)
            try:
                build_site(out)
            except BuildFailed as exc:
                failed.write_text(str(exc), encoding="utf-8")
                pytest.fail(str(exc), pytrace=False)
            done.write_text("", encoding="utf-8")
    assert (out / "index.html").is_file(), f"the build wrote no index.html into {out}"
    return out


def _pick(site: Path, pattern: str, what: str) -> str:
    matches = sorted(p for p in site.glob(pattern) if p.is_file())
    assert matches, f"the built site has no {what} (nothing matches {pattern!r})"
    return matches[0].relative_to(site).as_posix()


def _pick_redirect(site: Path) -> str:
    """A former unit id's page, which points readers to the unit's current page."""
    for path in sorted(site.glob("unit/*/index.html")):
        if 'http-equiv="refresh"' in path.read_text(encoding="utf-8"):
            return path.relative_to(site).as_posix()
    raise AssertionError("the built site has no page for a former unit id")


@pytest.fixture(scope="session")
def sample_pages(site: Path) -> dict[tuple[str, str], str]:
    """One concrete page of every kind, for both languages: ``{(kind, lang): relative path}``.

    The Indonesian pages are found by globbing; the English page is the ``en/`` mirror of the
    same path, which must exist.
    """
    years = sorted(
        p.name for p in site.iterdir() if p.is_dir() and _YEAR_RE.match(p.name) and (p / "index.html").is_file()
    )
    assert years, "the built site has no <year>/index.html"
    ranked = [y for y in years if (site / y / "ranking" / "index.html").is_file()]
    assert ranked, "the built site has no <year>/ranking/index.html"
    year = ranked[-1]  # the latest year: the one visitors land on
    content = sorted(
        p.name
        for p in site.iterdir()
        if p.is_dir() and p.name not in _NOT_CONTENT and not _YEAR_RE.match(p.name) and (p / "index.html").is_file()
    )
    assert content, "the built site has no content page (<slug>/index.html)"
    ids = {
        "home": "index.html",
        "year": f"{year}/index.html",
        "ranking": f"{year}/ranking/index.html",
        "ranking-level": _pick(site, f"{year}/ranking/level/*/index.html", "level ranking"),
        "ranking-type": _pick(site, f"{year}/ranking/type/*/index.html", "type ranking"),
        "ranking-province": _pick(site, f"{year}/ranking/province/*/index.html", "province ranking"),
        "unit": _pick(site, "unit/*/index.html", "unit page"),
        "province": _pick(site, "province/*/index.html", "province page"),
        "provinces": f"{year}/provinces/index.html",
        "content": f"{content[0]}/index.html",
        "404": "404.html",
        "errata": "errata/index.html",
        "unit-corrected": "unit/35.07-dpmptsp/index.html",  # the sample's corrections log names it
        "redirect": _pick_redirect(site),
        "data": "data/index.html",
        "regency": _pick(site, "regency/*/index.html", "regency page"),
        "units-az": _pick(site, "units/*/index.html", "A–Z list of units"),
        "search": "search/index.html",
    }
    pages: dict[tuple[str, str], str] = {}
    for kind, rel in ids.items():
        assert (site / rel).is_file(), f"the built site has no {kind} page {rel}"
        assert (site / "en" / rel).is_file(), f"the {kind} page {rel} has no English mirror en/{rel}"
        pages[(kind, "id")] = rel
        pages[(kind, "en")] = f"en/{rel}"
    return pages


@pytest.fixture(scope="session")
def checked_pages(site: Path, sample_pages: dict[tuple[str, str], str]) -> dict[str, str]:
    """``{case id: relative path}``: one page of every kind in both languages (``"unit-en"``), then
    ``DRAWN_PAGES`` other pages of the site drawn with ``PAGE_SEED`` (``"drawn-1"``...)."""
    pages = {f"{kind}-{lang}": rel for (kind, lang), rel in sample_pages.items()}
    chosen = set(pages.values())
    others = sorted(
        p.relative_to(site).as_posix() for p in site.rglob("*.html") if p.relative_to(site).as_posix() not in chosen
    )
    assert len(others) >= DRAWN_PAGES, f"the built site has only {len(others)} pages besides one of every kind"
    drawn = random.Random(PAGE_SEED).sample(others, DRAWN_PAGES)
    pages.update({f"drawn-{n}": rel for n, rel in enumerate(drawn, start=1)})
    assert sorted(pages) == sorted(_checked_page_ids())
    return pages


# --------------------------------------------------------------------------------------------
# Local static HTTP server (for the browser tests)
# --------------------------------------------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {  # noqa: RUF012 - same shape as the base class attribute
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".html": "text/html; charset=utf-8",
        ".css": "text/css; charset=utf-8",
        ".js": "text/javascript; charset=utf-8",
        ".mjs": "text/javascript; charset=utf-8",
        ".json": "application/json",
        ".svg": "image/svg+xml",
        ".png": "image/png",
        ".jpg": "image/jpeg",
        ".webp": "image/webp",
        ".ico": "image/x-icon",
        ".woff": "font/woff",
        ".woff2": "font/woff2",
        ".xml": "application/xml",
        ".txt": "text/plain; charset=utf-8",
        ".csv": "text/csv; charset=utf-8",
        ".webmanifest": "application/manifest+json",
    }

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def translate_path(self, path: str) -> str:
        # The site is served under its base path, as it is hosted; anything else is missing.
        route = urlsplit(path).path
        if not route.startswith(BASE_PATH):
            return str(Path(self.directory) / ".not-served")
        return super().translate_path("/" + path[len(BASE_PATH):])


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A browser closing a connection early is not a test failure.
        pass


@pytest.fixture(scope="session")
def http_base(site: Path) -> Iterator[str]:
    """``http://127.0.0.1:<port>/<base path>/`` serving the built site, on a random free port."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="site-http", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{BASE_PATH}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# --------------------------------------------------------------------------------------------
# Browser (Playwright driving Debian's chromium; never `playwright install`)
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def _is_local(url: str, hosts: tuple[str, ...]) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    if parts.scheme == "file":
        return "file" in hosts
    return parts.scheme in ("http", "https") and parts.hostname in hosts


@dataclass
class Visit:
    """A page opened in a fresh browser context, with everything that went wrong while loading."""

    page: Any
    url: str
    problems: list[str] = field(default_factory=list)

    def report(self) -> str:
        return f"{self.url}:\n  " + "\n  ".join(self.problems)


@pytest.fixture(scope="session")
def visit(browser: Any) -> Callable[..., contextlib.AbstractContextManager[Visit]]:
    """``with visit(url) as v:`` opens ``url`` at 360x740 and records console errors and
    warnings, page errors, failed requests, HTTP errors and requests to any other host
    (which are blocked, so nothing leaves the machine) in ``v.problems``."""

    @contextlib.contextmanager
    def _visit(url: str, *, javascript: bool = True, settle: bool = True) -> Iterator[Visit]:
        scheme = urlsplit(url).scheme
        hosts = ("file",) if scheme == "file" else ("127.0.0.1",)
        context = browser.new_context(viewport=VIEWPORT, java_script_enabled=javascript)
        try:
            context.set_default_timeout(30_000)
            v = Visit(page=None, url=url)

            def _foreign(u: str) -> bool:
                return not _is_local(u, hosts)

            context.route(_foreign, lambda route: route.abort("blockedbyclient"))
            page = context.new_page()
            v.page = page

            def on_console(msg: Any) -> None:
                if msg.type in ("error", "warning"):
                    loc = msg.location or {}
                    where = f" ({loc.get('url', '')}:{loc.get('lineNumber', '')})" if loc.get("url") else ""
                    v.problems.append(f"console.{msg.type}: {msg.text}{where}")

            # Main-frame navigations so far (counted when each starts, its request, and when it commits), and
            # the count when each request started: a request the browser aborts because its page was left (a
            # click that navigates while the icon still loads) is not a failure of the site; any other failure
            # is. Counted from the navigation's request: the abort can be reported before the commit is.
            navigations = [0]
            started: dict[Any, int] = {}

            def on_navigated(frame: Any) -> None:
                if frame == page.main_frame:
                    navigations[0] += 1

            def on_request(request: Any) -> None:
                started[request] = navigations[0]
                if request.is_navigation_request() and request.frame == page.main_frame:
                    navigations[0] += 1
                if not _is_local(request.url, hosts):
                    v.problems.append(f"request to another host: {request.url}")

            def on_request_failed(request: Any) -> None:
                left = (request.failure or "").endswith("ERR_ABORTED") and navigations[0] > started.get(request, 0)
                if _is_local(request.url, hosts) and not left:
                    v.problems.append(f"request failed: {request.url} ({request.failure})")

            def on_response(response: Any) -> None:
                # Chromium asks for /favicon.ico on its own when a page declares no icon;
                # that request is not made by the page.
                if response.status >= 400 and urlsplit(response.url).path != "/favicon.ico":
                    v.problems.append(f"HTTP {response.status}: {response.url}")

            page.on("console", on_console)
            page.on("pageerror", lambda err: v.problems.append(f"page error: {err}"))
            page.on("framenavigated", on_navigated)
            page.on("request", on_request)
            page.on("requestfailed", on_request_failed)
            page.on("response", on_response)
            page.goto(url, wait_until="load")
            if settle and javascript:
                page.wait_for_load_state("networkidle")
                page.evaluate("() => document.fonts.ready.then(() => true)")
            yield v
        finally:
            context.close()

    return _visit
