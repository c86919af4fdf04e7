"""A ranking row's cells that are the same wherever the row is shown, rendered once per build and reused.

A unit-year's row appears on the national ranking, its level's, its type's and its province's, and on its
province's page, in every language. The cells that depend neither on the ranking (the rank and the change in
rank do) nor on where the page sits (the link to the unit starts from the page's root) are the grade, the
index and the aspects: the `cells(row)` macro of the theme's `_ranking_row.html` renders them once per
language and unit-year, and `ranking_table` (_macros.html) writes the cached fragment into every row that
shows that unit-year.

The fragment is rendered from the row and its language's common values only (no page values: no `root`, no
`url()`), so it cannot differ from page to page; the incremental rule (incremental.py) still holds, as the
cache is keyed by values every page carries in its own context (the row's year and unit id) and lives for
one build (one Renderer). Within a build every page shows the same row for a unit-year (sitedata.py).

The rest of a row (its rank, its change in rank, the link to the unit, its type) is written here too, by
`ranking_rows(rows, scope, show_scope, tools, unit_prefix)`: a ranking page holds up to 200 rows in each
language and a site hundreds of thousands, and writing them in Python costs a fraction of a macro's
per-cell calls and escapes. The markup is exactly what `ranking_table` (_macros.html) wrote inline before;
a theme that wants other markup for these columns writes its own loop in its `ranking_table`.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from typing import Any

import jinja2
from markupsafe import Markup, escape

from .history_rows import HistoryRows, grade_text, theme_macro
from .i18n import Locale
from .partials import is_own_template

ROW_TEMPLATE = "_ranking_row.html"
# Pages come language by language and year by year (pages.plan_site); keeping the fragments of a few
# (language, year) pairs reuses them across a year's rankings while memory stays flat on 200,000-row sites.
KEPT_YEARS = 4
# The template globals RowCells.installed adds (made again in each worker process: parallel.py).
GLOBALS = ("ranking_cells", "ranking_rows", "history_rows")


def write_cells(common: dict[str, Any], row: dict[str, Any]) -> str:
    """The `cells(row)` macro of Rapor's own _ranking_row.html, written in Python: the grade, the index and the
    aspects (tests/test_ranking_cells.py compares the two on every row of the sample site)."""
    fmt, precision = common["fmt"], common["precision"]
    return "".join([f'<td>{grade_text(common["grade"], common["t"], row["grade"])}</td>\n',
                    f"<td>{escape(fmt.number(row['index'], precision))}</td>",
                    *(f"<td>{escape(text)}</td>" for text in fmt.numbers(row["aspects"], precision))])


class RowCells:
    """The shared cells of each row, by (language, year) and unit id; `rendered` counts template renders."""

    def __init__(self, env: jinja2.Environment, common: dict[str, dict[str, Any]]) -> None:
        self.env = env
        self.common = common
        self.rendered = 0
        self._macros: dict[str, Any] = {}  # lang -> the `cells` macro, its template run with the common values
        self._kept: OrderedDict[tuple[str, int], dict[str, Markup]] = OrderedDict()
        # The end of each row's unit link and its name, by (lang, year, unit id): the part after the page's root.
        self._names: dict[tuple[str, int, str], str] = {}
        self._moves: dict[tuple[Any, ...], str] = {}  # (lang, what decides the change cell) -> the cell

    def cells(self, lang: str, row: dict[str, Any]) -> Markup:
        group_key = (lang, row["year"])
        group = self._kept.get(group_key)
        if group is None:
            group = self._kept[group_key] = {}
            if len(self._kept) > KEPT_YEARS:
                self._kept.popitem(last=False)
        elif next(reversed(self._kept)) != group_key:
            self._kept.move_to_end(group_key)
        found = group.get(row["unit_id"])
        if found is None:
            macro = self._macros.get(lang)
            if macro is None:
                # Rapor's own `cells` is written in Python (write_cells), letter for letter; a theme's own
                # _ranking_row.html is rendered through its macro.
                macro = self._macros[lang] = (functools.partial(write_cells, self.common[lang])
                                              if is_own_template(self.env, ROW_TEMPLATE)
                                              else theme_macro(self.env, ROW_TEMPLATE, "cells", self.common[lang]))
            found = group[row["unit_id"]] = Markup(macro(row))
            self.rendered += 1
        return found

    def forget(self) -> None:
        """Drop the cells rendered so far (the benchmark's baseline: every page renders its rows' cells)."""
        self._kept.clear()
        self._names.clear()

    def rows(self, locale: Locale, rows: list[dict[str, Any]], scope: str, show_scope: bool,
             tools: dict[str, Any] | None, unit_prefix: str, type_label: dict[str, str]) -> Markup:
        """The <tr> of each row of a ranking of `scope`, as ranking_table in _macros.html wrote them."""
        lang, integer = locale.lang, locale.integer
        rank_key, move_key = f"rank_{scope}", f"move_{scope}"
        prefix = str(escape(unit_prefix))
        sort_values, filter_values = (tools["sort"], tools["filter"]) if tools is not None else (None, None)
        names = self._names
        if len(names) > 200_000:  # bounded like the cells: a few years' rows at most
            names.clear()
        out: list[str] = []
        for row in rows:
            unit_id = row["unit_id"]
            evaluated = row["evaluated"]
            if sort_values is not None and filter_values is not None:
                out.append(f'<tr data-sort="{escape(sort_values[unit_id])}" '
                           f'data-filter="{escape(filter_values[unit_id])}"><td>')
            else:
                out.append("<tr><td>")
            out.append(str(escape(integer(row[rank_key]))) if evaluated else "–")
            out.append("</td>\n")
            out.append(self._move_cell(locale, row, row[move_key]))
            name_key = (lang, row["year"], unit_id)
            named = names.get(name_key)
            if named is None:
                named = names[name_key] = f'{escape(unit_id)}/index.html">{escape(row["name"])}</a></th>\n'
            out.append('<th scope="row"><a href="')
            out.append(prefix)
            out.append(named)
            if show_scope:
                out.append(f"<td>{escape(type_label[row['type']])}</td>")
            out.append(self.cells(lang, row))
            out.append("</tr>\n")
        return Markup("".join(out))

    def _move_cell(self, locale: Locale, row: dict[str, Any], move: Any) -> str:
        """The change-in-rank cell: its markup depends on a handful of values, so each is written once."""
        if not row["evaluated"]:
            return '<td class="muted">–</td>'
        if row["is_new"]:
            key: tuple[Any, ...] = (locale.lang, "new")
        elif move is None:
            key = (locale.lang, "returning" if row["returning"] else "none")
        else:
            key = (locale.lang, move, row["compared_year"] if row["returning"] else None)
        found = self._moves.get(key)
        if found is None:
            found = self._moves[key] = self._write_move(locale, row, move)
        return found

    @staticmethod
    def _write_move(locale: Locale, row: dict[str, Any], move: Any) -> str:
        t, integer = locale.t, locale.integer
        if row["is_new"]:
            return f'<td class="new">{escape(t("move.new"))}</td>'
        if move is None:
            return (f'<td class="new">{escape(t("move.returning"))}</td>' if row["returning"]
                    else '<td class="muted">–</td>')
        last = row["compared_year"] if row["returning"] else None
        if move > 0:
            text = t("move.up_one") if move == 1 else t("move.up", n=integer(move))
            cell = (f'<td class="up"><span aria-hidden="true">▲</span>{escape(integer(move))}'
                    f'<span class="sr"> {escape(text)}</span>')
        elif move < 0:
            text = t("move.down_one") if move == -1 else t("move.down", n=integer(-move))
            cell = (f'<td class="down"><span aria-hidden="true">▼</span>{escape(integer(-move))}'
                    f'<span class="sr"> {escape(text)}</span>')
        else:
            cell = f'<td class="same"><span aria-hidden="true">=</span><span class="sr">{escape(t("move.same"))}</span>'
        if last:  # the `against(last, true)` macro of _macros.html
            cell += f' <span class="vs">{escape(t("change.vs_last", year=last))}</span>'
        return cell + "</td>"

    @classmethod
    def installed(cls, env: jinja2.Environment, common: dict[str, dict[str, Any]]) -> RowCells:
        """A cache whose cells `env`'s templates get as `ranking_cells(row)`, in the page's language."""
        row_cells = cls(env, common)

        @jinja2.pass_context
        def ranking_cells(context: jinja2.runtime.Context, row: dict[str, Any]) -> Markup:
            return row_cells.cells(context["lang"], row)

        @jinja2.pass_context
        def ranking_rows(context: jinja2.runtime.Context, rows: list[dict[str, Any]], scope: str,
                         show_scope: bool, tools: dict[str, Any] | None, unit_prefix: str) -> Markup:
            return row_cells.rows(context["fmt"], rows, scope, show_scope, tools, unit_prefix,
                                  context["type_label"])

        env.globals["ranking_cells"] = ranking_cells
        env.globals["ranking_rows"] = ranking_rows
        HistoryRows.install(env, common)  # a unit page's history rows (history_rows.py): made where these are
        return row_cells
