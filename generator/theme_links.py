"""A theme may use only files inside the project: a link that leads out of it, or to nothing, is refused.

A theme's static files are copied into the published site and its templates and messages are read into every
page, so a symbolic link in a theme to /etc/passwd, or to another user's files, would publish them. Links that
stay inside the project are followed. Rapor's own default theme is trusted as installed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

from .bundled import DEFAULT_THEME
from .errors import ProblemList

# The folders of a theme that Rapor reads; anything else in a theme folder is the theme author's own business.
THEME_PARTS = ("templates", "static", "i18n")
LINK_HINT = "copy the file into the project instead of linking to it, or remove the link"


def shown_text(text: str) -> str:
    """Text from the file system as it may be shown on a terminal: control characters escaped."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)


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
        return f"symbolic link to nothing ({shown_text(os.readlink(link))} does not exist)"
    except (OSError, RuntimeError):
        return "symbolic link that cannot be followed (a loop of links, or a folder that cannot be read)"
    if not target.is_relative_to(root):
        return f"symbolic link to a place outside the project ({shown_text(target.as_posix())})"
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

    seen: set[Path] = set()
    stack = [folder / part for part in reversed(THEME_PARTS)]
    if not usable(folder):
        return False
    while stack:
        current = stack.pop()
        if not (current.is_dir() or current.is_symlink()) and current.parent == folder:
            continue  # a theme need not have all three parts
        if not usable(current) or not current.is_dir():
            continue
        real = current.resolve()
        if real in seen:
            continue
        seen.add(real)
        try:
            entries = sorted(current.iterdir())
        except OSError as exc:
            problems.error(shown(current), 1, 1, f"this theme folder cannot be read ({exc.strerror or exc})",
                           "make it readable, or remove it from the theme")
            continue
        stack.extend(reversed([entry for entry in entries if not entry.name.startswith(".")]))
    return not reported


def theme_files(top: Path, root: Path) -> Iterator[Path]:
    """The non-hidden files under `top`, following folder links that stay inside `root`, each folder once.
    A file is listed wherever its link leads: the caller checks it (see `is_inside`)."""
    seen: set[Path] = set()
    stack = [top]
    while stack:
        current = stack.pop()
        if not is_inside(current, root):
            continue
        real = current.resolve()
        if real in seen:
            continue
        seen.add(real)
        try:
            entries = sorted(current.iterdir())
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir():
                stack.append(entry)
            elif entry.is_file():
                yield entry
