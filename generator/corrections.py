"""The corrections log: what the team changed after publication, checked against the data it describes.

`data/corrections.csv` (setting `data.corrections`) has one row per corrected figure:

    date,year,unit_id,field,old_value,new_value,reason_id,reason_en

`field` is `index`, `grade` or an aspect key. The build refuses a log that no longer matches the data: the
logged new value must be what the data now says (as published: rounded by the site's one rule), so readers are
never told of a correction the site does not show. An empty old or new value is a figure that was not there or
is no longer there (a unit found not evaluated after all: `rapor diff --draft-corrections` writes such rows);
pages show it as '–'. A missing file means no corrections.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import pandas as pd

from .config import Config
from .csv_read import LINE, Table, find_column, read_table
from .errors import ProblemList, did_you_mean, has_control, shown
from .names import aspect_column
from .rounding import round_half_up
from .scheme import Scheme

Report = Callable[[str, str, str], None]

COLUMNS = ("date", "year", "unit_id", "field", "old_value", "new_value", "reason_id", "reason_en")
REQUIRED = ("date", "year", "unit_id", "field", "old_value", "new_value", "reason_id")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_YEAR = re.compile(r"\d{4}")
_FIGURE = re.compile(r"[-+]?\d{1,6}(?:[.,]\d{1,12})?")
_LONGEST_REASON = 500


@dataclass(frozen=True)
class Correction:
    date: datetime.date
    year: int
    unit_id: str  # the unit's current id (a former id in the log is resolved)
    field: str  # "index", "grade" or an aspect key
    old: Decimal | str | None  # a number for index and aspects, a grade letter for grade; None: no value
    new: Decimal | str | None
    reason: dict[str, str]  # "id" always, "en" when given; other languages show the Indonesian text
    line: int

    @property
    def numeric(self) -> bool:
        return self.field != "grade"

    def reason_in(self, lang: str) -> tuple[str, str]:
        """The reason to show on a page in `lang`, and the language it is written in."""
        return (self.reason[lang], lang) if lang in self.reason else (self.reason["id"], "id")

    @property
    def key(self) -> str:
        """Stable and unique in the log: what the feed and the page anchors name an entry by."""
        return f"{self.date.isoformat()}-{self.year}-{self.unit_id}-{self.field}-{self.line}"


def _number(text: str, decimals: int) -> Decimal | None:
    """A figure as written (decimal comma or point), rounded half away from zero as the pages show it."""
    if not _FIGURE.fullmatch(text):
        return None
    try:
        return Decimal(text.replace(",", ".")).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return None


def load_corrections(config: Config, units: pd.DataFrame, results: pd.DataFrame, problems: ProblemList,
                     unreadable: frozenset[int] = frozenset()) -> tuple[Correction, ...]:
    """The log's rows, each checked against the registry and the results; every problem is collected. Rows of
    the `unreadable` years (whose result files have problems of their own) are not checked."""
    path = config.data.corrections
    if path is None or (config.data.corrections_optional and not path.exists()):
        return ()
    display = config.rel(path)
    table = read_table(path, display, problems, rows="one row per correction", may_be_empty=True, root=config.root)
    if table is None:
        return ()
    found = {c: find_column(table, c) for c in COLUMNS}
    missing = [c for c in REQUIRED if found[c] is None]
    for name in missing:
        problems.error(display, 1, 1, f"missing column '{name}'",
                       "the corrections log needs the columns " + ",".join(COLUMNS))
    extra = [h for h in table.columns if h not in found.values()]
    for header in extra:
        problems.error(display, 1, table.column(header), f"unknown column '{shown(header)}'",
                       did_you_mean(header, COLUMNS) or "the columns are " + ",".join(COLUMNS))
    if missing:
        return ()
    return tuple(_check_rows(config, table, found, units, results, display, problems, unreadable))


def _check_rows(config: Config, table: Table, found: dict[str, str | None], units: pd.DataFrame,
                results: pd.DataFrame, display: str, problems: ProblemList, unreadable: frozenset[int]
                ) -> list[Correction]:
    scheme = config.scheme
    fields = ("index", "grade", *scheme.aspect_keys)
    former = {f: str(unit_id) for unit_id, formers in units["former_ids"].items() for f in formers}
    scored = results[results["unit_id"] != ""].set_index(["year", "unit_id"])
    scored = scored[~scored.index.duplicated()]
    corrections = []
    for record in table.frame.astype(object).to_dict("records"):
        line = int(record[LINE])

        def cell(name: str, _record: dict[Any, Any] = record) -> str:
            header = found[name]
            return "" if header is None else str(_record[header]).strip()

        def bad(name: str, message: str, hint: str, _line: int = line) -> None:
            problems.error(display, _line, table.column(found[name]), message, hint)

        texts = {name: cell(name) for name in COLUMNS}
        controlled = [n for n, text in texts.items() if has_control(text)]
        for name in controlled:
            bad(name, f"the {name} holds a control or invisible character: '{shown(texts[name])}'",
                "remove control and invisible formatting characters")
        if controlled:
            continue
        date = _parse_date(texts["date"])
        if date is None:
            bad("date", f"'{texts['date']}' is not a date", "write the date of the correction as YYYY-MM-DD, "
                "e.g. 2025-03-12")
        year = int(texts["year"]) if _YEAR.fullmatch(texts["year"]) else None
        if year in unreadable:
            continue
        if year is None:
            bad("year", f"'{texts['year']}' is not a year", "write the year of the corrected results, e.g. 2024")
        elif year not in set(results["year"].astype(int)):
            bad("year", f"there are no results for {year}", "name a year that the results hold")
            year = None
        unit_id = former.get(texts["unit_id"], texts["unit_id"])
        if unit_id not in units.index:
            bad("unit_id", f"unknown unit '{texts['unit_id']}'",
                did_you_mean(texts["unit_id"], [str(u) for u in units.index]) or "use an id from the registry")
            unit_id = ""
        field = texts["field"]
        if field not in fields:
            bad("field", f"unknown field '{field}'",
                did_you_mean(field, fields) or "the field is index, grade or an aspect key: " + ", ".join(fields))
            field = ""
        if not texts["reason_id"]:
            bad("reason_id", "the correction gives no reason", "say in a sentence why the figure was corrected")
        for name in ("reason_id", "reason_en"):
            if len(texts[name]) > _LONGEST_REASON:
                bad(name, f"the reason is {len(texts[name])} characters long",
                    f"keep it under {_LONGEST_REASON} characters; explain more on the year's page")
        if date is None or year is None or not unit_id or not field:
            continue
        values = _values(field, texts, bad, frozenset(g.letter for g in scheme.grades), scheme.precision)
        if values is None:
            continue
        old, new = values
        if old == new:
            bad("new_value", f"the old and the new value are the same ({texts['new_value'] or 'both empty'})",
                "log only figures that changed")
            continue
        key = (year, unit_id)
        if key not in scored.index:
            bad("unit_id", f"{texts['unit_id']} has no result in {year}",
                "log corrections of results the data holds")
            continue
        row: pd.Series = scored.loc[key]  # type: ignore[assignment]
        now = _published(row, field, scheme)
        if now is None and new is not None:
            bad("new_value", f"the data holds no {field} for {texts['unit_id']} in {year}",
                "the logged new value must be what the data now says; leave it empty for no value")
            continue
        if now is not None and new is None:
            bad("new_value", f"the data now says {now} for the {field} of {texts['unit_id']} in {year}, "
                "not that it has no value", "correct the data or the log so that they agree")
            continue
        if now != new:
            bad("new_value", f"the data now says {now} for the {field} of {texts['unit_id']} in {year}, "
                f"not {texts['new_value']}", "correct the data or the log so that they agree")
            continue
        reason = {"id": texts["reason_id"]} | ({"en": texts["reason_en"]} if texts["reason_en"] else {})
        corrections.append(Correction(date, year, unit_id, field, old, new, reason, line))
    return sorted(corrections, key=lambda c: (c.date, c.year, c.unit_id, c.field, c.line))


def _parse_date(text: str) -> datetime.date | None:
    if not _DATE.fullmatch(text):
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def _values(field: str, texts: dict[str, str], bad: Report, letters: frozenset[str], decimals: int
            ) -> tuple[Decimal | str | None, Decimal | str | None] | None:
    """The old and new value as the pages show them: a grade letter, or a number rounded by the one rule; None
    for an empty cell (no value). None for both if one cannot be read (it is reported)."""
    values: list[Decimal | str | None] = []
    readable = True
    for name in ("old_value", "new_value"):
        text = texts[name]
        if not text:
            values.append(None)
            continue
        if field == "grade":
            value: Decimal | str | None = text if text in letters else None
            if value is None:
                bad(name, f"'{text}' is not a grade", "use a grade letter of the scheme: " + ", ".join(sorted(letters)))
        else:
            value = _number(text, decimals)
            if value is None:
                bad(name, f"'{text}' is not a number", "write the figure as published, e.g. 3,68 or 3.68")
        readable = readable and value is not None
        values.append(value)
    return (values[0], values[1]) if readable else None


def _published(row: pd.Series, field: str, scheme: Scheme) -> Decimal | str | None:
    """What the page shows for `field` in this result row: the value rounded by the one rule, or the grade."""
    if field == "grade":
        value = row["index"]
        if pd.isna(value):
            return None
        letters = scheme.grade_letters(pd.Series([value]))
        letter = letters.iloc[0]
        return None if pd.isna(letter) else str(letter)
    value = row["index" if field == "index" else aspect_column(field)]
    if pd.isna(value):
        return None
    return round_half_up(float(value), scheme.precision)
