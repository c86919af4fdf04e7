"""The rows of a unit page's history table (one per year of the unit), written in Python: `history_rows`.

Each row showed a link to its year, the grade, the index, the change in index, the national rank and the
change in rank through a dozen template calls and three nested macros; with ten years on each of forty
thousand unit pages that was a quarter of a unit page's rendering. The markup is exactly what unit.html's
loop wrote (the grade and change as `grade_text` and `row_delta` write them). The change-in-rank cell still
comes from the theme's `movement` macro (_macros.html), called once per distinct value (a handful per
language: up or down by n, new, returning) and reused, so a theme overriding `movement` changes it here too.

`comparison_rows` writes the rows of the page's aspects table (the unit's value against the national and the
level average) the same way, for the same reason: three formatted numbers a row cost a dozen template calls.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jinja2
from markupsafe import Markup, escape

MACROS = "_macros.html"


def theme_macro(env: jinja2.Environment, template: str, name: str, values: dict[str, Any]) -> Any:
    """The macro `name(row)` of the theme's `template`, made with a language's common values: Python-written
    rows call a theme's macro (a call costs a fraction of setting up a render), so themes keep the seam."""
    macro = getattr(env.get_template(template).make_module(values), name, None)
    if not callable(macro):
        raise jinja2.TemplateRuntimeError(f"{template} has no macro {name}(row)")
    return macro


def grade_text(bands: dict[str, dict[str, Any]], t: Callable[[str], str], letter: Any) -> str:
    """The `grade_text(letter)` macro of _macros.html, written in Python: a grade's badge and its name, or 'not
    evaluated'."""
    if not letter:
        return f'<span class="muted">{escape(t("unit.not_evaluated"))}</span>'
    band = bands[letter]
    return (f'<span class="grade" style="background:{escape(band["color"])}">{escape(letter)}</span> '
            f'<span class="predikat">{escape(band["predikat"])}</span>')


@jinja2.pass_context
def comparison_rows(context: jinja2.runtime.Context, comparison: list[dict[str, Any]]) -> Markup:
    """`comparison_rows(comparison)` for templates: the <tr> of each aspect, as unit.html's loop wrote them."""
    number, precision, labels = context["fmt"].number, context["precision"], context["aspect_label"]
    out = []
    for row in comparison:
        national, level = row["national"], row["level"]
        out.append(f'<tr><th scope="row">{escape(labels[row["key"]])}</th>\n'
                   f'<td class="num"><strong>{escape(number(row["value"], precision))}</strong></td>\n'
                   f'<td class="num">{escape(number(national["mean"] if national else None, precision))}</td>\n'
                   f'<td class="num">{escape(number(level["mean"] if level else None, precision))}</td></tr>\n')
    return Markup("".join(out))


class HistoryRows:
    """`history_rows(history)` for templates: the <tr> of each row, newest first."""

    def __init__(self, env: jinja2.Environment, common: dict[str, dict[str, Any]]) -> None:
        self.env = env
        self.common = common
        self._movement: dict[str, Any] = {}  # lang -> the theme's `movement` macro with the common values
        self._moves: dict[tuple[Any, ...], str] = {}
        self._grades: dict[tuple[str, Any], str] = {}

    def rows(self, context: jinja2.runtime.Context, history: list[dict[str, Any]]) -> Markup:
        lang: str = context["lang"]
        locale, precision, root = context["fmt"], context["precision"], str(context["root"])
        year_path = context["urls"].year
        out: list[str] = []
        for row in reversed(history):
            year = row["year"]
            out.append(f'<tr><th scope="row"><a href="{escape(root + year_path(lang, year))}">{escape(year)}</a>'
                       f"</th>\n<td>{self._grade(context, lang, row['grade'])}</td>\n"
                       f'<td class="num">{escape(locale.number(row["index"], precision))}</td>\n'
                       f'<td class="num">{self._delta(locale, row, precision)}</td>\n<td class="num">')
            out.append(str(escape(locale.integer(row["rank_national"]))) if row["evaluated"] else "–")
            out.append(f"</td>\n<td>{self._move(lang, row)}</td></tr>\n")
        return Markup("".join(out))

    def _grade(self, context: jinja2.runtime.Context, lang: str, letter: Any) -> str:
        found = self._grades.get((lang, letter))
        if found is None:
            found = self._grades[(lang, letter)] = grade_text(context["grade"], context["t"], letter)
        return found

    @staticmethod
    def _delta(locale: Any, row: dict[str, Any], precision: int) -> str:
        change = row["delta"]
        if change is None:
            return '<span class="muted">–</span>'
        shown = locale.signed(change, precision)
        kind = "same" if shown.startswith("±") else ("up" if change > 0 else "down")
        text = f'<span class="{kind}">{escape(shown)}</span>'
        if row["returning"] and row["compared_year"]:  # the `against(year, true)` macro of _macros.html
            text += f' <span class="vs">{escape(locale.t("change.vs_last", year=row["compared_year"]))}</span>'
        return text

    def _move(self, lang: str, row: dict[str, Any]) -> str:
        # Everything `movement(row)` reads (scope national, no year shown), so equal keys write equal cells.
        returning = row.get("returning")
        key = (lang, bool(row["evaluated"]), bool(row["is_new"]), row["move_national"], bool(row["returning"]),
               row["compared_year"] if returning else None)
        found = self._moves.get(key)
        if found is None:
            macro = self._movement.get(lang)
            if macro is None:
                macro = self._movement[lang] = theme_macro(self.env, MACROS, "movement", self.common[lang])
            found = self._moves[key] = str(macro(row))
        return found

    @classmethod
    def install(cls, env: jinja2.Environment, common: dict[str, dict[str, Any]]) -> HistoryRows:
        history_rows = cls(env, common)

        @jinja2.pass_context
        def write(context: jinja2.runtime.Context, history: list[dict[str, Any]]) -> Markup:
            return history_rows.rows(context, history)

        env.globals["history_rows"] = write
        return history_rows
