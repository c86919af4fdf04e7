"""The search index: Pagefind indexes the pages that mark content for it, after they are rendered.

A page takes part when its template marks content with `data-pagefind-body` (unit, regency and province pages
in the default theme); Pagefind reads only the marked parts, weighs names by `data-pagefind-weight` and takes
filters from `data-pagefind-filter`, and keeps one index per page language (the html lang attribute).

What Pagefind reads of a page is cut out as the page's *search page* (search_pages.py): a small HTML document
with the lang, the title and the marked parts. The search pages are put aside in a private temporary folder as
the build streams the pages; once the last page is in, the Pagefind program indexes that folder (in the
background, while the build makes its other files) and writes its bundle into
another private folder, whose files then go through the build's own file stream into output/pagefind/
(write.py stays the only writer of output/, so the build stays atomic). The Pagefind program (from the
`pagefind` package's [bin] extra) is run once over the folder: its Python API answers one message per 0.1 s
(too slow page by page), cannot return a large bundle through its pipe, and was seen stopping before a large
bundle was written.

Pagefind has no incremental mode: a change to any search page means indexing them all again
(bench/bench_search.py measures it). The bundle's `STAMP` digests the search pages (and Pagefind's version); when
it equals the previous bundle's, that bundle is published again and Pagefind does not run. A page's search page
holds names, codes and filters, not figures, so a correction of figures keeps the index; a rename, a unit
joining or leaving, or a newly evaluated year (a filter value) indexes again. A page kept from the previous
build (incremental.py) is not read: its search page's digest is in the manifest, and only when Pagefind must
run is the page read back from the output and cut.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import posixpath
import stat
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

from .errors import RaporError
from .search_bundle import normalise
from .search_pages import SearchPage, search_page
from .write import REUSE, file_mode

BUNDLE = "pagefind"
# Pagefind's other interfaces (component, modular, highlighting): the site uses pagefind-ui.js only.
UNUSED = ("pagefind-component-ui.", "pagefind-modular-ui.", "pagefind-highlight.js")
STAMP = "rapor-pages.sha256"  # in the bundle: the digest of the search pages (and Pagefind version) it indexes
# Changed when what Rapor gives Pagefind (search_pages.py), or does to its bundle, changes; so is incremental.py's
# _FORMAT, whose manifest keeps the search pages' digests.
FORMAT = "rapor search bundle 2"
HINT = "reinstall Rapor with its dependencies (pip install rapor): they include pagefind[bin]"
WHOLE = "whole:"  # starts the digest of a page Pagefind is given whole (search_pages.py could not cut it)


class SearchIndex:
    """Collects the search pages while the build writes the pages; `files()` yields the search bundle."""

    def __init__(self, previous: Path | None = None, link: bool = False) -> None:
        """`previous`: the bundle folder of the previous build (in its output folder), reused when the search
        pages did not change; the pages kept from that build (`keep`) are read from the same output folder.
        `link`: a reused bundle's files are yielded as write.REUSE (linked as they are, not read)."""
        self._folder = tempfile.TemporaryDirectory(prefix="rapor-search-", dir=scratch_folder())
        self.site = Path(self._folder.name) / "site"
        self.bundle = Path(self._folder.name) / "bundle"
        self.previous = previous
        self.link = link
        self.pages = 0
        self.whole = 0  # pages given whole: Pagefind may find no mark in them (the mark was only words)
        self.reused = False
        self.digests: dict[str, str] = {}  # page path -> its search page's digest, for the manifest
        self._kept: list[str] = []  # pages kept from the previous build, whose search pages are not written yet
        self._digest = hashlib.sha256(f"{FORMAT}\n{_pagefind_version()}\n".encode())
        self._started = False
        self._stamp = ""
        self._reusable: list[tuple[str, bytes | None]] | None = None  # the previous bundle, when it is still right
        self._indexing: _Indexing | None = None

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if self._indexing is not None:  # a build that failed meanwhile stops Pagefind before its folder goes
            self._indexing.stop()
        self._folder.cleanup()

    def add(self, path: str, html: bytes) -> tuple[str, bytes]:
        """Put a rendered page's search page aside if it marks content; returns the page unchanged."""
        self.add_cut(path, search_page(html))
        return path, html

    def add_cut(self, path: str, found: SearchPage | None) -> None:
        """Put a page's search page aside, cut where the page was rendered (a worker process: parallel.py);
        None: the page marks nothing for search."""
        if found is None:
            self.digests[path] = ""
            return
        digest = (WHOLE if found.whole else "") + hashlib.blake2b(found.content, digest_size=16).hexdigest()
        self._count(path, digest)
        target = self.site / _relative(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(found.content)

    def keep(self, path: str, digest: str) -> None:
        """A page kept from the previous build, whose search page had `digest` ("" for none): not read now."""
        self.digests[path] = digest
        if digest:
            self._count(path, digest)
            self._kept.append(path)

    def _count(self, path: str, digest: str) -> None:
        relative = _relative(path)
        self.digests[path] = digest
        self.pages += 1
        self.whole += digest.startswith(WHOLE)
        self._digest.update(f"{relative}\n{digest}\n".encode())

    def start(self) -> None:
        """Start indexing once the last page is in (when Pagefind must run): Pagefind then works in the
        background while the build makes and writes its other files (downloads, badges: tens of thousands on a
        large site), instead of after them. Its bundle is collected by files()."""
        if self._started or not self.pages:
            return
        self._started = True
        self._stamp = self._digest.hexdigest() + "\n"
        self._reusable = self._previous_bundle(self._stamp)
        if self._reusable is not None:
            return
        self._write_kept()
        self._indexing = _Indexing(self._in_path_order(), self.bundle)

    def files(self) -> Iterator[tuple[str, bytes | None]]:
        """The search bundle as (output path, bytes), in a stable order; nothing when no page is marked."""
        self.start()
        if not self.pages:
            return
        if self._reusable is not None:
            self.reused = True
            yield from self._reusable
            return
        assert self._indexing is not None
        indexed = self._indexing.result()
        if not self.pages - self.whole <= indexed <= self.pages:
            raise RaporError.single(BUNDLE, 1, 1, f"Pagefind indexed {indexed} of {self.pages} pages", HINT)
        written = {path.relative_to(self.bundle).as_posix(): path for path in self.bundle.rglob("*") if path.is_file()}
        bundle = normalise({name: path.read_bytes() for name, path in written.items() if not name.startswith(UNUSED)})
        bundle[STAMP] = self._stamp.encode("ascii")
        for name, content in sorted(bundle.items()):
            yield f"{BUNDLE}/{name}", content

    def _write_kept(self) -> None:
        """Pagefind must run: the kept pages' search pages, cut from the previous build's files (the output
        folder is swapped only after the whole stream, so they are still there, checked by incremental.py)."""
        assert self.previous is not None or not self._kept
        for path in self._kept:
            assert self.previous is not None
            html = (self.previous.parent / _relative(path)).read_bytes()
            found = search_page(html)
            if found is None:  # the page is no longer what the manifest says: never, unless edited meanwhile
                raise RaporError.single(path, 1, 1, "the page changed during the build", "build again")
            target = self.site / _relative(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(found.content)
        self._kept.clear()

    def _in_path_order(self) -> Path:
        """The search pages moved into a new folder, created in the order of their paths: Pagefind numbers pages
        in the order the file system lists them, which on a RAM folder is the order they were made, and that
        differs between a full build and one that kept pages. Renames within one folder cost nothing."""
        ordered = self.site.with_name("ordered")
        made: set[Path] = set()
        for path in sorted(path for path, digest in self.digests.items() if digest):
            relative = _relative(path)
            target = ordered / relative
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            os.rename(self.site / relative, target)
        return ordered

    def _previous_bundle(self, stamp: str) -> list[tuple[str, bytes | None]] | None:
        """The previous build's bundle if it was made from exactly these search pages, else None. With `link`,
        a plain file with the mode a new file would get is not read but linked (write.REUSE), as a kept page."""
        if self.previous is None:
            return None
        mode = file_mode()
        try:
            if (self.previous / STAMP).read_text(encoding="ascii") != stamp:
                return None
            bundle: list[tuple[str, bytes | None]] = []
            # Plain strings, not a Path per file (4,000 files: 0.2 s of a warm rebuild), in the order of sorted
            # Paths (by their parts); a folder that cannot be listed means no usable bundle, as with rglob.
            top = str(self.previous)
            names: list[str] = []
            for folder, _folders, files in os.walk(top, onerror=_raise):
                inside = "" if folder == top else os.path.relpath(folder, top).replace(os.sep, "/") + "/"
                names += [inside + name for name in files]
            for name in sorted(names, key=lambda name: name.split("/")):
                path = os.path.join(top, name)
                info = os.lstat(path)
                if not stat.S_ISREG(info.st_mode):
                    continue
                linked = self.link and stat.S_IMODE(info.st_mode) == mode
                if linked:
                    bundle.append((f"{BUNDLE}/{name}", REUSE))
                else:
                    with open(path, "rb") as file:
                        bundle.append((f"{BUNDLE}/{name}", file.read()))
            return bundle
        except (OSError, UnicodeDecodeError):
            return None  # no usable previous bundle: index again


def _raise(error: OSError) -> None:
    raise error


def _relative(path: str) -> str:
    """A page's path inside the search folder; page paths come from SiteUrls with checked ids, and a path
    leading out of the folder is never written."""
    relative = posixpath.normpath(path)
    if relative.startswith(("/", "../")) or relative == ".." or "\\" in relative:
        raise ValueError(f"page path outside the site: {path!r}")
    return relative


# Free memory a RAM-backed scratch folder must have left: search pages of a 20,000-unit site take ~40 MB, but a
# theme whose pages cannot be cut hands Pagefind whole pages (~40 KB each).
SCRATCH_FREE_MIN = 2 * 1024**3


def scratch_folder(candidate: Path = Path("/dev/shm")) -> str | None:
    """Where the search pages are put aside: a RAM-backed folder when there is one with room, else the system's
    temporary folder (None). The pages live only for the build, one folder each, and removing tens of thousands
    of folders from a disk under write load was measured at ~5 ms each (minutes for a large site), against
    ~0.04 ms in RAM. An explicit TMPDIR is obeyed."""
    if os.environ.get("TMPDIR"):
        return None
    try:
        if not candidate.is_dir() or not os.access(candidate, os.W_OK | os.X_OK):
            return None
        info = os.statvfs(candidate)
    except OSError:
        return None
    return str(candidate) if info.f_bavail * info.f_frsize >= SCRATCH_FREE_MIN else None


def _pagefind_version() -> str:
    try:
        return importlib.metadata.version("pagefind_bin")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


# The Pagefind program each indexing thread waits on, so that a failed build can end it.
_programs: dict[int, subprocess.Popen[bytes]] = {}


class _Indexing:
    """_index run in a thread of its own (it waits on the Pagefind program, which does the work)."""

    def __init__(self, site: Path, bundle: Path) -> None:
        self._indexed = 0
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(site, bundle), name="pagefind", daemon=True)
        self._thread.start()

    def _run(self, site: Path, bundle: Path) -> None:
        try:
            self._indexed = _index(site, bundle)
        except BaseException as exc:  # raised in the build's thread, by result()
            self._error = exc

    def stop(self) -> None:
        """End the Pagefind program if it still runs (the build failed), and the thread with it."""
        while self._thread.is_alive():
            program = _programs.get(self._thread.ident or 0)
            if program is not None:
                program.kill()
            self._thread.join(0.05)

    def result(self) -> int:
        """The number of pages indexed, once Pagefind is done; its error if it failed."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._indexed


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
    process = subprocess.Popen(
        [str(executable), "--site", str(site), "--output-path", str(bundle), "--keep-index-url"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    _programs[threading.get_ident()] = process
    try:
        output, _ = process.communicate()
    finally:
        del _programs[threading.get_ident()]
    entry = bundle / "pagefind-entry.json"
    if process.returncode != 0 or not entry.is_file():
        last = (output.decode("utf-8", "replace").strip().splitlines() or ["no output"])[-1]
        raise RaporError.single(BUNDLE, 1, 1, f"Pagefind failed (exit {process.returncode}): {last}", HINT)
    languages = json.loads(entry.read_text(encoding="utf-8"))["languages"]
    return sum(int(language["page_count"]) for language in languages.values())
