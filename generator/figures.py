"""What a chart is on a page: the contract between the chart builders and the theme. Pure.

Every chart is readable without JavaScript: a static SVG drawn at build time, a caption, a one- or two-sentence
summary that is also the picture's accessible name, and the chart's data as a table beside it. A chart that may
become interactive carries its Vega-Lite spec; the theme loads the (bundled, never remote) Vega scripts only on
pages that have such a chart. Theme authors render a Figure with the `figure` macro of `_figure.html`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup


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
