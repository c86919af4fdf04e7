"""Rules for names a user chooses that become file or folder names, or that Rapor keeps for itself.

Unit ids, former ids, province codes, level, type and aspect keys end up in paths of the built site, which
is copied to and served from Windows and macOS machines as well: a name those systems cannot store as
written (a device name such as CON, a trailing dot) is refused like one that climbs out of its folder.
"""

from __future__ import annotations

import re

# Windows device names, with or without an extension (NUL.txt and NUL.tar.gz are NUL), in any case.
WINDOWS_DEVICE = re.compile(r"(?i)(?:con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(?:\..*)?")
WINDOWS_HINT = ("Windows cannot store a file or folder named like a device (CON, PRN, AUX, NUL, COM1, LPT1, "
                "also with an extension) or ending in '.' or a space; choose another name")

# Rapor field names: each names a column of the result files ([columns]), so no aspect may take one.
RESULT_FIELDS = ("year", "unit_id", "unit_name", "index", "grade")
# Columns Rapor adds to the result table it builds; an aspect named like one would overwrite it.
INTERNAL_COLUMNS = frozenset({
    *RESULT_FIELDS, "line", "path", "column", "score", "delta", "evaluated", "grade_order", "name", "level",
    "type", "province", "regency", "regency_name", "province_name", "former_ids", "former_names", "status",
    "previous", "movement", "rank", "mean", "count", "key", "group", "field", "id", "aspects", "grade_change",
    "is_new", "returning", "unit", "value", "listed",
})
INTERNAL_PREFIXES = ("rank_", "prev_", "move_", "previous_")


def windows_unsafe(name: str) -> bool:
    """True for a name Windows cannot give a file or folder: a device name, or a trailing dot or space."""
    return WINDOWS_DEVICE.fullmatch(name) is not None or name.endswith((".", " "))


def reserved_column(name: str) -> bool:
    """True for a name Rapor uses for a column of its own result table."""
    return name in INTERNAL_COLUMNS or name.startswith(INTERNAL_PREFIXES)
