"""One error family for everything a user can fix, and one way to print it.

A problem names where it is (file, line, column), what is wrong and how to fix it. Stages collect
problems into a list and raise `RaporError` once, so the user sees every problem in one run. Printing
is bounded (a few problems per file, then a count) and never passes a control character to the terminal.
"""

from __future__ import annotations

import errno
import heapq
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

SHOWN_PER_FILE = 20  # one bad export can hold a million bad cells: the first few say what is wrong


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


# Characters that change what a terminal or a page shows without being seen themselves: controls (C0, DEL,
# C1), format characters (bidi overrides and isolates, zero-width ones, the soft hyphen, tags) and the Unicode
# line and paragraph separators; that is Unicode's Cc, Cf, Zl and Zp (tests compare it with unicodedata).
# With them the noncharacters (U+FDD0..U+FDEF and the last two code points of every plane) and lone surrogates
# (a YAML escape can make one): no text may hold them, and U+FFFE and U+FFFF make an XML file (the Atom feed,
# the SVGs) one that no parser reads.
NONCHARACTERS = "\ufdd0-\ufdef" + "".join(f"{chr(plane + 0xFFFE)}{chr(plane + 0xFFFF)}"
                                            for plane in range(0, 0x110000, 0x10000))
CONTROL_CHARACTERS = re.compile(
    "[\x00-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f\ud800-\udfff" + NONCHARACTERS + "]"
)
CONTROL_HINT = "remove control and invisible formatting characters (shown as \\x.. or \\u....)"


def has_control(text: str) -> bool:
    return CONTROL_CHARACTERS.search(text) is not None


def _escape(char: str) -> str:
    code = ord(char)
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char) or (
        f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")


def shown(text: str) -> str:
    """`text` safe to print: every character a terminal would not show as itself is written as an escape
    (`\\x1b`, `\\u202e`), as Python's repr does; printable text, accents included, is left as it is."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c == " " else _escape(c) for c in text)


def quoted(value: object) -> str:
    """A value from the input as messages quote it: text in single quotes, as written (Problem.format escapes
    what `shown` escapes, in every message alike); true and false as TOML writes them; other values as Python
    does."""
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


@dataclass(frozen=True, order=True, slots=True)
class Problem:
    """One located problem. Problems are listed by file, then line, then column (see `sort_key`)."""

    path: str
    line: int
    column: int
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR
    # A problem that causes others (an unknown config key drops what it configured): listed before every other.
    cause: bool = False

    def sort_key(self) -> tuple[bool, str, int, int, str, str]:
        return (not self.cause, self.path, self.line, self.column, self.message, self.hint)

    def format(self) -> str:
        prefix = "warning: " if self.severity is Severity.WARNING else ""
        text = f"{shown(self.path)}:{self.line}:{self.column}: {prefix}{shown(_shortened(self.message))}"
        if self.hint:
            text += f"\n  hint: {shown(_shortened(self.hint))}"
        return text


QUOTED_SHOWN = 160  # characters of a quoted value a message shows; a 100,000-character cell is one line of it
MESSAGE_SHOWN = 1000  # characters of a message or hint shown
# A quoted value opens at a quote after a space, bracket, '=' or ':' (or the start) and closes at one before a
# space or punctuation (or the end): the text between two values ("'-', starting with ... like 'unit'") and an
# apostrophe ("the file's") are no value.
_LONG_QUOTED = re.compile("(?:^|(?<=[\\s(\\[=:]))'([^'\n]{" + str(QUOTED_SHOWN + 1) + ",})'(?=$|[\\s,.;:)\\]])")


def _shortened(text: str) -> str:
    """A message with every long quoted value cut to its start and end around '…', and the whole kept under
    a thousand characters, so that a problem stays one readable line whatever the input held."""
    if len(text) <= QUOTED_SHOWN:
        return text
    text = _LONG_QUOTED.sub(lambda m: f"'{m.group(1)[:QUOTED_SHOWN - 20]}…{m.group(1)[-20:]}'", text)
    return text if len(text) <= MESSAGE_SHOWN else text[:MESSAGE_SHOWN - 100] + "…" + text[-60:]


def format_problems(problems: Iterable[Problem], per_file: int = SHOWN_PER_FILE) -> str:
    """Every problem sorted, at most `per_file` of each file, each file's rest counted on one line.

    Only the problems shown are sorted, so a file with a million problems costs one pass over them.
    """
    by_path: dict[str, list[Problem]] = {}
    for problem in problems:
        by_path.setdefault(problem.path, []).append(problem)
    shown_problems: list[Problem] = []
    more: dict[str, int] = {}
    for path, found in by_path.items():
        shown_problems += heapq.nsmallest(per_file, found, key=Problem.sort_key)
        if len(found) > per_file:
            more[path] = len(found) - per_file
    lines = [p.format() for p in sorted(shown_problems, key=Problem.sort_key)]
    lines += [f"… and {count:,} more problem{'s' if count != 1 else ''} in {shown(path)}"
              for path, count in sorted(more.items())]
    return "\n".join(lines)


class RaporError(Exception):
    """Bad input the user can fix. Carries every problem found, not just the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(sorted(problems, key=Problem.sort_key))
        super().__init__(f"{self.error_count} errors")

    def __str__(self) -> str:
        return self.format()

    def __reduce__(self) -> tuple[type[RaporError], tuple[tuple[Problem, ...]]]:
        # Sent back from a worker process (parallel.py) with its problems, not its summary text.
        return (type(self), (self.problems,))

    @classmethod
    def single(cls, path: str, line: int, column: int, message: str, hint: str = "") -> RaporError:
        return cls([Problem(path, line, column, message, hint)])

    @property
    def error_count(self) -> int:
        return sum(1 for p in self.problems if p.severity is Severity.ERROR)

    def format(self) -> str:
        """The problems as printed: sorted, a few per file, the rest of each file counted."""
        return format_problems(self.problems)


class ProblemList:
    """Collects problems while a stage runs; `raise_if_errors` ends the stage if any is an error."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def error(self, path: str, line: int, column: int, message: str, hint: str = "", cause: bool = False) -> None:
        self.items.append(Problem(path, line, column, message, hint, Severity.ERROR, cause))

    def warning(self, path: str, line: int, column: int, message: str, hint: str = "", cause: bool = False) -> None:
        self.items.append(Problem(path, line, column, message, hint, Severity.WARNING, cause))

    def extend(self, problems: Iterable[Problem]) -> None:
        self.items.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity is Severity.WARNING]

    def raise_if_errors(self) -> None:
        if self.errors:
            raise RaporError(self.items)


def closest(word: str, choices: Iterable[str], n: int = 3) -> list[str]:
    """The known names nearest to `word`, for 'did you mean' hints: the nearest, and others about as near."""
    import difflib

    lowered = {c.lower(): c for c in choices}
    target = word.lower()
    scored = sorted(((difflib.SequenceMatcher(None, target, c).ratio(), c) for c in lowered), reverse=True)
    hits = [(score, c) for score, c in scored if score >= 0.6][:n]
    return [lowered[c] for score, c in hits if score >= hits[0][0] - 0.1]


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    hits = closest(word, choices)
    if not hits:
        return ""
    return "did you mean " + " or ".join(f"'{h}'" for h in hits) + "?"


def read_failure(exc: OSError, path: Path, what: str = "the file") -> tuple[str, str]:
    """What an operating-system failure while reading `path` means, and what to do about it: (message, hint).

    `path` is inspected with os.path, which answers False rather than raising where a folder on the way
    cannot be searched.
    """
    code = exc.errno
    if isinstance(exc, NotARegularFile):
        return (f"{what} is a device, pipe or socket, not a file",
                "put the file itself in its place, or correct its path in rapor.toml")
    if isinstance(exc, IsADirectoryError) or os.path.isdir(path):
        return f"{what} is a folder, not a file", "put the file in its place, or correct its path in rapor.toml"
    if code == errno.ENOENT and os.path.islink(path):
        return (f"{what} is a link to {shown(os.readlink(path))}, which does not exist",
                "point the link at the file, or put the file in its place")
    if code == errno.ENOENT:
        return f"{what} does not exist", "create it, or correct its path in rapor.toml"
    if code == errno.ENOTDIR:
        return (f"{what} cannot be reached: a part of its path is a file, not a folder",
                "correct the path in rapor.toml, or put the folder in place of that file")
    if code in (errno.EACCES, errno.EPERM):
        return (f"no permission to read {what}",
                "give read permission to the file and its folders (e.g. chmod a+r FILE), or run rapor as their owner")
    if code == errno.ELOOP:
        return f"{what} cannot be reached: its links form a loop", "point the link at the file itself"
    return (f"cannot read {what}: {exc.strerror or exc}",
            "check the disk and the file, then run rapor again")


class NotUtf8(ValueError):
    """Bytes that are not UTF-8 text, located at the first byte that is not: its line, and its column counted in
    characters, as an editor shows it."""

    def __init__(self, line: int, column: int, reason: str) -> None:
        super().__init__(reason)
        self.line, self.column, self.reason = line, column, reason


def utf8_text(data: bytes) -> str:
    """The text of a file's bytes: UTF-8, a leading byte-order mark dropped (Windows editors write one, and it
    would otherwise be text: a TOML error, a character before a page's doctype). NotUtf8 if it is not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        column = len(data[line_start:exc.start].decode("utf-8-sig", errors="replace")) + 1
        raise NotUtf8(data.count(b"\n", 0, exc.start) + 1, column, exc.reason) from None


class NotARegularFile(OSError):
    """A path naming a device, pipe or socket: reading it could block or never end."""


def read_bytes(path: Path) -> bytes:
    """The bytes of a regular file. A device, pipe or socket (e.g. a link to /dev/zero) raises NotARegularFile
    before anything is read; other failures raise the OSError that reading gives."""
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):  # a folder fails below as IsADirectoryError
        raise NotARegularFile(errno.EINVAL, "not a regular file", str(path))
    return path.read_bytes()
