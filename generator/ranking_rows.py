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
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import jinja2
from markupsafe import Markup

ROW_TEMPLATE = "_ranking_row.html"
# Pages come language by language and year by year (pages.plan_site); keeping the fragments of a few
# (language, year) pairs reuses them across a year's rankings while memory stays flat on 200,000-row sites.
KEPT_YEARS = 4


class RowCells:
    """The shared cells of each row, by (language, year) and unit id; `rendered` counts template renders."""

    def __init__(self, env: jinja2.Environment, common: dict[str, dict[str, Any]]) -> None:
        self.env = env
        self.common = common
        self.rendered = 0
        self._macros: dict[str, Any] = {}  # lang -> the `cells` macro, its template run with the common values
        self._kept: OrderedDict[tuple[str, int], dict[str, Markup]] = OrderedDict()

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
                # A macro, not a template render per row: a call costs a fraction of setting up a render.
                module = self.env.get_template(ROW_TEMPLATE).make_module(self.common[lang])
                macro = getattr(module, "cells", None)
                if not callable(macro):
                    raise jinja2.TemplateRuntimeError(f"{ROW_TEMPLATE} has no macro cells(row)")
                self._macros[lang] = macro
            found = group[row["unit_id"]] = Markup(macro(row))
            self.rendered += 1
        return found

    def forget(self) -> None:
        """Drop the cells rendered so far (the benchmark's baseline: every page renders its rows' cells)."""
        self._kept.clear()

    @classmethod
    def installed(cls, env: jinja2.Environment, common: dict[str, dict[str, Any]]) -> RowCells:
        """A cache whose cells `env`'s templates get as `ranking_cells(row)`, in the page's language."""
        row_cells = cls(env, common)

        @jinja2.pass_context
        def ranking_cells(context: jinja2.runtime.Context, row: dict[str, Any]) -> Markup:
            return row_cells.cells(context["lang"], row)

        env.globals["ranking_cells"] = ranking_cells
        return row_cells
