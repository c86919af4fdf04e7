"""The search index: Pagefind indexes the pages that mark content for it, after they are rendered.

A page takes part when its template marks content with `data-pagefind-body` (unit, regency and province pages
in the default theme); Pagefind reads only the marked parts, weighs names by `data-pagefind-weight` and takes
filters from `data-pagefind-filter`, and keeps one index per page language (the html lang attribute).

The pages are put aside in a private temporary folder as the build streams them; at the end the Pagefind program
indexes that folder and writes its bundle into another private folder, whose files then go through the
build's own file stream into output/pagefind/ (write.py stays the only writer of output/, so the build stays
atomic). The Pagefind program (from the `pagefind` package's [bin] extra) is run once over the folder: its
Python API answers one message per 0.1 s (too slow page by page), cannot return a large bundle through its
pipe, and was seen stopping before a large bundle was written.

Pagefind has no incremental mode: a change to any marked page means indexing them all again
(bench/bench_search.py measures it). When no marked page changed since the previous build (same bytes, same
Pagefind), the previous bundle is published again instead: `STAMP` records what it was made from.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import posixpath
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

from .errors import RaporError
from .search_bundle import normalise

MARK = b"data-pagefind-body"
BUNDLE = "pagefind"
# Pagefind's other interfaces (component, modular, highlighting): the site uses pagefind-ui.js only.
UNUSED = ("pagefind-component-ui.", "pagefind-modular-ui.", "pagefind-highlight.js")
STAMP = "rapor-pages.sha256"  # in the bundle: the digest of the pages (and Pagefind version) it indexes
FORMAT = "rapor search bundle 1"  # changed when what Rapor does to the bundle changes
HINT = "reinstall Rapor with its dependencies (pip install rapor): they include pagefind[bin]"


class SearchIndex:
    """Collects the pages to index while the build writes them; `files()` yields the search bundle."""

    def __init__(self, previous: Path | None = None) -> None:
        """`previous`: the bundle folder of the previous build, reused when no marked page changed."""
        self._folder = tempfile.TemporaryDirectory(prefix="rapor-search-")
        self.site = Path(self._folder.name) / "site"
        self.bundle = Path(self._folder.name) / "bundle"
        self.previous = previous
        self.pages = 0
        self.reused = False
        self._digest = hashlib.sha256(f"{FORMAT}\n{_pagefind_version()}\n".encode())

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self._folder.cleanup()

    def add(self, path: str, html: bytes) -> tuple[str, bytes]:
        """Put a rendered page aside if it marks content for search; returns it unchanged for the stream."""
        if MARK in html:
            relative = posixpath.normpath(path)
            # Page paths come from SiteUrls with checked ids; a path leading out of the folder is never written.
            if relative.startswith(("/", "../")) or relative == ".." or "\\" in relative:
                raise ValueError(f"page path outside the site: {path!r}")
            target = self.site / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(html)
            self.pages += 1
            self._digest.update(f"{relative}\n{len(html)}\n".encode() + html)
        return path, html

    def files(self) -> Iterator[tuple[str, bytes]]:
        """The search bundle as (output path, bytes), in a stable order; nothing when no page is marked."""
        if not self.pages:
            return
        stamp = self._digest.hexdigest() + "\n"
        previous = self._previous_bundle(stamp)
        if previous is not None:
            self.reused = True
            yield from previous
            return
        indexed = _index(self.site, self.bundle)
        if indexed != self.pages:
            raise RaporError.single(BUNDLE, 1, 1, f"Pagefind indexed {indexed} of {self.pages} pages", HINT)
        written = {path.relative_to(self.bundle).as_posix(): path for path in self.bundle.rglob("*") if path.is_file()}
        bundle = normalise({name: path.read_bytes() for name, path in written.items() if not name.startswith(UNUSED)})
        bundle[STAMP] = stamp.encode("ascii")
        for name, content in sorted(bundle.items()):
            yield f"{BUNDLE}/{name}", content

    def _previous_bundle(self, stamp: str) -> list[tuple[str, bytes]] | None:
        """The previous build's bundle if it was made from exactly these pages, else None."""
        if self.previous is None:
            return None
        try:
            if (self.previous / STAMP).read_text(encoding="ascii") != stamp:
                return None
            paths = sorted(p for p in self.previous.rglob("*") if p.is_file() and not p.is_symlink())
            return [(f"{BUNDLE}/{p.relative_to(self.previous).as_posix()}", p.read_bytes()) for p in paths]
        except (OSError, UnicodeDecodeError):
            return None  # no usable previous bundle: index again


def _pagefind_version() -> str:
    try:
        return importlib.metadata.version("pagefind_bin")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _index(site: Path, bundle: Path) -> int:
    """Index the pages under `site` into a Pagefind bundle at `bundle`; the number of pages indexed.

    The Pagefind program runs once over the folder: its Python API's service was seen ending before a large
    bundle (5,000 units) was fully written, whereas the program returns only when every file is. It runs as a
    plain subprocess, not through asyncio: a build may run where an event loop is already running (a preview
    server, a notebook, a test using Playwright), and asyncio.run() refuses to start there."""
    from pagefind.service import get_executable

    executable = get_executable()
    if executable is None:
        raise RaporError.single(BUNDLE, 1, 1, "the Pagefind program is not installed", HINT)
    # --keep-index-url: result links name index.html, as every link of the site does (it also works from disk).
    process = subprocess.run(
        [str(executable), "--site", str(site), "--output-path", str(bundle), "--keep-index-url"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, check=False)
    output = process.stdout
    entry = bundle / "pagefind-entry.json"
    if process.returncode != 0 or not entry.is_file():
        last = (output.decode("utf-8", "replace").strip().splitlines() or ["no output"])[-1]
        raise RaporError.single(BUNDLE, 1, 1, f"Pagefind failed (exit {process.returncode}): {last}", HINT)
    languages = json.loads(entry.read_text(encoding="utf-8"))["languages"]
    return sum(int(language["page_count"]) for language in languages.values())
