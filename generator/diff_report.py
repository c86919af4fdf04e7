"""The text `rapor diff` prints: changed results first (what readers would see), then the files."""

from __future__ import annotations

from pathlib import Path

from .diff import OutputComparison, ResultsDiff
from .errors import shown


def format_diff(results: ResultsDiff, files: OutputComparison, output: Path, ranks: bool) -> str:
    lines: list[str] = []
    rank_only = [c for c in results.changes if c.rank_only]
    for change in results.changes:
        if change.rank_only and not ranks:
            continue
        figures = ", ".join(f"{column} {old or '–'} → {new or '–'}" for column, old, new in change.fields)
        lines.append(f"{change.year}  {shown(change.unit_id)}  {shown(change.name)}: {figures}")
    for unit in results.added:
        lines.append(f"{unit.year}  + {shown(unit.unit_id)}  {shown(unit.name)}: added")
    for unit in results.removed:
        lines.append(f"{unit.year}  - {shown(unit.unit_id)}  {shown(unit.name)}: removed")
    if rank_only and not ranks:
        lines.append(f"… and {len(rank_only)} other result{'s' if len(rank_only) != 1 else ''} whose only change is "
                     "a rank or a movement (list them with --ranks)")
    if not files.has_changes:
        lines.append(f"nothing would change: {output} is what the current inputs build "
                     f"({files.unchanged} files)")
    else:
        lines.append(f"files: {len(files.changed)} changed, {len(files.added)} added, {len(files.removed)} removed, "
                     f"{files.unchanged} unchanged in {output}")
    return "\n".join(lines)
