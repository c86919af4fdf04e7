"""Rows and page parts written once in Python or once per build (ranking_rows.py, history_rows.py,
fragments.py) are byte for byte what the templates' own loops wrote, for every kind of row."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from markupsafe import Markup
from test_parallel import renderer_and_plans

from generator.fragments import SharedFragments

from scratch_site import TmpSite

# The loops ranking_table (_macros.html) and unit.html ran before the rows were written in Python.
TEMPLATE_RANKING_LOOP = """{% from "_macros.html" import against with context %}
{% set sortable = tools is not none %}
{% set rank_key, move_key, integer = "rank_" ~ scope, "move_" ~ scope, fmt.integer %}
{% set unit_prefix = root ~ urls.prefix(lang) ~ "unit/" %}
{% set new_text, returning_text, same_text = t("move.new"), t("move.returning"), t("move.same") %}
{% set up_one, down_one = t("move.up_one"), t("move.down_one") %}
{% set sort_values, filter_values = (tools['sort'], tools['filter']) if sortable else (none, none) %}
{% for row in rows %}
{% set move = row[move_key] %}
<tr{% if sortable %} data-sort="{{ sort_values[row['unit_id']] }}" data-filter="{{ filter_values[row['unit_id']] }}"{% endif %}><td>{{ integer(row[rank_key]) if row['evaluated'] else "–" }}</td>
{% if not row['evaluated'] %}<td class="muted">–</td>{% elif row['is_new'] %}<td class="new">{{ new_text }}</td>{% elif move is none %}{% if row['returning'] %}<td class="new">{{ returning_text }}</td>{% else %}<td class="muted">–</td>{% endif %}{% else %}{% set last = row['compared_year'] if row['returning'] else none %}{% if move > 0 %}<td class="up"><span aria-hidden="true">▲</span>{{ integer(move) }}<span class="sr"> {{ up_one if move == 1 else t("move.up", n=integer(move)) }}</span>{% elif move < 0 %}<td class="down"><span aria-hidden="true">▼</span>{{ integer(-move) }}<span class="sr"> {{ down_one if move == -1 else t("move.down", n=integer(-move)) }}</span>{% else %}<td class="same"><span aria-hidden="true">=</span><span class="sr">{{ same_text }}</span>{% endif %}{{ against(last, true) if last }}</td>{% endif %}
<th scope="row"><a href="{{ unit_prefix }}{{ row['unit_id'] }}/index.html">{{ row['name'] }}</a></th>
{% if show_scope %}<td>{{ type_label[row['type']] }}</td>{% endif %}
{{ ranking_cells(row) }}</tr>
{% endfor %}
"""  # noqa: E501

TEMPLATE_HISTORY_LOOP = """{% from "_macros.html" import against, movement with context %}
{% set not_evaluated = t("unit.not_evaluated") %}
{% for row in history | reverse %}
<tr><th scope="row"><a href="{{ url(urls.year(lang, row['year'])) }}">{{ row['year'] }}</a></th>
<td>{% if row['grade'] %}{% set band = grade[row['grade']] %}<span class="grade" style="background:{{ band['color'] }}">{{ row['grade'] }}</span> <span class="predikat">{{ band['predikat'] }}</span>{% else %}<span class="muted">{{ not_evaluated }}</span>{% endif %}</td>
<td class="num">{{ fmt.number(row['index'], precision) }}</td>
<td class="num">{% set change = row['delta'] %}{% if change is none %}<span class="muted">–</span>{% else %}{% set shown = fmt.signed(change, precision) %}<span class="{{ 'same' if shown.startswith('±') else ('up' if change > 0 else 'down') }}">{{ shown }}</span>{% if row['returning'] and row['compared_year'] %}{{ against(row['compared_year'], true) }}{% endif %}{% endif %}</td>
<td class="num">{{ fmt.integer(row['rank_national']) if row['evaluated'] else "–" }}</td>
<td>{{ movement(row) }}</td></tr>
{% endfor %}
"""  # noqa: E501


def every_kind_of_row(base: dict[str, Any]) -> list[dict[str, Any]]:
    """`base` as a row of each kind a table shows: not evaluated, new, returning (with and without a change in
    rank), up and down by one and by many, unchanged, a change that rounds to zero, a name needing escapes."""
    rows = []
    kinds = itertools.product([True, False], [False, True], [False, True], [None, 0, 1, -1, 12, -1234],
                              [None, 0.001, 0.5, -0.25])
    for n, (evaluated, is_new, returning, move, delta) in enumerate(kinds):
        rows.append(base | {"unit_id": f"u{n}", "name": f"Unit <{n}> & \"co\"", "evaluated": evaluated,
                            "is_new": is_new, "returning": returning, "compared_year": 2019 if returning else None,
                            "move_national": move, "move_level": move, "rank_national": 1000 + n, "rank_level": n,
                            "delta": delta, "grade": base["grade"] if evaluated else None})
    return rows


def test_ranking_rows_write_what_the_template_loop_wrote(tmp_site: TmpSite) -> None:
    renderer, plans = renderer_and_plans(tmp_site.root)
    env = renderer.env
    written = env.from_string('{{ ranking_rows(rows, scope, show_scope, tools, root ~ urls.prefix(lang) ~ "unit/") }}')
    looped = env.from_string(TEMPLATE_RANKING_LOOP)
    checked = 0
    for plan in plans:
        if plan.template != "ranking.html":
            continue
        context = renderer.common[plan.lang] | plan.context | {"root": "../" * plan.path.count("/")}
        rows = every_kind_of_row(plan.context["rows"][0]) if checked < 2 else plan.context["rows"]
        for show_scope, tools in ((True, plan.context["table_tools"].value()), (False, None)):
            if tools is not None:
                tools = tools | {"sort": {r["unit_id"]: f"{i}|<x>" for i, r in enumerate(rows)},
                                 "filter": {r["unit_id"]: f"{i} -" for i, r in enumerate(rows)}}
            values = context | {"rows": rows, "show_scope": show_scope, "tools": tools}
            assert written.render(values) == looped.render(values).lstrip("\n")
        checked += 1
    assert checked > 2


def test_history_rows_write_what_the_template_loop_wrote(tmp_site: TmpSite) -> None:
    renderer, plans = renderer_and_plans(tmp_site.root)
    env = renderer.env
    written, looped = env.from_string("{{ history_rows(history) }}"), env.from_string(TEMPLATE_HISTORY_LOOP)
    units = [plan for plan in plans if plan.template == "unit.html" and plan.context["history"]]
    for plan in units[:3]:
        context = renderer.common[plan.lang] | plan.context | {"root": "../" * plan.path.count("/")}
        for history in (plan.context["history"], every_kind_of_row(plan.context["history"][-1])):
            values = context | {"history": history}
            assert written.render(values) == looped.render(values).lstrip("\n")
    assert {plan.lang for plan in units} == {"id", "en"}


def test_a_shared_fragment_is_rendered_once_per_key() -> None:
    shared, runs = SharedFragments(), []

    def block(text: str) -> Any:
        return lambda: runs.append(text) or Markup(f"<p>{text}</p>")

    assert shared("footer", "id", "../", caller=block("a")) == Markup("<p>a</p>")
    assert shared("footer", "id", "../", caller=block("b")) == Markup("<p>a</p>")  # the first, reused
    assert shared("footer", "en", "../", caller=block("c")) == Markup("<p>c</p>")
    assert shared("footer", "id", "", caller=block("d")) == Markup("<p>d</p>")
    assert shared("nav", "id", "../", caller=block("e")) == Markup("<p>e</p>")
    assert runs == ["a", "c", "d", "e"]


def test_pages_at_the_same_depth_share_their_footer_and_others_do_not(tmp_site: TmpSite, tmp_path: Path) -> None:
    built = tmp_site.build("--jobs", "1", "-o", str(tmp_path / "out"))
    assert built.exit_code == 0, built.output

    def footer(path: str) -> str:
        html = (tmp_path / "out" / path).read_text(encoding="utf-8")
        return html[html.index('<footer class="site-footer">'):html.index("</footer>")]

    assert footer("2023/index.html") == footer("2022/index.html")
    assert 'href="../2023/index.html"' in footer("2023/index.html")
    assert 'href="2023/index.html"' in footer("index.html") and "../" not in footer("index.html")
    assert 'href="../../en/2023/index.html"' in footer("en/2023/index.html")


def test_a_theme_row_template_without_its_macro_is_a_located_error(tmp_site: TmpSite) -> None:
    tmp_site.write("themes/default/templates/_ranking_row.html", "{# the cells(row) macro left out #}\n")
    result = tmp_site.build("--jobs", "1")
    assert result.exit_code == 2
    assert "_ranking_row.html has no macro cells(row)" in result.output
    assert "Traceback" not in result.output
