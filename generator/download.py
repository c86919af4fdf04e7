"""The yearly download (`<year>/rapor-<year>.csv`): the year's ranked results for spreadsheets. Pure.

Numbers are written as published: rounded by the site's one rule (rounding.py) to `scheme.precision`, with a
'.' decimal point, so the file says what the pages say. Text cells are written so that no spreadsheet runs
them as a formula (OWASP "CSV Injection"): a text cell whose first character, or first character after
leading spaces, starts a formula (= + - @, their full-width forms, tab, carriage return, line feed) gets a
single quote in front ('=HYPERLINK(...) stays text). Numeric columns are never prefixed, so a negative
change (-0.20) stays a number.

Columns: names.DOWNLOAD_HEAD, then one column per aspect headed by its key (aspect keys may not repeat a
fixed column's name: scheme.check_scheme), then names.DOWNLOAD_TAIL. `rank_type` ranks within the unit's
level and type; `delta` and `move_national` compare with `compared_year`, the unit's last evaluated year
before this one (the previous year unless the unit is `returning`).
"""

from __future__ import annotations

import csv
import io
from typing import Any

import numpy as np

from .config import Config
from .names import DOWNLOAD_HEAD, DOWNLOAD_TAIL, aspect_column
from .rounding import format_fixed
from .sitedata import SiteData

TEXT_COLUMNS = frozenset({"unit_id", "name", "level", "type", "province", "grade"})
DECIMAL_COLUMNS = frozenset({"index", "delta"})

# Characters that make a spreadsheet read a cell as a formula (or split it into one), including the
# full-width forms some spreadsheet locales convert to their ASCII counterparts.
FORMULA_STARTS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")


def neutralise(text: str) -> str:
    """A text cell that no spreadsheet will evaluate: prefixed with a single quote if it could start a formula."""
    if text and (text[0] in FORMULA_STARTS or text.lstrip()[:1] in FORMULA_STARTS):
        return "'" + text
    return text


def _cell(column: str, value: Any, precision: int) -> str:
    if value is None:
        return ""
    if column in TEXT_COLUMNS:
        return neutralise(str(value))
    if column in DECIMAL_COLUMNS or column.startswith("aspect:"):
        return format_fixed(float(value), precision)
    if isinstance(value, (bool, np.bool_)):
        return "True" if value else "False"
    return str(int(value))


def download_csv(config: Config, data: SiteData, year: int) -> bytes:
    """The year's results as a CSV anyone can open in a spreadsheet (UTF-8, comma-separated, '\\n' lines)."""
    aspects = config.scheme.aspect_keys
    fields = [*DOWNLOAD_HEAD, *(aspect_column(key) for key in aspects), *DOWNLOAD_TAIL]
    header = [*DOWNLOAD_HEAD, *aspects, *DOWNLOAD_TAIL]
    precision = config.scheme.precision
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(neutralise(name) for name in header)
    for row in data.rows_by_year[year]:
        writer.writerow(_cell(field, year if field == "year" else row[field], precision) for field in fields)
    return buffer.getvalue().encode("utf-8")
