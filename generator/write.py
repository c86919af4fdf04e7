"""The only code that writes the output folder.

A build is written into a fresh sibling folder and swapped in with renames, so readers and rsync never
see half a site, and a failed build leaves the previous output exactly as it was. Files whose bytes did
not change are hard-linked from the previous build, so they keep their mtime for incremental deploys.
"""

from __future__ import annotations

import os
import posixpath
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import RaporError

MARKER = ".rapor-output"


@dataclass(frozen=True)
class WriteReport:
    files: int
    changed: int
    unchanged: int
    bytes: int


def safe_relative(path: str) -> str:
    """`path` if it stays inside the output folder; anything else is a bug upstream and is refused."""
    normal = posixpath.normpath(path)
    if (not path or "\x00" in path or "\\" in path or posixpath.isabs(path) or normal.startswith("..")
            or normal != path or normal in (".", MARKER)):
        raise ValueError(f"refusing to write {path!r}: not a plain path inside the output folder")
    return normal


def check_output_folder(output: Path, project: Path) -> None:
    """Refuse output folders a build must never replace: the project itself, or a folder Rapor did not make."""
    output = output.resolve()
    project = project.resolve()
    if output == project or output in project.parents:
        raise RaporError.single("rapor.toml", 1, 1, f"the output folder {output} contains the project",
                                "build into a folder of its own, e.g. output/")
    if output.exists() and (not output.is_dir() or (any(output.iterdir()) and not (output / MARKER).exists())):
        raise RaporError.single(str(output), 1, 1, "the output folder exists and was not made by rapor",
                                "choose an empty or new folder; rapor replaces only folders it built itself")


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        if path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False


def write_site(files: Iterable[tuple[str, bytes]], output: Path) -> WriteReport:
    """Write every (path, bytes) into a new folder, then swap it in for `output` atomically."""
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.new-", dir=output.parent))
    seen: set[str] = set()
    changed = unchanged = total = 0
    try:
        for relative, data in files:
            relative = safe_relative(relative)
            if relative in seen:
                raise ValueError(f"two pages want to write {relative}")
            seen.add(relative)
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            previous = output / relative
            total += len(data)
            if _same_bytes(previous, data):
                try:
                    os.link(previous, target)
                except OSError:  # file systems without hard links
                    shutil.copy2(previous, target)
                unchanged += 1
            else:
                target.write_bytes(data)
                changed += 1
        (staging / MARKER).write_text("This folder is built by rapor; it is replaced on every build.\n")
        _swap(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return WriteReport(len(seen), changed, unchanged, total)


def _swap(staging: Path, output: Path) -> None:
    if not output.exists():
        staging.rename(output)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{output.name}.old-", dir=output.parent))
    retired.rmdir()
    output.rename(retired)
    try:
        staging.rename(output)
    except BaseException:
        retired.rename(output)
        raise
    shutil.rmtree(retired, ignore_errors=True)
