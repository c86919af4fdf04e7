"""A unit page's three figures (its index over the years, its aspects against the averages, each aspect's
history) in one language, written from pieces made once per build. Pure.

Every unit page of a build draws the same few things: the site's years, the grade bands, the averages of its
level, type and province, and published values with two decimals, of which there are a few hundred. So what a
page's figures share with other pages is made once and kept here (per language): the span of years a history
covers (its x axis, year cells, chart frame), each peer group's averages (their legend, marks, table cells,
differences), each value's text and table cell, each scale's frame (unit_svg.py). A page then costs a few
lookups and joins per value: bench/bench_unit_charts.py measures it (the budget is 1 ms per page).

The figures hold the same numbers as the Vega-Lite specs (unit_specs.py), which take their rows from
unit_chart_data.py: tests check both against the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from .figures import NUMBER_CELLS, DataTable, Figure, row_html, table_html
from .sitedata import Row
from .svg_marks import WIDTH, Panel, Series, legend, svg_open
from .unit_chart_data import _PUBLISHED, difference, domain_around, published, span_years
from .unit_svg import DotGrid, LineFrame, PanelFrame, dot_grid, line_frame, panel_frame

if TYPE_CHECKING:
    from .unit_charts import PageCharts

LABELLED_YEARS = 7  # up to this many years every point of the trend is labelled
# Each compared series: its legend position, shape and CSS class (colour and fill), told apart without colour.
SERIES = {"unit": ("circle", "s-unit"), "national": ("square", "s-national"),
          "level_type": ("diamond", "s-peer"), "province": ("triangle", "s-province")}
AVERAGES = (SERIES["national"], SERIES["level_type"], SERIES["province"])  # in legend order


@dataclass
class Span:
    """The years from a unit's first to its last listed year, and what every history over them shares."""

    years: tuple[int, ...]
    labels: tuple[str, ...]  # the years as written
    row_heads: tuple[str, ...]  # each year's row head in a data table: '<tr><th scope="row">2024</th>'
    trend: LineFrame
    panels: dict[tuple[float, float], PanelFrame]  # the aspect history's frame, by value scale


@dataclass
class PeerGroup:
    """What the aspects figure of every unit of one level, type and province in one year shares."""

    peer: str  # the peers' name: "DPMPTSP Kabupaten/Kota"
    legend: str  # the legend drawn, and the y below it
    legend_bottom: float
    peer_position: int  # the level-and-type average's position in the legend
    averages: list[list[float | None]]  # per aspect, the averages in legend order (national, level-type, ...)
    average_texts: list[tuple[str, ...]]  # per aspect, the averages as written
    average_cells: list[str]  # per aspect, the averages' table cells
    lowest: float | None  # the lowest and highest average, for the value scale
    highest: float | None
    head: tuple[str, ...]  # the data table's columns
    note: str


class UnitFigures:
    """The figures of unit pages in one language (`figures`); made by PageCharts, whose shared pieces (labels,
    bands, ticks, formatted numbers, names of the compared averages) it uses."""

    def __init__(self, charts: PageCharts) -> None:
        self.charts = charts
        self.locale = charts.locale
        self.scheme = scheme = charts.config.scheme
        self.site_years = charts.data.years
        self.precision = scheme.precision
        t = self.locale.t
        self.not_evaluated = t("unit.not_evaluated")
        self.rank_of = self.locale.messages["unit.rank_of"]
        self.trend_title = t("unit_chart.trend_title")
        self.trend_head = (t("table.year"), t("table.grade"), scheme.index_label[self.locale.lang],
                           t("unit.rank_national"))
        self.history_title = t("unit_chart.history_title")
        self.history_head = (t("table.year"), *charts.aspect_shorts)
        self.aspect_heads = tuple(f'<tr><th scope="row">{escape(label)}</th>' for label in charts.aspect_labels)
        self.spans: dict[tuple[int, int], Span] = {}
        self.groups: dict[tuple[int, str, str, str], PeerGroup] = {}
        self.cells: dict[float | None, str] = {}  # a value's table cell, in this language
        self.domains: dict[tuple[float, float], tuple[float, float]] = {}  # value scale by lowest and highest value
        self.grades: dict[Any, str] = {}  # a grade's table cell
        # (the unit's value, its peers' average) -> the difference, as written, as the end of a table row
        self.differences: dict[tuple[float | None, float | None], tuple[float | None, str, str]] = {}
        self.grids: dict[tuple[tuple[float, float], float], DotGrid] = {}  # the aspects' grid by scale, legend
        # published() and PageCharts.number() by value, looked up inline
        self.published = _PUBLISHED.setdefault(self.precision, {})
        self.texts = charts.numbers
        count = len(scheme.aspect_keys)
        self.gap: tuple[None, ...] = (None,) * count  # a year's aspects when the unit was not evaluated
        self.gap_texts = (charts.number(None),) * count
        # Whether this language's figures (digits, its decimal and group symbols, minus sign, dash) are the same
        # escaped: then a row's cells are joined without escaping each figure.
        symbols = self.locale.decimal + self.locale.group + self.locale.minus + charts.number(None) + "+±"
        self.plain_numbers = str(escape(symbols)) == symbols
        # A rank as written ("12 dari 4.896"): the same escaped when the message and the figures are.
        self.plain_ranks = self.plain_numbers and str(escape(self.rank_of)) == self.rank_of
        self.integers: dict[int, str] = {}  # Locale.integer by value

    def integer(self, value: int) -> str:
        found = self.integers[value] = self.locale.integer(value)
        return found

    def publish(self, raw: float | None) -> float | None:
        """unit_chart_data.published of a value, looked up first."""
        found = self.published.get(raw)  # type: ignore[arg-type]
        return found if found is not None else published(raw, self.precision)

    def figures(self, unit: Row, latest: Row | None, history: Sequence[Row]) -> list[Figure]:
        """The unit page's figures: its index over the years, its aspects against the averages of its latest
        year, and each aspect's history. None for a unit never evaluated; no history of aspects for a unit
        evaluated once."""
        if latest is None or not latest["evaluated"]:
            return []
        span = self.span(int(history[0]["year"]), int(history[-1]["year"]))
        if len(history) == len(span.years):
            scored = [row if row["evaluated"] else None for row in history]
        else:  # a year of the site in between without a row: not evaluated
            by_year = {int(row["year"]): row for row in history}
            scored = [row if row is not None and row["evaluated"] else None
                      for row in (by_year.get(year) for year in span.years)]
        figures = [self.trend(span, scored)]
        if not len(latest["aspects"]):  # a scheme without aspects (scheme.aspects = []) has no aspect charts
            return figures
        figures.append(self.aspects(unit, latest))
        if len(scored) - scored.count(None) > 1:
            figures.append(self.aspect_history(span, scored))
        return figures

    # --- shared pieces ------------------------------------------------------------------------------------

    def span(self, first: int, last: int) -> Span:
        """The span of the site's years from `first` to `last`."""
        found = self.spans.get((first, last))
        if found is None:
            found = self.spans[(first, last)] = self.span_of(tuple(span_years(self.site_years, first, last)))
        return found

    def span_of(self, years: tuple[int, ...]) -> Span:
        """The span of `years`, which a history's rows follow one to one (None: not evaluated that year)."""
        labels = tuple(str(year) for year in years)
        heads = tuple(f'<tr><th scope="row">{escape(label)}</th>' for label in labels)
        domain = (self.scheme.scale_min, self.scheme.scale_max)
        frame = line_frame(labels, (), domain, self.charts.scale_ticks, self.charts.bands, "unit-trend")
        return Span(years, labels, heads, frame, {})

    def cell(self, value: float | None) -> str:
        """The table cell of a published value (or of no value)."""
        found = self.cells.get(value)
        if found is None:
            found = self.cells[value] = f'<td class="num">{escape(self.charts.number(value))}</td>'
        return found

    def domain(self, lowest: float | None, highest: float | None) -> tuple[float, float]:
        """unit_chart_data.value_domain of values from `lowest` to `highest` (None: no value)."""
        if lowest is None or highest is None:
            return self.scheme.scale_min, self.scheme.scale_max
        found = self.domains.get((lowest, highest))
        if found is None:
            found = self.domains[(lowest, highest)] = domain_around(lowest, highest, self.scheme)
        return found

    def group(self, unit: Row, year: int) -> PeerGroup:
        key = (year, unit["level"], unit["type"], unit["province"] or "")
        found = self.groups.get(key)
        if found is None:
            found = self.groups[key] = self._group(unit, year)
        return found

    def _group(self, unit: Row, year: int) -> PeerGroup:
        charts, t = self.charts, self.locale.t
        peer, names = charts.compared(unit)
        order = list(names)
        head, bottom = legend([(*SERIES[s], names[s]) for s in order], 14)
        averages = [[row.get(s) for s in order[1:]] for row in charts.averages(unit, year)]
        present = [value for row in averages for value in row if value is not None]
        return PeerGroup(
            peer, head, bottom, order.index("level_type"), averages,
            [tuple(charts.number(value) for value in row) for row in averages],
            ["".join([self.cell(value) for value in row]) for row in averages],
            min(present, default=None), max(present, default=None),
            (t("table.aspect"), *(names[s] for s in order), t("unit_chart.difference", peer=peer)),
            t("unit_chart.aspects_note", peer=peer))

    # --- the figures ------------------------------------------------------------------------------------

    def trend(self, span: Span, scored: list[Row | None]) -> Figure:
        t, number = self.locale.t, self.charts.number
        values = [None if row is None else row["score"] for row in scored]
        positions = [i for i, value in enumerate(values) if value is not None]
        first, last = scored[positions[0]], scored[positions[-1]]
        assert first is not None and last is not None
        if len(positions) == 1:
            summary = t("unit_chart.trend_summary_one", year=span.years[positions[-1]], value=number(last["score"]),
                        grade=last["grade"])
        else:
            summary = t("unit_chart.trend_summary", first_year=span.years[positions[0]],
                        first=number(first["score"]), first_grade=first["grade"], last_year=span.years[positions[-1]],
                        last=number(last["score"]), last_grade=last["grade"])
        if len(positions) < len(values):
            gaps = ", ".join([label for label, value in zip(span.labels, values, strict=True) if value is None])
            summary += " " + t("unit_chart.trend_gaps", years=gaps)
        # Up to LABELLED_YEARS points are each labelled; on longer histories the labels would overlap, so the
        # first, last, highest and lowest are (the table has every year).
        if len(values) > LABELLED_YEARS:
            shown = {positions[0], positions[-1], max(positions, key=lambda i: values[i]),  # type: ignore[arg-type,return-value]
                     min(positions, key=lambda i: values[i])}  # type: ignore[arg-type,return-value]
            labels = [number(values[i]) if i in shown else None for i in range(len(values))]
        else:
            labels = [None if value is None else number(value) for value in values]
        svg = span.trend.draw([Series(values, labels, "s-unit", "circle")])
        rank_of, cell, grades, integers = self.rank_of, self.cell, self.grades, self.integers
        rows, body = [], []
        for i in range(len(values) - 1, -1, -1):
            row = scored[i]
            if row is None:
                cells = (span.labels[i], self.not_evaluated, "–", "–")
                body.append(row_html(cells))
                rows.append(cells)
                continue
            grade, value, rank = row["grade"] or self.not_evaluated, values[i], row["rank_national"]
            if rank is None:
                ranked = "–"
            else:
                count = row["count_national"]
                ranked = rank_of.format(rank=integers.get(rank) or self.integer(rank),
                                        total=integers.get(count) or self.integer(count))
            rows.append((span.labels[i], grade, number(value), ranked))
            grade_cell = grades.get(grade)
            if grade_cell is None:
                grade_cell = grades[grade] = f'<td class="num">{escape(grade)}</td>'
            shown_rank = ranked if self.plain_ranks else escape(ranked)
            body.append(f'{span.row_heads[i]}{grade_cell}{cell(value)}<td class="num">{shown_rank}</td></tr>\n')
        table = DataTable(self.trend_head, tuple(rows))
        return Figure("unit-trend", self.trend_title, summary, svg, table,
                      table_markup=table_html(self.trend_title, table.columns, "".join(body)))

    def aspects(self, unit: Row, latest: Row) -> Figure:
        t, charts = self.locale.t, self.charts
        group = self.group(unit, int(latest["year"]))
        values = [self.publish(raw) for raw in latest["aspects"]]
        peer_at, kept = group.peer_position - 1, self.differences
        differences = [kept.get((value, averages[peer_at])) or self._difference(value, averages[peer_at])
                       for value, averages in zip(values, group.averages, strict=True)]
        present = [value for value in values if value is not None]
        lowest = min(present, default=group.lowest)
        highest = max(present, default=group.highest)
        if group.lowest is not None and lowest is not None and highest is not None and group.highest is not None:
            lowest, highest = min(lowest, group.lowest), max(highest, group.highest)
        domain = self.domain(lowest, highest)
        grid = self.grids.get((domain, group.legend_bottom))
        if grid is None:
            grid = self.grids[(domain, group.legend_bottom)] = dot_grid(charts.aspect_labels, domain,
                                                                        charts.ticks(domain), group.legend_bottom)
        svg = self._dots(group, grid, values, differences)
        compared = [(label, found) for label, found in zip(charts.aspect_labels, differences, strict=True)
                    if found[0] is not None]
        above = sum(1 for _, (change, _, _) in compared if change is not None and change > 0)
        summary = t("unit_chart.aspects_summary", above=above, total=len(values), peer=group.peer)
        if compared:
            best = max(compared, key=lambda pair: pair[1][0])  # type: ignore[arg-type,return-value]
            worst = min(compared, key=lambda pair: pair[1][0])  # type: ignore[arg-type,return-value]
            summary += " " + t("unit_chart.aspects_extremes", best=best[0], best_difference=best[1][1],
                               worst=worst[0], worst_difference=worst[1][1])
        number, cell = charts.number, self.cell
        table = DataTable(group.head, tuple([(label, number(value), *averages, found[1])
                                             for label, value, averages, found in zip(
                                                 charts.aspect_labels, values, group.average_texts, differences,
                                                 strict=True)]))
        body = "".join([f"{head}{cell(value)}{averages}{found[2]}"
                        for head, value, averages, found in zip(self.aspect_heads, values, group.average_cells,
                                                                differences, strict=True)])
        title = t("unit_chart.aspects_title", year=latest["year"])
        return Figure("unit-aspects", title, summary, svg, table, notes=(group.note,),
                      table_markup=table_html(title, table.columns, body))

    def _difference(self, value: float | None, peer: float | None) -> tuple[float | None, str, str]:
        """The unit's difference from its peers' average: the value, as written, as the end of a table row."""
        if len(self.differences) >= 1 << 16:
            self.differences.clear()
        change = difference(value, peer, self.precision)
        signed = self.charts.signed(change)
        found = self.differences[(value, peer)] = (change, signed,
                                                   f'<td class="num">{escape(signed)}</td></tr>\n')
        return found

    def _dots(self, group: PeerGroup, grid: DotGrid, values: list[float | None],
              differences: list[tuple[float | None, str, str]]) -> Markup:
        """unit_svg.dot_rows of the unit's and its averages' values (DotGrid keeps each mark)."""
        at, ends, mark, peer_at = grid.x.at, grid.ends, grid.mark, group.peer_position - 1
        body = [svg_open(WIDTH, grid.height, "unit-aspects"), group.legend, grid.chrome]
        for i, (value, averages, found) in enumerate(zip(values, group.averages, differences, strict=True)):
            peer = averages[peer_at]
            if value is not None and peer is not None:
                track = grid.track_texts[i]
                body.append(f'<line class="gap" x1="{at(value)[1]}" x2="{at(peer)[1]}" y1="{track}" y2="{track}"/>')
            for series, average in reversed(list(zip(AVERAGES, averages, strict=False))):
                if average is not None:
                    body.append(mark(i, False, *series, average))
            if value is not None:
                body.append(mark(i, True, "circle", "s-unit", value))
            end = ends[i].get(found[1])
            body.append(end if end is not None else grid.end(i, found[1]))
        body.append("</svg>")
        return Markup("".join(body))

    def aspect_history(self, span: Span, scored: list[Row | None]) -> Figure:
        charts = self.charts
        # Sixty values a page: each step maps a whole year's values at once (map, zip), and only values not
        # seen before take the long way.
        published_of, text_of = self.published.get, self.texts.get
        gap = self.gap
        by_year: list[Sequence[float | None]] = []
        texts_by_year: list[Sequence[str]] = []
        for row in scored:
            if row is None:
                by_year.append(gap)
                texts_by_year.append(self.gap_texts)
                continue
            values: list[float | None] = list(map(published_of, row["aspects"]))
            if None in values:
                values = [self.publish(raw) for raw in row["aspects"]]
            texts: list[str | None] = list(map(text_of, values))
            if None in texts:
                texts = [charts.number(value) for value in values]
            by_year.append(values)
            texts_by_year.append(texts)  # type: ignore[arg-type]
        scored_years: list[Sequence[float]] = [values for values in by_year if values is not gap]  # type: ignore[misc]
        lowest: float | None
        highest: float | None
        try:
            lowest, highest = min(map(min, scored_years)), max(map(max, scored_years))
        except TypeError:  # an aspect without a value in an evaluated year
            present = [value for values in by_year for value in values if value is not None]
            lowest, highest = min(present, default=None), max(present, default=None)
        domain = self.domain(lowest, highest)
        frame = span.panels.get(domain)
        if frame is None:
            frame = span.panels[domain] = panel_frame(span.labels, charts.aspect_shorts, domain, 2,
                                                      "unit-aspect-history")
        panels = []
        empty: list[str | None] = [None] * len(by_year)
        for short, series, shown in zip(charts.aspect_shorts, zip(*by_year, strict=True),
                                        zip(*texts_by_year, strict=True), strict=True):
            labels: list[str | None] = empty.copy()
            if series[0] is not None and series[-1] is not None:
                labels[0], labels[-1] = shown[0], shown[-1]
            else:
                present_at = [i for i, value in enumerate(series) if value is not None]
                for i in present_at[:1] + present_at[-1:]:  # first and last value labelled
                    labels[i] = shown[i]
            panels.append(Panel(short, series, labels))
        svg = frame.draw(panels)
        years = [year for year, row in zip(span.years, scored, strict=True) if row is not None]
        count = len(self.gap)
        summary = self.locale.t("unit_chart.history_summary", count=count, first_year=years[0], last_year=years[-1])
        rows = tuple([(label, *texts) for label, texts in zip(span.labels, texts_by_year, strict=True)][::-1])
        if self.plain_numbers:  # figures need no escaping: cells joined a row at a time
            body = "".join([f'{head}<td class="num">{NUMBER_CELLS.join(texts)}</td></tr>\n'
                            for head, texts in zip(span.row_heads[::-1], texts_by_year[::-1], strict=True)])
        else:
            body = "".join([f'{head}{"".join([self.cell(value) for value in values])}</tr>\n'
                            for head, values in zip(span.row_heads[::-1], by_year[::-1], strict=True)])
        table = DataTable(self.history_head, rows)
        return Figure("unit-aspect-history", self.history_title, summary, svg, table,
                      table_markup=table_html(self.history_title, table.columns, body))
