"""`rapor init`: a new project that builds at once, written from the starter files shipped with Rapor.

The starter (generator/starter/) holds a commented rapor.toml, one year of illustrative results for six units
and narrative stubs; the reference lists with their README and licences are copied from the ones Rapor ships
(data/reference/). Existing files are never replaced unless asked (`--force`), and a project is written whole
or not at all: every file goes to a temporary name first and is renamed into place once all are written.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .bundled import REFERENCE_DATA, STARTER
from .errors import ProblemList, RaporError

# A wheel's package data cannot hold dot files: these starter files get their real names when written.
RENAMED = {"gitignore": ".gitignore"}
WRITE_HINT = "check that the folder is writable and that the disk has room, then run rapor init again"


@dataclass(frozen=True)
class InitReport:
    folder: Path
    written: tuple[str, ...]  # paths inside the new project, in order
    replaced: tuple[str, ...]  # the ones that existed before (--force)


def starter_files() -> list[tuple[str, Path]]:
    """(path in the new project, file shipped with Rapor) for every file `rapor init` writes."""
    files = [(RENAMED.get(rel, rel), path) for path in STARTER.rglob("*")
             if path.is_file() and "__pycache__" not in path.parts
             for rel in [path.relative_to(STARTER).as_posix()]]
    files += [(f"data/reference/{path.name}", path) for path in REFERENCE_DATA.iterdir()
              if path.is_file() and not path.name.startswith(".")]
    return sorted(files)


def init_project(folder: Path, force: bool = False) -> InitReport:
    """Write a new project into `folder` (created if missing). Raises RaporError, having written nothing, if a
    file is in the way (unless `force`) or cannot be written."""
    files = starter_files()
    problems = ProblemList()
    # The project folder itself, or a folder above it, may be a file (or a link to nothing): nothing can go there.
    blocker = next((p for p in [*reversed(folder.parents), folder] if (p.is_symlink() or p.exists())
                    and not p.is_dir()), None)
    if blocker is not None:
        where = "the project folder" if blocker == folder else f"a folder of the project's path {folder.as_posix()}"
        raise RaporError.single(blocker.as_posix(), 1, 1, f"this is a file, not a folder, where {where} should be",
                                "choose a folder (a new one is made), or move the file away")
    existing = []
    in_the_way: set[Path] = set()
    for relative, _source in files:
        target = folder / relative
        blocker = next((p for p in [*reversed(target.parents), target] if p.is_relative_to(folder) and
                        (p.is_symlink() or p.exists()) and (p == target or not p.is_dir())), None)
        if blocker is None:
            continue
        if blocker != target or target.is_dir():
            if blocker in in_the_way:
                continue
            in_the_way.add(blocker)
            problems.error(blocker.as_posix(), 1, 1, f"{'a folder' if blocker.is_dir() else 'a file'} is in the way "
                           f"of the starter's {relative}", "move it away, or start the project in an empty folder")
        elif not force:
            problems.error(target.as_posix(), 1, 1, "already exists; rapor init does not replace files",
                           "start the project in an empty folder, or pass --force to replace the starter's files "
                           "(other files are left alone)")
        else:
            existing.append(relative)
    problems.raise_if_errors()
    _write_all(folder, files)
    return InitReport(folder, tuple(relative for relative, _ in files), tuple(existing))


def _write_all(folder: Path, files: list[tuple[str, Path]]) -> None:
    """Write every file to a temporary name beside its target, then rename them all into place; on a failure,
    remove what was written (temporary files and the folders made for them)."""
    made: list[Path] = []
    staged: list[tuple[Path, Path]] = []
    current = folder
    try:
        for missing in reversed([p for p in [folder, *folder.parents] if not p.is_dir()]):
            current = missing
            missing.mkdir()
            made.append(missing)
        for relative, source in files:
            current = folder / relative
            for parent in reversed([p for p in current.parents if p.is_relative_to(folder) and p != folder]):
                if not parent.is_dir():
                    parent.mkdir()
                    made.append(parent)
            handle, name = tempfile.mkstemp(prefix=".rapor-init-", dir=current.parent)
            staged.append((Path(name), current))
            with os.fdopen(handle, "wb") as out:
                out.write(source.read_bytes())
            os.chmod(name, 0o666 & ~_umask())
        for temporary, target in staged:
            current = target
            os.replace(temporary, target)  # a link in the way (--force) is replaced, not written through
    except OSError as exc:
        for temporary, _target in staged:
            temporary.unlink(missing_ok=True)
        for made_folder in reversed(made):
            with contextlib.suppress(OSError):  # not empty: something else was put there meanwhile
                made_folder.rmdir()
        what = "folder" if current in made or current == folder else "file"
        raise RaporError.single(current.as_posix(), 1, 1, f"cannot write this {what} ({exc.strerror or exc})",
                                WRITE_HINT) from None


def _umask() -> int:
    """The process's umask, which files made by mkstemp (mode 0600) are given back their usual mode under."""
    mask = os.umask(0)
    os.umask(mask)
    return mask
