"""Names Rapor uses for itself, and the namespace that keeps a scheme's aspects apart from them. Pure.

Aspect keys are chosen by the site's author, so inside the model every aspect lives in its own column
`aspect:<key>` (and averages in the field `aspect:<key>`): an aspect keyed `score`, `rank_national` or
`delta` can never overwrite what Rapor computes. Two places share one flat namespace with aspect keys and
cannot be prefixed without changing what users write or read: the `[columns]` table of rapor.toml (Rapor's
result fields and the aspect keys side by side) and the header row of the yearly download (the aspect keys
beside the fixed columns). Aspect keys equal to one of those names are refused (scheme.check_scheme).
"""

from __future__ import annotations

ASPECT_PREFIX = "aspect:"

# The result fields that [columns] maps to a file's headers (config.RESULT_FIELDS).
RESULT_FIELDS = ("year", "unit_id", "unit_name", "index", "grade")

# The yearly download's fixed columns, in order; the aspect columns follow `grade`.
DOWNLOAD_HEAD = ("year", "rank_national", "unit_id", "name", "level", "type", "province", "index", "grade")
DOWNLOAD_TAIL = ("rank_level", "rank_type", "rank_province", "delta", "compared_year", "move_national", "is_new",
                 "returning")

# Columns the downloads gained later, after DOWNLOAD_TAIL (download_columns.py), so older columns keep
# their positions. They are not refused as aspect keys (sites keyed an aspect so before they existed): an
# aspect keyed like one is headed `aspect_<key>` in the downloads instead.
DOWNLOAD_ADDED = ("level_label_id", "level_label_en", "type_label_id", "type_label_en", "province_name", "regency",
                  "regency_name", "predikat_label_id", "predikat_label_en", "evaluated", "count_national",
                  "count_level", "count_type", "count_province", "move_level", "move_type", "move_province")

RESERVED_ASPECT_KEYS = frozenset(RESULT_FIELDS + DOWNLOAD_HEAD + DOWNLOAD_TAIL)


def aspect_column(key: str) -> str:
    """The model's column (and averages field) for the aspect `key`."""
    return ASPECT_PREFIX + key

# The key of a type at a level among the averages (group 'level_type'): "kabupaten-kota/dpmptsp". A unit's
# peers are its type at its level, as the type ranking is within the level; '/' cannot occur in either key.
# (Here, not in model.py, so that the pages' modules read it without loading pandas: parallel.py's workers.)
LEVEL_TYPE_SEPARATOR = "/"


def level_type_key(level: str, unit_type: str) -> str:
    return level + LEVEL_TYPE_SEPARATOR + unit_type
