"""`rapor diff`: what building the current inputs would change in the output folder, before it is published.

The build is run in full but its files are compared with the output folder instead of written. The changes in
results are read from the yearly downloads (`<year>/rapor-<year>.csv`) the build writes and the output holds:
both sides are the same file format with the same rounding, so "3.90 → 3.93" is what readers would see change.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .download import FORMULA_STARTS
from .errors import NotUtf8, Problem, RaporError, utf8_text
from .incremental import MANIFEST
from .names import DOWNLOAD_ADDED, DOWNLOAD_HEAD, DOWNLOAD_TAIL
from .oserrors import shown_path
from .output_guard import MARKER
from .write import WriteReport, safe_relative

_DOWNLOAD = re.compile(r"(\d{4})/rapor-\1\.csv")
_KEYS = ("year", "unit_id")
_FIXED = frozenset(DOWNLOAD_HEAD) | frozenset(DOWNLOAD_TAIL) | frozenset(DOWNLOAD_ADDED)


def is_rank(column: str) -> bool:
    """A column that changes when other units' figures change: a rank or a movement."""
    return column.startswith(("rank_", "move_", "count_"))


def is_logged(column: str) -> bool:
    """What the corrections log records (corrections.py): the index, the grade and the aspects."""
    return column in ("index", "grade") or column not in _FIXED


@dataclass(frozen=True)
class ResultChange:
    year: int
    unit_id: str
    name: str
    fields: tuple[tuple[str, str, str], ...]  # (column, old, new) as the download writes them

    @property
    def rank_only(self) -> bool:
        return all(is_rank(column) for column, _, _ in self.fields)


@dataclass(frozen=True)
class UnitListed:
    year: int
    unit_id: str
    name: str


@dataclass
class OutputComparison:
    """Files the build would write, against the output folder's."""

    changed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    downloads: dict[int, tuple[bytes | None, bytes | None]] = field(default_factory=dict)  # year -> (old, new)

    def compare(self, files: Iterable[tuple[str, bytes | None]], output: Path) -> WriteReport:
        """A write_site stand-in: reads the output folder, writes nothing. Every page is rendered (a build
        given a sink renders all), so every file comes with its bytes."""
        output = output.resolve()
        produced = set()
        total = 0
        for relative, data in files:
            relative = safe_relative(relative)
            assert data is not None
            if relative == MANIFEST:  # the build's own bookkeeping, not something readers get
                continue
            produced.add(relative)
            total += len(data)
            path = output / relative
            old = path.read_bytes() if path.is_file() else None
            if old is None:
                self.added.append(relative)
            elif old != data:
                self.changed.append(relative)
            else:
                self.unchanged += 1
            if _DOWNLOAD.fullmatch(relative):
                self.downloads[int(relative[:4])] = (old, data)
        if output.is_dir():
            for path in sorted(output.rglob("*")):
                relative = path.relative_to(output).as_posix()
                if path.is_file() and relative not in (MARKER, MANIFEST) and relative not in produced:
                    self.removed.append(relative)
                    if _DOWNLOAD.fullmatch(relative):
                        self.downloads[int(relative[:4])] = (path.read_bytes(), None)
        self.changed.sort()
        self.added.sort()
        _check_downloads(self.downloads, output)
        return WriteReport(len(produced), len(self.changed) + len(self.added), self.unchanged, total)

    @property
    def has_changes(self) -> bool:
        return bool(self.changed or self.added or self.removed)


def _text(cell: str) -> str:
    """A download cell as it was before the formula guard (download.neutralise) prefixed it."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in FORMULA_STARTS | {" "} else cell


class _Unreadable(ValueError):
    """An output download that is not the CSV a build writes: where (line, column) and why."""

    def __init__(self, line: int, column: int, reason: str) -> None:
        super().__init__(reason)
        self.line, self.column, self.reason = line, column, reason


def _rows(data: bytes | None) -> dict[str, dict[str, str]]:
    """A yearly download's rows by unit id; _Unreadable when the bytes are not such a file (the output's copy was
    changed by hand, cut short or damaged after its build)."""
    if data is None:
        return {}
    try:
        text = utf8_text(data)
    except NotUtf8 as bad:
        raise _Unreadable(bad.line, bad.column, "it is not UTF-8 text") from None
    # A download's cell is as long as the unit's name, which no limit bounds; the csv module's default is 128 KiB.
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    reader = csv.DictReader(io.StringIO(text))
    try:
        header = reader.fieldnames or []
        missing = [name for name in _KEYS if name not in header]
        if missing:
            raise _Unreadable(1, 1, f"its header has no {' or '.join(missing)} column")
        return {_text(row.get("unit_id") or ""): {k: _text(v or "") for k, v in row.items() if k} for row in reader}
    except csv.Error as exc:
        raise _Unreadable(reader.line_num or 1, 1, f"it cannot be read as CSV ({exc})") from None


def _check_downloads(downloads: dict[int, tuple[bytes | None, bytes | None]], output: Path) -> None:
    """Every yearly download of the output folder that the results are compared with must be readable: a damaged
    one is reported (all of them, located), rather than every unit of its year shown as added."""
    problems = []
    for year, (old, _new) in sorted(downloads.items()):
        try:
            _rows(old)
        except _Unreadable as bad:
            path = shown_path(output / f"{year}/rapor-{year}.csv")
            problems.append(Problem(path, bad.line, bad.column,
                                    f"the output's download cannot be compared with: {bad.reason}",
                                    "it was changed or damaged after its build; rapor build writes it again "
                                    "(or remove it, and its year's results are listed as added)"))
    if problems:
        raise RaporError(problems)


@dataclass(frozen=True)
class ResultsDiff:
    changes: tuple[ResultChange, ...]
    added: tuple[UnitListed, ...]
    removed: tuple[UnitListed, ...]


def diff_results(downloads: dict[int, tuple[bytes | None, bytes | None]]) -> ResultsDiff:
    """Per year and unit, the figures that differ between the output's download and the new one."""
    changes, added, removed = [], [], []
    for year, (old_bytes, new_bytes) in sorted(downloads.items()):
        old, new = _rows(old_bytes), _rows(new_bytes)
        for unit_id in sorted(new.keys() - old.keys()):
            added.append(UnitListed(year, unit_id, new[unit_id].get("name", "")))
        for unit_id in sorted(old.keys() - new.keys()):
            removed.append(UnitListed(year, unit_id, old[unit_id].get("name", "")))
        for unit_id in sorted(old.keys() & new.keys()):
            before, after = old[unit_id], new[unit_id]
            fields = tuple((name, before[name], value) for name, value in after.items()
                           if name not in _KEYS and name in before and before[name] != value)
            if fields:
                changes.append(ResultChange(year, unit_id, after.get("name", ""), fields))
    return ResultsDiff(tuple(changes), tuple(added), tuple(removed))


def draft_corrections(results: ResultsDiff, today: datetime.date) -> str:
    """Rows for data/corrections.csv, one per corrected figure readers can see, reasons left to fill in."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["date", "year", "unit_id", "field", "old_value", "new_value", "reason_id", "reason_en"])
    for change in results.changes:
        for name, old, new in change.fields:
            if is_logged(name):
                writer.writerow([today.isoformat(), change.year, change.unit_id, name, old, new, "", ""])
    return buffer.getvalue()
