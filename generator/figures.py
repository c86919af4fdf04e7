"""What a chart is on a page: the contract between the chart builders and the theme. Pure.

Every chart is readable without JavaScript: a static SVG drawn at build time, a caption, a one- or two-sentence
summary that is also the picture's accessible name, and the chart's data as a table beside it. A chart that may
become interactive carries its Vega-Lite spec; the theme loads the (bundled, never remote) Vega scripts only on
pages that have such a chart. Theme authors render a Figure with the `figure` macro of `_figure.html`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from markupsafe import Markup, escape


@dataclass(frozen=True)
class DataTable:
    """The figures a chart shows, as the page shows them: header labels and formatted cells, in the page's
    language and number format. The first cell of each row heads it (`<th scope="row">`)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Figure:
    key: str  # unique on its page, safe as an HTML id: "grade-distribution", "unit-trend"
    title: str  # the figcaption's heading
    summary: str  # plain-language reading of the chart: the SVG's accessible name and text for every reader
    svg: Markup  # the static picture, built by Rapor's code from escaped values
    table: DataTable
    spec: dict[str, Any] | None = None  # Vega-Lite spec, for charts that gain tooltips with JavaScript
    notes: tuple[str, ...] = field(default_factory=tuple)  # e.g. "provinces in grey have no evaluated unit"

    @cached_property
    def table_html(self) -> Markup:
        """`table` as the `figure` macro shows it (data_table_html). A theme may build its own from `table`."""
        return data_table_html(self.title, self.table)


def data_table_html(caption: str, table: DataTable) -> Markup:
    """The chart's data as an HTML table: `caption` (for screen readers), the columns as `<th scope="col">`,
    each row headed by its first cell (`<th scope="row">`) with the others as numbers. Every text escaped.

    Written here rather than as a loop in `_figure.html`: a unit page's three tables hold ~150 cells, and the
    template loop cost more than drawing the charts (bench/bench_unit_charts.py)."""
    head = "".join([f'<th scope="col">{_escaped(column)}</th>' for column in table.columns])
    body = "".join([_row_html(row) for row in table.rows])
    return Markup(f'<table>\n<caption class="sr">{_escaped(caption)}</caption>\n<thead><tr>{head}</tr></thead>\n'
                  f"<tbody>\n{body}</tbody>\n</table>")


def _row_html(row: tuple[str, ...]) -> str:
    known = _ESCAPED
    cells = [known.get(cell) or _escaped(cell) for cell in row]
    numbers = f'<td class="num">{NUMBER_CELLS.join(cells[1:])}</td>' if len(cells) > 1 else ""
    return f'<tr><th scope="row">{cells[0]}</th>{numbers}</tr>\n'


NUMBER_CELLS = '</td><td class="num">'  # between two number cells of a row

# Cell texts escaped, by text: the same figures, years and labels fill table after table, and building a Markup
# per cell (markupsafe.escape) cost more than the rest of the table. Emptied when full, so memory stays bounded.
_ESCAPED: dict[str, str] = {}
_ESCAPED_LIMIT = 1 << 16


def _escaped(text: str) -> str:
    found = _ESCAPED.get(text)
    if found is None:
        if len(_ESCAPED) >= _ESCAPED_LIMIT:
            _ESCAPED.clear()
        found = _ESCAPED[text] = str(escape(text))
    return found
