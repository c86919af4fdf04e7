"""What a chart is on a page: the contract between the chart builders and the theme. Pure.

Every chart is readable without JavaScript: a static SVG drawn at build time, a caption, a one- or two-sentence
summary that is also the picture's accessible name, and the chart's data as a table beside it. A chart that may
become interactive carries its Vega-Lite spec; the theme loads the (bundled, never remote) Vega scripts only on
pages that have such a chart. Theme authors render a Figure with the `figure` macro of `_figure.html`, or a list
of them with `figures(figs)` (figures_html), which writes each through that macro: in Python when the theme's
`_figure.html` is Rapor's own, whose HTML it writes byte for byte (a unit page's three macro calls cost more
than drawing its charts).
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import jinja2
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup, escape

from .bundled import DEFAULT_THEME


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
    # table_html as written along with the table's rows by a builder that has its cells at hand (unit pages)
    table_markup: Markup | None = field(default=None, repr=False, compare=False)

    @cached_property
    def table_html(self) -> Markup:
        """`table` as the `figure` macro shows it (data_table_html). A theme may build its own from `table`."""
        return data_table_html(self.title, self.table) if self.table_markup is None else self.table_markup


def data_table_html(caption: str, table: DataTable) -> Markup:
    """The chart's data as an HTML table: `caption` (for screen readers), the columns as `<th scope="col">`,
    each row headed by its first cell (`<th scope="row">`) with the others as numbers. Every text escaped.

    Written here rather than as a loop in `_figure.html`: a unit page's three tables hold ~150 cells, and the
    template loop cost more than drawing the charts (bench/bench_unit_charts.py)."""
    return table_html(caption, table.columns, "".join([row_html(row) for row in table.rows]))


def table_html(caption: str, columns: tuple[str, ...], body: str) -> Markup:
    """data_table_html with its rows already written (`body`: row_html of each, or the same HTML)."""
    start = _TABLE_STARTS.get((caption, columns))
    if start is None:
        if len(_TABLE_STARTS) >= _ESCAPED_LIMIT:
            _TABLE_STARTS.clear()
        head = "".join([f'<th scope="col">{_escaped(column)}</th>' for column in columns])
        start = _TABLE_STARTS[(caption, columns)] = (f'<table>\n<caption class="sr">{_escaped(caption)}</caption>\n'
                                                     f"<thead><tr>{head}</tr></thead>\n<tbody>\n")
    return Markup(f"{start}{body}</tbody>\n</table>")


def row_html(row: tuple[str, ...]) -> str:
    """A data table's row: the first cell heads it, the others are numbers; every text escaped."""
    known = _ESCAPED
    cells = [known.get(cell) or _escaped(cell) for cell in row]
    numbers = f'<td class="num">{NUMBER_CELLS.join(cells[1:])}</td>' if len(cells) > 1 else ""
    return f'<tr><th scope="row">{cells[0]}</th>{numbers}</tr>\n'


NUMBER_CELLS = '</td><td class="num">'  # between two number cells of a row

# The start of a table (caption and columns), by caption and columns.
_TABLE_STARTS: dict[tuple[str, tuple[str, ...]], str] = {}
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


FIGURE_TEMPLATE = "_figure.html"
# Whether an environment's `_figure.html` is Rapor's own (figures_html), by environment: an environment serves
# builds whose theme files do not change (a warm session makes a new one when they do).
_OWN_MACRO: weakref.WeakKeyDictionary[jinja2.Environment, bool] = weakref.WeakKeyDictionary()


@jinja2.pass_context
def figures_html(context: jinja2.runtime.Context, figures: Sequence[Figure]) -> Markup:
    """`figures(figs)` for templates: each figure as the theme's `figure` macro (_figure.html) writes it,
    followed by a line break, as `{% for fig in figs %}{{ figure(fig) }}\n{% endfor %}` would. The macro of
    Rapor's own `_figure.html` is written here in Python (figure_html); a theme's own `_figure.html` is
    imported with the page's context and called, so a theme keeps the seam."""
    env = context.environment
    own = _OWN_MACRO.get(env)
    if own is None:
        own = _OWN_MACRO[env] = _is_own_macro(env)
    if own:
        t = context["t"]
        dumps = env.policies["json.dumps_function"], env.policies["json.dumps_kwargs"]
        pieces: list[str] = []
        for fig in figures:
            pieces.extend(figure_pieces(fig, t("chart.show_data", title=fig.title), dumps))
            pieces.append("\n")
        return Markup("".join(pieces))
    module = env.get_template(FIGURE_TEMPLATE, context.name).make_module(context.get_all(), True)
    macro = getattr(module, "figure", None)
    if not callable(macro):
        raise jinja2.TemplateRuntimeError(f"{FIGURE_TEMPLATE} has no macro figure(fig)")
    return Markup("".join([str(macro(fig)) + "\n" for fig in figures]))


def _is_own_macro(env: jinja2.Environment) -> bool:
    """Whether the theme chain's `_figure.html` is Rapor's own, letter for letter."""
    own = (DEFAULT_THEME / "templates" / FIGURE_TEMPLATE).read_text(encoding="utf-8")
    try:
        source = env.loader.get_source(env, FIGURE_TEMPLATE)[0] if env.loader is not None else None
    except jinja2.TemplateNotFound:
        return False
    return source == own


def figure_html(fig: Figure, show_data: str,
                dumps: tuple[Any, dict[str, Any]] | None = None) -> str:
    """The HTML the `figure` macro of Rapor's own `_figure.html` writes for `fig`, with `show_data` as the data
    table's label (the message chart.show_data) and `dumps` the environment's JSON policy (tojson) for a spec.
    Every text escaped as Jinja's autoescape does; the SVG and the table are markup already."""
    return "".join(figure_pieces(fig, show_data, dumps))


def figure_pieces(fig: Figure, show_data: str, dumps: tuple[Any, dict[str, Any]] | None = None) -> list[str]:
    """figure_html in pieces, to be joined with other figures' (a page's charts are copied once)."""
    summary = str(escape(fig.summary))
    script = ""
    if fig.spec:
        function, options = dumps if dumps is not None else (None, {})
        script = (f'<script type="application/json" class="chart-spec">'
                  f'{htmlsafe_json_dumps(fig.spec, dumps=function, **options)}</script>')
    key = (fig.key, fig.title, show_data)
    frame = _FIGURE_FRAMES.get(key)
    if frame is None:
        if len(_FIGURE_FRAMES) >= _ESCAPED_LIMIT:
            _FIGURE_FRAMES.clear()
        title, label = escape(fig.title), escape(show_data)
        frame = _FIGURE_FRAMES[key] = (
            f'<figure class="chart" id="fig-{escape(fig.key)}">\n<figcaption><strong>{title}</strong> '
            f'<span class="chart-summary">',
            f'<details class="chart-data">\n<summary>{label}</summary>\n'
            f'<div class="table-scroll" role="region" aria-label="{label}" tabindex="0">\n')
    svg, table = fig.svg, fig.table_html
    return [frame[0], summary, "</span>", *[f' <span class="chart-note">{escape(note)}</span>' for note in fig.notes],
            '</figcaption>\n<div class="chart-picture" role="img" aria-label="', summary, '">',
            svg if isinstance(svg, Markup) else str(escape(svg)), "</div>\n", script, frame[1],
            table if isinstance(table, Markup) else str(escape(table)), "\n</div>\n</details>\n</figure>"]


# The start of a figure and of its data table, by key, title and label.
_FIGURE_FRAMES: dict[tuple[str, str, str], tuple[str, str]] = {}
