"""[program.published]: the day each year's results were published, for "data as of" lines and citations.

Read with the rest of rapor.toml (a bad key or date is located where it is written); whether each year has
results is known only once the result files are read, so that check runs from pipeline.read_inputs.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .config_reader import ConfigReader, setting_value
from .errors import ProblemList, shown

CONFIG_NAME = "rapor.toml"
EXAMPLE = 'e.g. 2024 = "2024-12-10"'
ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


@dataclass(frozen=True)
class PublishedDates:
    """Publication dates by results year; `where` keeps each entry's (line, column) for later checks."""

    dates: dict[int, datetime.date] = field(default_factory=dict)
    where: dict[int, tuple[int, int]] = field(default_factory=dict)

    def get(self, year: int | None) -> datetime.date | None:
        return self.dates.get(year) if year is not None else None


def _as_date(value: Any) -> datetime.date | None:
    """A TOML date (2024-12-10) or the same written as text; a date and time, or an impossible day, is none."""
    if isinstance(value, datetime.datetime):
        return None
    if isinstance(value, datetime.date):
        return value
    found = ISO_DATE.fullmatch(value) if isinstance(value, str) else None
    if found is None:
        return None
    try:
        return datetime.date(*(int(part) for part in found.groups()))
    except ValueError:
        return None


def read_published(raw: dict[str, Any], reader: ConfigReader) -> PublishedDates:
    """Every well-formed entry of [program.published]; each bad one is reported where it is written."""
    table = setting_value(raw, "program.published")
    if not isinstance(table, dict):
        return PublishedDates()  # a value that is not a table: reported by the reader
    dates: dict[int, datetime.date] = {}
    where: dict[int, tuple[int, int]] = {}
    for key, value in table.items():
        dotted = f"program.published.{key}"
        if not re.fullmatch(r"\d{4}", key):
            reader.error(dotted, f"'{shown(key)}' in [program.published] is not a year",
                         f"name each date by the year of the results it published, {EXAMPLE}")
            continue
        year = int(key)
        day = _as_date(value)
        if day is None:
            written = value.isoformat() if isinstance(value, datetime.date | datetime.time) else value
            text = shown(written) if isinstance(written, str) else repr(written)
            reader.error(dotted, f"the publication date for {year} is not a date: '{text}'",
                         f"write the day the results were published as YYYY-MM-DD, {EXAMPLE}")
            continue
        if day.year < year:
            reader.error(dotted, f"the publication date for {year}, {day.isoformat()}, is before that year",
                         "results are published during or after the year they evaluate: check the year and the date")
            continue
        dates[year] = day
        where[year] = reader.where(dotted)
    return PublishedDates(dict(sorted(dates.items())), where)


def check_published_years(published: PublishedDates, years: Iterable[int], problems: ProblemList) -> None:
    """A date for a year that has no results is most often a mistyped year: it would never be shown."""
    have = sorted(set(years))
    if not have:
        return  # no results were read: the result files' own errors say why
    for year in sorted(published.dates):
        if year not in have:
            line, column = published.where[year]
            problems.error(CONFIG_NAME, line, column, f"publication date for {year}, a year with no results",
                           f"years with results: {', '.join(map(str, have))}; correct the year or remove the date")
