"""The site data's result rows as `SiteRow`s, made year by year, and kept by a warm session per year.

A SiteRow is a plain dict to every reader (templates, json, pickle) with one addition: it carries the digest
of its contents, made once and cleared by any change to it, which stable_digest (incremental.py) writes in
place of the row. A unit-year row appears in some ten pages' contexts (its unit page's history, four
rankings, a province page...): its items are hashed once per build instead of once per page, and for every
year a warm build reuses (below), not at all.

`result_rows(model.results, ...)` converts the ranked results year by year. With `kept` (a warm session's
dict, session.scratch), a year whose slice of the results has the same digest as last time (its values,
columns and types: pandas' row hashes with a fixed key), under the same unit names and aspect keys, reuses
last build's rows, the very same objects. Every value of a row comes from its year's slice (ranks, counts,
the compared year's values), the units' names or the aspect keys, so an equal digest means equal rows.
Readers must never change a row (they make new dicts: `row | {...}`); a change would clear its digest but
would also show in the next build, which is why rows are only ever made here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported where used: a render worker (parallel.py) reads rows without pandas
    import pandas as pd

from .names import aspect_column


class SiteRow(dict[str, Any]):
    """A result row (sitedata.SiteData) that remembers its contents' digest until it is changed."""

    # No __init__: dict's own makes a large project's 200,000 rows (a Python one cost a second). The slot is
    # unset until the digest is first made, and None once a change has cleared it.
    __slots__ = ("_digest",)
    _digest: str | None

    def digest(self, make: Callable[[dict[str, Any]], str]) -> str:
        """make(the row), once while the row is unchanged (`make` must not hash the row as a SiteRow, which
        would ask for its digest again: incremental.row_digest hashes its names and values)."""
        try:
            known = self._digest
        except AttributeError:
            known = None
        if known is None:
            known = self._digest = make(self)
        return known

    # Every way of changing a dict in place forgets the digest.
    def __setitem__(self, key: str, value: Any) -> None:
        self._digest = None
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        self._digest = None
        super().__delitem__(key)

    def __ior__(self, other: Any) -> SiteRow:  # type: ignore[override,misc]
        self._digest = None
        return super().__ior__(other)

    def update(self, *args: Any, **kwargs: Any) -> None:
        self._digest = None
        super().update(*args, **kwargs)

    def pop(self, *args: Any) -> Any:
        self._digest = None
        return super().pop(*args)

    def popitem(self) -> tuple[str, Any]:
        self._digest = None
        return super().popitem()

    def setdefault(self, key: str, default: Any = None) -> Any:
        self._digest = None
        return super().setdefault(key, default)

    def clear(self) -> None:
        self._digest = None
        super().clear()

    def __reduce__(self) -> tuple[Any, ...]:
        # To worker processes (parallel.py), which only render, as a plain dict: made there without a Python call
        # per row. (Copies are plain dicts too: only this module makes SiteRows.)
        return (dict, (dict(self),))


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """DataFrame rows as dicts of Python values (int, float, bool, str; pandas' Timestamp for a date), with None
    (not NaN, NaT or pd.NA) for missing values: what `frame.astype(object).where(frame.notna(), None)
    .to_dict("records")` gives (tests/test_site_rows.py compares them), made a column at a time rather than a
    value at a time (a large project's results hold millions of values)."""
    columns, values = columns_values(frame)
    if not columns:
        return [{} for _ in range(len(frame))]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def columns_values(frame: pd.DataFrame) -> tuple[list[Any], list[list[Any]]]:
    """A frame's column names and each column's values (column_values)."""
    return frame.columns.tolist(), [column_values(frame.iloc[:, position]) for position in range(frame.shape[1])]


def column_values(column: pd.Series) -> list[Any]:
    """A column's values as Python values, None where missing."""
    import numpy as np

    # what DataFrame.to_dict boxes each value with (not in pandas' stubs)
    from pandas.core.dtypes.cast import maybe_box_native  # type: ignore[attr-defined]

    if _gives_python_scalars(column.dtype):
        values: list[Any] = column.tolist()
    else:  # objects, dates, categories...: as to_dict makes them
        # (A string, most of these, is its own box: the call is skipped for it.)
        values = [value if type(value) is str else maybe_box_native(value) for value in column.astype(object).tolist()]
    missing = column.isna().to_numpy()
    if missing.any():
        for position in np.flatnonzero(missing).tolist():
            values[position] = None
    return values


def _gives_python_scalars(dtype: Any) -> bool:
    """Whether a column's tolist() gives Python scalars (and, where missing, a marker `column_values` replaces):
    numpy's booleans and numbers, pandas' masked ones (Int64, Float64, boolean) and strings."""
    import numpy as np
    import pandas as pd
    from pandas.core.dtypes.dtypes import BaseMaskedDtype

    return ((isinstance(dtype, np.dtype) and dtype.kind in "biuf")
            or isinstance(dtype, pd.StringDtype | BaseMaskedDtype))


def slice_digest(frame: pd.DataFrame, index: bool = False) -> str:
    """A slice's values, columns and types; its index only if `index` (a row added in another year moves a
    year's positions, not its rows)."""
    import pandas as pd

    rows = pd.util.hash_pandas_object(frame, index=index).to_numpy().tobytes()
    head = repr((list(frame.columns), [str(t) for t in frame.dtypes])).encode("utf-8")
    return hashlib.blake2b(head + rows, digest_size=16).hexdigest()


def result_rows(results: pd.DataFrame, names: pd.Series, aspect_keys: Sequence[str],
                kept: dict[str, Any] | None = None) -> list[SiteRow]:
    """The ranked results (model.rank_results, in its order: year first) as SiteRows with the unit's `name` and
    its `aspects` in scheme order; with `kept`, an unchanged year's rows are last build's (module docstring)."""
    columns = [aspect_column(key) for key in aspect_keys]
    common = (slice_digest(names.to_frame(), index=True), tuple(aspect_keys)) if kept is not None else None
    previous: dict[int, tuple[str, list[SiteRow]]] = {}
    if kept is not None:
        if kept.get("common") == common:
            previous = kept.get("years", {})
        kept["common"], kept["years"] = common, {}
    made: list[SiteRow] = []
    name_of = dict(zip(names.index.tolist(), names.tolist(), strict=True))
    positions = results.groupby("year", sort=True).indices if len(results) else {}
    for label, where in positions.items():
        year, part = int(str(label)), results.iloc[where]
        key = slice_digest(part) if kept is not None else ""
        last = previous.get(year)
        rows = last[1] if last is not None and last[0] == key else _year_rows(part, name_of, columns)
        if kept is not None:
            kept["years"][year] = (key, rows)
        made.extend(rows)
    return made


def _year_rows(part: pd.DataFrame, name_of: dict[str, Any], aspect_columns: list[str]) -> list[SiteRow]:
    """A year's results as SiteRows: its columns (as `records` converts them), then the unit's `name` (its id
    if the registry has none) and its `aspects`' scores in scheme order, each row made in one go."""
    keys, values = columns_values(part)
    by_key = dict(zip(keys, values, strict=True))
    added = {"name": [name_of.get(unit_id, unit_id) for unit_id in by_key["unit_id"]],
             "aspects": ([list(scores) for scores in zip(*(by_key[c] for c in aspect_columns), strict=True)]
                         if aspect_columns else [[] for _ in range(len(part))])}
    for key, column in added.items():
        if key in by_key:  # (the results have neither: were one there, it would keep its place, as before)
            values[keys.index(key)] = column
        else:
            keys.append(key)
            values.append(column)
    return [SiteRow(zip(keys, row, strict=True)) for row in zip(*values, strict=True)]
