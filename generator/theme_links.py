"""A theme may use only files inside the project: a link that leads out of it, or to nothing, is refused.

A theme's static files are copied into the published site and its templates and messages are read into every
page, so a symbolic link in a theme to /etc/passwd, or to another user's files, would publish them. Links that
stay inside the project are followed. Rapor's own default theme is trusted as installed.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

from .bundled import DEFAULT_THEME
from .errors import ProblemList, has_control, shown

# The folders of a theme that Rapor reads; anything else in a theme folder is the theme author's own business.
THEME_PARTS = ("templates", "static", "i18n")
LINK_HINT = "copy the file into the project instead of linking to it, or remove the link"


def allowed_root(folder: Path) -> Path:
    """What a theme folder's files may resolve to: the installed default theme's own folder, or the project
    the folder is in (<project>/themes/<name>; in a source checkout Rapor's theme is the sample's own)."""
    if folder.resolve() == DEFAULT_THEME.resolve() and folder.parent.name != "themes":
        return DEFAULT_THEME.resolve()
    return folder.parent.parent.resolve()


def is_inside(path: Path, root: Path) -> bool:
    """Whether `path`, every link followed, exists inside `root`."""
    try:
        return path.resolve(strict=True).is_relative_to(root)
    except (OSError, RuntimeError):  # missing, unreadable, or a loop of links (RuntimeError before 3.13)
        return False


def _link_problem(link: Path, root: Path) -> str | None:
    """Why the symbolic link `link` may not be used, or None if it leads to something inside `root`."""
    try:
        target = link.resolve(strict=True)
    except FileNotFoundError:
        return f"symbolic link to nothing ({shown(os.readlink(link))} does not exist)"
    except (OSError, RuntimeError):
        return "symbolic link that cannot be followed (a loop of links, or a folder that cannot be read)"
    if not target.is_relative_to(root):
        return f"symbolic link to a place outside the project ({shown(target.as_posix())})"
    return None


def check_theme_links(folder: Path, root: Path, shown: Callable[[Path], str], problems: ProblemList) -> bool:
    """Report every link in the theme folder's templates, static files and messages (and on the way to them)
    that leads outside `root` or to nothing. Returns whether the theme is free of them."""
    reported: set[Path] = set()

    def usable(path: Path) -> bool:
        """Whether no link on the way from the project to `path` is refused; reports the first one that is."""
        current = root
        for part in path.relative_to(root).parts:
            current = current / part
            if current.is_symlink():
                reason = _link_problem(current, root)
                if reason is not None:
                    if current not in reported:
                        reported.add(current)
                        problems.error(shown(current), 1, 1, f"this theme file is a {reason}", LINK_HINT)
                    return False
        return True

    if not usable(folder):
        return False

    def enter(current: Path) -> bool:
        if not (current.is_dir() or current.is_symlink()) and current.parent == folder:
            return False  # a theme need not have all three parts
        return usable(current) and current.is_dir()

    def unreadable(current: Path, exc: OSError) -> None:
        problems.error(shown(current), 1, 1, f"this theme folder cannot be read ({exc.strerror or exc})",
                       "make it readable, or remove it from the theme")

    for entry in walk_once([folder / part for part in THEME_PARTS], enter, unreadable):
        # Walking is the check: `enter` reports every refused link on the way; here, what no site can hold.
        if has_control(entry.name):
            reported.add(entry)
            problems.error(shown(entry), 1, 1, "the theme file's name holds a control or invisible character",
                           "rename it with printable characters: its name becomes part of the site's addresses")
            continue
        try:
            mode = entry.stat().st_mode  # a refused link fails here or is reported by `enter`
        except OSError:
            continue
        if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            reported.add(entry)
            problems.error(shown(entry), 1, 1, "this theme file is a pipe, device or socket, not a file",
                           "replace it with the file itself, or remove it from the theme")
    return not reported


def walk_once(start: list[Path], enter: Callable[[Path], bool],
              unreadable: Callable[[Path, OSError], None]) -> Iterator[Path]:
    """Every non-hidden entry of the folders under `start`, depth first in name order. Each path is offered to
    `enter` (which decides whether it is a folder to walk into) and each real folder is read once, since links
    may lead to one folder twice or round in a loop."""
    seen: set[Path] = set()
    stack = list(reversed(start))
    while stack:
        current = stack.pop()
        if not enter(current):
            continue
        real = current.resolve()
        if real in seen:
            continue
        seen.add(real)
        try:
            entries = [entry for entry in sorted(current.iterdir()) if not entry.name.startswith(".")]
        except OSError as exc:
            unreadable(current, exc)
            continue
        yield from entries
        stack.extend(reversed(entries))


def theme_files(top: Path, root: Path) -> Iterator[Path]:
    """The non-hidden files under `top`, following folder links that stay inside `root`, each folder once.
    A file is listed wherever its link leads: the caller checks it (see `is_inside`)."""
    def enter(current: Path) -> bool:
        return current.is_dir() and is_inside(current, root)

    return (entry for entry in walk_once([top], enter, lambda _path, _exc: None) if entry.is_file())
