"""What a build checks before it may replace its output folder, and what it holds while it does.

- The output folder overlaps no input, in either direction (a build replaces the whole folder).
- It is new, empty, or a folder Rapor built (it holds the marker file).
- One build per output folder at a time: a lock file beside the folder, removed when the build ends.
- Staging and retired folders that a killed build left beside the output are removed.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from .config import Config
from .config_reader import key_positions
from .errors import Problem, RaporError
from .interrupts import deferred_signals
from .oserrors import located, shown_path

MARKER = ".rapor-output"
MARKER_TEXT = ("This folder was built by rapor and is replaced by every build. This file only marks it as\n"
               "rapor's output, so a build never replaces a folder it did not make. It holds nothing else\n"
               "and is safe to publish.\n")

_OVERLAP_HINT = ("a build replaces its whole output folder: choose a folder that holds no input and lies inside "
                 "none, e.g. output/")


def build_inputs(config: Config, theme_folders: Sequence[Path]) -> list[tuple[str, str | None, Path]]:
    """Everything a build reads: (what it is, its rapor.toml key or None, path)."""
    data = config.data
    inputs: list[tuple[str, str | None, Path]] = [
        ("the config file", None, config.path),
        ("the unit registry", "data.registry", data.registry),
        ("the province list", "data.provinces", data.provinces),
    ]
    if data.regencies is not None:
        inputs.append(("the regency list", "data.regencies", data.regencies))
    # The folders holding the data files are the user's too (a new output there would sit among them),
    # but not a folder that holds the project itself.
    root = resolved(config.root)
    folders = {resolved(config.root / "data")} | {resolved(path).parent for _, _, path in inputs[1:]}
    inputs.append(("the results", "data.results", data.results))
    inputs += [("the data folder", None, folder) for folder in sorted(folders) if not _inside(root, folder)]
    inputs += [
        ("the narrative folder", None, config.root / "content"),
        ("the themes folder", None, config.root / "themes"),
    ]
    inputs += [("the theme folder", "site.theme", folder) for folder in theme_folders]
    return inputs


def resolved(path: Path) -> Path:
    """`path` with its links followed as far as they go (a link loop stops there rather than failing)."""
    try:
        return path.resolve()
    except (RuntimeError, OSError):  # Python 3.11 raises RuntimeError for a loop
        return path.absolute()


def _inside(inner: Path, outer: Path) -> bool:
    return inner == outer or outer in inner.parents


def _overlap(target: Path, config: Config, theme_folders: Sequence[Path]) -> tuple[str, str | None] | None:
    """How the output folder overlaps an input, most direct first: (what to say, the input's config key)."""
    root = resolved(config.root)
    if _inside(root, target):
        return f"contains the project ({shown_path(root)})", None
    found: list[tuple[int, str, str | None]] = []
    for what, key, path in build_inputs(config, theme_folders):
        source = resolved(path)
        if source == target:
            found.append((0, f"is {what} ({config.rel(source)})", key))
        elif _inside(target, source):
            found.append((1, f"lies inside {what} ({config.rel(source)})", key))
        elif _inside(source, target):
            found.append((2, f"contains {what} ({config.rel(source)})", key))
    if not found:
        return None
    _, relation, key = min(found, key=lambda item: item[0])
    return relation, key


def check_output_folder(output: Path, config: Config, theme_folders: Sequence[Path] = (),
                        from_command_line: bool = False) -> None:
    """Refuse an output folder that overlaps an input, or that exists and was not made by Rapor."""
    for part in (output.absolute(), *output.absolute().parents):
        if part.is_symlink() and not part.exists():  # as `mkdir -p`: a broken link is not followed
            raise located(FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(part)), None,
                          "cannot write the output")
    target = resolved(output)
    overlap = _overlap(target, config, theme_folders)
    problems: list[Problem] = []
    if overlap is not None:
        relation, key = overlap
        message = f"the output folder {shown_path(target)} {relation}"
        if from_command_line:
            problems.append(Problem(shown_path(output), 1, 1, message + ", as chosen with -o", _OVERLAP_HINT))
        else:
            positions = key_positions(config.path.read_text(encoding="utf-8-sig"))
            setting = "build.output" if "build.output" in positions or key is None else key
            line, column = positions.get(setting, (1, 1))
            problems.append(Problem(config.rel(config.path), line, column, message, _OVERLAP_HINT))
    if problems:
        raise RaporError(problems)
    try:
        foreign = target.exists() and (not target.is_dir() or (any(target.iterdir())
                                                                and not (target / MARKER).is_file()))
    except OSError as exc:
        raise located(exc, target, "cannot look into the output folder") from None
    if foreign:
        raise RaporError.single(shown_path(target), 1, 1, "the output folder exists and was not made by rapor",
                                "choose an empty or new folder; rapor replaces only folders it built itself")


def _sibling_name(output: Path) -> re.Pattern[str]:
    return re.compile(rf"\.{re.escape(output.name)}\.(?:new|old)-[A-Za-z0-9_-]+")


def sibling_folder(output: Path, kind: str) -> Path:
    """A new folder beside `output`, named `.<output>.<kind>-<8 random characters>`, made with the umask's mode."""
    for _ in range(100):
        path = output.parent / f".{output.name}.{kind}-{os.urandom(4).hex()}"
        try:
            path.mkdir()  # mode 0o777 less the umask, like every folder the build makes
        except FileExistsError:
            continue
        except OSError as exc:  # the folder it goes in is the user's to fix
            exc.filename = str(output.parent)
            raise
        return path
    raise FileExistsError(errno.EEXIST, "no free name for a staging folder", str(output.parent))


def remove_leftovers(output: Path) -> list[Path]:
    """Remove staging and retired folders that an interrupted or killed build of `output` left behind.

    Only folders named as Rapor names them for this very output (`.<output>.new-<suffix>`, a suffix without
    dots, so another output's folders never match); the caller holds the lock, so no running build owns them.
    """
    pattern = _sibling_name(output)
    removed = []
    try:
        entries = sorted(output.parent.iterdir()) if output.parent.is_dir() else []
    except OSError as exc:
        raise located(exc, output.parent, "cannot look into the output folder's parent") from None
    _restore_retired(output, entries)
    for entry in entries:
        if pattern.fullmatch(entry.name) is None or entry.is_symlink() or not entry.is_dir():
            continue
        with deferred_signals():
            shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    return removed


def _restore_retired(output: Path, entries: list[Path]) -> None:
    """Put the previous output back where a build died between the two renames of a swap without exchange
    (write.py): the output folder is missing and its retired copy, complete, waits beside it."""
    if os.path.lexists(output):
        return
    name = re.compile(rf"\.{re.escape(output.name)}\.old-[A-Za-z0-9_-]+")
    retired = [entry for entry in entries
               if name.fullmatch(entry.name) and not entry.is_symlink() and (entry / MARKER).is_file()]
    if len(retired) == 1:
        with deferred_signals():
            retired[0].rename(output)
        entries.remove(retired[0])


def make_folder(folder: Path) -> list[Path]:
    """mkdir -p, saying which part of the path is a file (or a broken link) when one stands in the way.

    Returns the folders it made, deepest first.
    """
    made = [p for p in (folder, *folder.parents) if not os.path.lexists(p)]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return made
    except FileExistsError as exc:
        blocker = next((p for p in (folder, *folder.parents) if os.path.lexists(p) and not p.is_dir()), folder)
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(blocker)) from exc


def lock_path(output: Path) -> Path:
    return output.parent / f".{output.name}.lock"


def _acquire(path: Path, output: Path) -> int:
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise RaporError.single(shown_path(output), 1, 1, "another build is running into this output folder",
                                    "wait for it to finish, or build into another folder with -o DIR") from None
        except BaseException:
            os.close(fd)
            raise
        # The build that held the lock removes the file as it ends; a lock on a removed file guards nothing.
        try:
            still_there = os.path.samestat(os.fstat(fd), os.stat(path))
        except FileNotFoundError:
            still_there = False
        if still_there:
            return fd
        os.close(fd)


@contextmanager
def output_lock(output: Path) -> Iterator[None]:
    """Hold `.<output>.lock` beside the output folder for the whole build; the file is removed at the end."""
    path = lock_path(output)
    fd: int | None = None
    made: list[Path] = []
    try:
        with deferred_signals():
            try:
                made = make_folder(output.parent)
                fd = _acquire(path, output)
            except OSError as exc:
                if exc.filename in (str(path), path):  # the lock is ours: the folder it goes in is the user's to fix
                    exc.filename = str(output.parent)
                raise located(exc, output.parent, "cannot write the output") from None
        yield
    finally:
        if fd is not None:
            with deferred_signals():
                try:
                    path.unlink(missing_ok=True)
                finally:
                    os.close(fd)
        # Folders made for an output that never came are removed again: a failed build leaves nothing.
        for folder in made:
            with contextlib.suppress(OSError):
                folder.rmdir()
