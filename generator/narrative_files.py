"""Finding and reading the narrative files under content/, every failure a located problem.

A symbolic link is followed only to a file inside the project: one that points outside it (say at a system
file), at nothing, or at a folder would publish something that is not the project's narrative.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

from .errors import NONCHARACTERS, NotUtf8, ProblemList, shown, utf8_text

READ_HINT = "make it a readable file (check its permissions), or remove it from content/"
# What no web page or XML file may hold (the HTML standard's parse errors): control characters other than the
# tab and line ends, and noncharacters. Invisible formatting characters (a soft hyphen, a zero-width joiner)
# have their uses in prose and are left to the author.
UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f" + NONCHARACTERS + "]")
UNWRITABLE_HINT = "remove control characters and noncharacters (shown as \\x.. or \\u....)"
# A pipe or device would block the build or feed it endless data.
NOT_A_FILE = ("this is not a regular file", "replace it with a plain text file, or remove it from content/")


def _link_problem(path: Path, project: Path, folder_ok: bool = False) -> tuple[str, str] | None:
    """Why the symbolic link `path` may not be followed, or None."""
    try:
        target = shown(os.readlink(path))
    except OSError:
        target = "?"
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return (f"the symbolic link points at '{target}', which does not exist",
                "remove the link, or copy the file itself into content/")
    if not resolved.is_relative_to(project):
        return (f"the symbolic link points outside the project ('{target}')",
                "copy the file into content/ instead of linking to it")
    if resolved.is_dir():
        return None if folder_ok else ("the symbolic link points at a folder",
                                       "put the narrative files themselves under content/")
    if not resolved.is_file():
        return NOT_A_FILE
    return None




def find_markdown(folder: Path, project: Path, rel: Callable[[Path], str], problems: ProblemList) -> list[Path]:
    """The Markdown files under `folder`, sorted; links, folders and unreadable entries that cannot be used are
    reported instead."""
    project = project.resolve()
    if folder.is_symlink():
        refused = _link_problem(folder, project, folder_ok=True)
        if refused is not None:
            problems.error(rel(folder), 1, 1, *refused)
            return []
    if not folder.is_dir():
        problems.error(rel(folder), 1, 1, "this is a file, not the folder of narrative files",
                       "rename it; narrative goes in a folder named content/")
        return []
    found: list[Path] = []
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            entries = sorted(os.scandir(current), key=lambda entry: entry.name)
        except OSError as exc:
            problems.error(rel(current), 1, 1, f"the folder cannot be read ({exc.strerror})",
                           "make it readable (check its permissions), or remove it from content/")
            continue
        for entry in entries:
            path = Path(entry.path)
            if entry.is_symlink():
                refused = _link_problem(path, project)
                if refused is not None:
                    problems.error(rel(path), 1, 1, *refused)
                elif entry.name.endswith(".md"):
                    found.append(path)
            elif entry.is_dir(follow_symlinks=False):
                if entry.name.endswith(".md"):
                    problems.error(rel(path), 1, 1, "this is a folder, not a Markdown file",
                                   "rename the folder, or remove it from content/")
                else:
                    pending.append(path)
            elif entry.name.endswith(".md"):
                if entry.is_file(follow_symlinks=False):
                    found.append(path)
                else:
                    problems.error(rel(path), 1, 1, *NOT_A_FILE)
    return sorted(found)


def read_markdown(path: Path, source: str, problems: ProblemList) -> str | None:
    """The file's text (line ends made '\\n'), or None after reporting why it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.error(source, 1, 1, f"the file cannot be read ({exc.strerror or exc})", READ_HINT)
        return None
    try:
        text = utf8_text(data)
    except NotUtf8 as bad:
        problems.error(source, bad.line, bad.column, f"the file is not UTF-8 text ({bad.reason})", "save it as UTF-8")
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # a lone CR ends a line too (classic Mac OS), as in CSV
    if UNWRITABLE.search(text) is None:
        return text
    for number, line_text in enumerate(text.split("\n"), start=1):
        for found in UNWRITABLE.finditer(line_text):
            problems.error(source, number, found.start() + 1, f"the text holds a character no web page may hold: "
                           f"'{shown(found.group())}'", UNWRITABLE_HINT)
    return None


def page_location(relpath: Path, languages: tuple[str, ...]) -> tuple[str, str, str] | None:
    """(kind, key, lang) for a content file, or None if the file is not one Rapor places."""
    parts = relpath.parts
    stem = relpath.name[:-3]
    lang = languages[0]
    for other in languages[1:]:
        if stem.endswith(f".{other}"):
            stem, lang = stem[: -len(other) - 1], other
    if len(parts) == 1 and stem == "index":
        return "home", "", lang
    if len(parts) == 2 and re.fullmatch(r"\d{4}", parts[0]) and stem == "index":
        return "year", parts[0], lang
    if len(parts) == 2 and parts[0] == "units":
        return "unit", stem, lang
    if len(parts) == 2 and parts[0] == "pages":
        return "page", stem, lang
    return None


def foreign_language(relpath: Path, languages: tuple[str, ...]) -> tuple[str, str] | None:
    """Why a file named for a language ('tentang.en.md') has no place: the language is the first one, whose
    files have no language in their name, or one the site is not built in. None if it names no language."""
    found = re.fullmatch(r".+\.([a-z]{2,3})\.md", relpath.name)
    if found is None or found.group(1) in languages[1:]:
        return None
    lang, plain = found.group(1), relpath.name[:-len(found.group(1)) - 4] + ".md"
    if lang == languages[0]:
        others = [other for other in languages[1:] if other != lang]
        return (f"the file names the language '{lang}', the site's first, whose files have no language in their "
                "name", f"rename it to {plain}" + (f"; the other languages' files name theirs, e.g. "
                                                    f"{plain[:-3]}.{others[0]}.md" if others else ""))
    return (f"the file is for the language '{lang}', which site.languages does not list",
            f"add \"{lang}\" to site.languages in rapor.toml, or remove the file")
