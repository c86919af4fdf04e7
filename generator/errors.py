"""One error family for everything a user can fix, and one way to print it.

A problem names where it is (file, line, column), what is wrong and how to fix it. Stages collect
problems into a list and raise `RaporError` once, so the user sees every problem in one run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One located problem. Sorting orders problems by file, then line, then column."""

    path: str
    line: int
    column: int
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR

    def format(self) -> str:
        prefix = "warning: " if self.severity is Severity.WARNING else ""
        text = f"{self.path}:{self.line}:{self.column}: {prefix}{self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class RaporError(Exception):
    """Bad input the user can fix. Carries every problem found, not just the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(sorted(problems))
        super().__init__(self.format())

    @classmethod
    def single(cls, path: str, line: int, column: int, message: str, hint: str = "") -> RaporError:
        return cls([Problem(path, line, column, message, hint)])

    def format(self) -> str:
        return "\n".join(p.format() for p in self.problems)


class ProblemList:
    """Collects problems while a stage runs; `raise_if_errors` ends the stage if any is an error."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def error(self, path: str, line: int, column: int, message: str, hint: str = "") -> None:
        self.items.append(Problem(path, line, column, message, hint, Severity.ERROR))

    def warning(self, path: str, line: int, column: int, message: str, hint: str = "") -> None:
        self.items.append(Problem(path, line, column, message, hint, Severity.WARNING))

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
    """The known names nearest to `word`, for 'did you mean' hints."""
    import difflib

    options = list(choices)
    lowered = {c.lower(): c for c in options}
    hits = difflib.get_close_matches(word.lower(), list(lowered), n=n, cutoff=0.6)
    return [lowered[h] for h in hits]


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    hits = closest(word, choices)
    if not hits:
        return ""
    return "did you mean " + " or ".join(f"'{h}'" for h in hits) + "?"
