"""How `rapor serve` writes a warm rebuild: only the files that changed, in place.

`rapor build` stages a whole new tree (every unchanged file hard-linked) and swaps it in, so a reader or rsync
never sees half a site; for 17,000 files that is some 60,000 system calls per build, most of a one-cell
correction's write time. The preview needs less: a rebuild that fails (bad input, a template error) must leave
the last good site served, and a page must never be served half-written. So a rebuild streams every file as
`rapor build` does, puts only the changed ones aside in a sibling folder, and when the whole stream has been
produced (nothing failed) moves them over their old versions one rename each, then removes the files the
previous build wrote and this one does not. Unchanged files are not touched (bytes and modification time).

Before the first file moves, the manifest (incremental.py) is removed and it is written again last: a preview
killed half-way leaves no manifest vouching for files it did not write, so the next build renders everything
and its comparisons put every file right. The first build of a session, a build whose previous write did not
finish, or an output folder that is not the one the session last wrote, goes through write.write_site
(staged and swapped), which also removes anything else in the folder; after that the session knows exactly
which files the folder holds. A file dropped into the output folder by hand while the preview runs stays until
the next staged build.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

from .incremental import MANIFEST
from .interrupts import deferred_signals
from .oserrors import located
from .output_guard import MARKER, MARKER_TEXT, output_lock, remove_leftovers, sibling_folder
from .write import REUSE, Content, WriteReport, file_mode, reading, safe_relative, write_site


def write_changes(files: Iterable[tuple[str, Content]], output: Path, known: frozenset[str] | None
                  ) -> tuple[WriteReport, frozenset[str]]:
    """Write the build `files` into `output`, which holds exactly the files `known` (the previous build's, as
    this function or write_site wrote them) plus the marker; None: not known, stage and swap. Returns the report
    and the files the output now holds."""
    output = output.resolve()
    if known is None or not (output / MARKER).is_file():
        seen: list[str] = []
        report = write_site(_noting(files, seen), output)
        return report, frozenset(seen)
    with output_lock(output):
        remove_leftovers(output)
        return _write_in_place(files, output, known)


def _noting(files: Iterable[tuple[str, Content]], seen: list[str]) -> Iterator[tuple[str, Content]]:
    for relative, data in files:
        seen.append(relative)  # write_site refuses a path that is not already plain (safe_relative)
        yield relative, data


def _same_file(path: str, data: bytes, mode: int) -> bool:
    """Whether the file at `path` holds these bytes with the mode a new file would get (as write.py checks)."""
    try:
        info = os.stat(path)
        if info.st_size != len(data) or (info.st_mode & 0o7777) != mode or not os.path.isfile(path):
            return False
        with open(path, "rb") as file:
            return file.read() == data
    except OSError:
        return False


def _write_in_place(files: Iterable[tuple[str, Content]], output: Path, known: frozenset[str]
                    ) -> tuple[WriteReport, frozenset[str]]:
    mode = file_mode()
    old = str(output) + os.sep
    pending: Path | None = None
    moved: list[str] = []  # changed files, put aside in `pending` in the order they came
    made: set[str] = set()
    seen: set[str] = set()
    manifest: bytes | None = None
    total = unchanged = 0
    current = str(output)
    try:
        for relative, data in reading(files):
            if relative not in known:  # the previous build's paths were checked when it wrote them
                relative = safe_relative(relative)
            if relative in seen:
                raise ValueError(f"two pages want to write {relative}")
            seen.add(relative)
            if data is REUSE:  # checked in the output by incremental.py or catalog.py: left as it is
                unchanged += 1
                continue
            total += len(data)
            if relative == MANIFEST:
                manifest = data
                continue
            if _same_file(old + relative, data, mode):
                unchanged += 1
                continue
            if pending is None:
                with deferred_signals():
                    pending = sibling_folder(output, "new")
                    (pending / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
            current = os.path.join(pending, relative)
            folder = os.path.dirname(current)
            if folder not in made:
                os.makedirs(folder, exist_ok=True)
                made.add(folder)
            with open(current, "wb") as file:
                file.write(data)
            moved.append(relative)
        gone = sorted(known - seen - {MANIFEST})
        rewrite_manifest = manifest is not None and not _same_file(old + MANIFEST, manifest, mode)
        if moved or gone or rewrite_manifest or (manifest is None and MANIFEST in known):
            with deferred_signals():
                current = old + MANIFEST
                if os.path.lexists(current):
                    os.unlink(current)  # see the module's docstring: no manifest while files move
                for relative in gone:
                    current = old + relative
                    with contextlib.suppress(FileNotFoundError):  # removed by hand meanwhile: gone as it should be
                        os.unlink(current)
                    _remove_empty_folders(os.path.dirname(current), output)
                for relative in moved:
                    current = old + relative
                    os.makedirs(os.path.dirname(current), exist_ok=True)
                    assert pending is not None
                    os.replace(os.path.join(pending, relative), current)
                if manifest is not None:
                    current = old + MANIFEST
                    with open(current, "wb") as file:
                        file.write(manifest)
        changed = len(moved) + (1 if rewrite_manifest else 0)
        if manifest is not None and not rewrite_manifest:
            unchanged += 1
    except OSError as exc:
        raise located(exc, Path(current), "cannot write the output") from None
    finally:
        if pending is not None:
            with deferred_signals():
                shutil.rmtree(pending, ignore_errors=True)
    return WriteReport(len(seen), changed, unchanged, total), frozenset(seen)


def _remove_empty_folders(folder: str, output: Path) -> None:
    """Remove `folder` and its parents up to the output while they are empty (a build makes no empty folder)."""
    top = str(output)
    while folder != top and folder.startswith(top + os.sep):
        try:
            os.rmdir(folder)
        except OSError:  # not empty
            return
        folder = os.path.dirname(folder)

