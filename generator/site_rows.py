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

    __slots__ = ("_digest",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._digest: str | None = None

    def digest(self, make: Callable[[dict[str, Any]], str]) -> str:
        """make(its items as a plain dict), once while the row is unchanged."""
        if self._digest is None:
            self._digest = make(dict(self))
        return self._digest

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
    """DataFrame rows as dicts with None (not NaN or pd.NA) for missing values."""
    clean = frame.astype(object).where(frame.notna(), None)
    return clean.to_dict("records")  # type: ignore[return-value]


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
    positions = results.groupby("year", sort=True).indices if len(results) else {}
    for label, where in positions.items():
        year, part = int(str(label)), results.iloc[where]
        key = slice_digest(part) if kept is not None else ""
        last = previous.get(year)
        if last is not None and last[0] == key:
            rows = last[1]
        else:
            rows = []
            for item in records(part):
                item["name"] = names.get(item["unit_id"], item["unit_id"])
                item["aspects"] = [item[column] for column in columns]
                rows.append(SiteRow(item))
        if kept is not None:
            kept["years"][year] = (key, rows)
        made.extend(rows)
    return made
