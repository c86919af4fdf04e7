"""A chart's data table, written in Python (figures.data_table_html) instead of a Jinja loop in `_figure.html`:
the same HTML the template wrote, escaped, with the page's number format; and the unit charts' kept values
(peer averages, scale positions, shared chart frames) drawing the same figures whatever was drawn before."""

from __future__ import annotations

import re

import jinja2
import pytest
from bs4 import BeautifulSoup
from markupsafe import Markup
from test_charts_unit import HOSTILE_PROVINCE, HOSTILE_UNIT, Built, built
from test_charts_unit import chart_site as chart_site  # the fixture, shared

from generator import svg_marks, unit_chart_data, unit_svg
from generator.bundled import DEFAULT_THEME
from generator.figures import DataTable, Figure, data_table_html
from generator.render import make_renderer
from generator.svg_marks import Scale, n
from generator.unit_charts import PageCharts

from scratch_site import TmpSite

# The table part of `_figure.html` as it was, a Jinja loop: the reference the Python table must equal.
TEMPLATE_TABLE = """<table>
<caption class="sr">{{ fig.title }}</caption>
<thead><tr>{% for column in fig.table.columns %}<th scope="col">{{ column }}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in fig.table.rows %}
<tr><th scope="row">{{ row[0] }}</th>{% for cell in row[1:] %}<td class="num">{{ cell }}</td>{% endfor %}</tr>
{% endfor %}
</tbody>
</table>"""


def template_table(figure: Figure) -> str:
    # The settings of render.make_renderer's environment.
    env = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    return env.from_string(TEMPLATE_TABLE).render(fig=figure)


def every_figure(site: Built, lang: str) -> list[Figure]:
    charts = site.charts(lang)
    figures = [figure for unit_id in sorted(site.data.units) for figure in site.unit_figures(unit_id, lang)]
    latest = site.data.years[-1]
    for code, name in sorted(site.data.province_names.items()):
        history = [r for year in site.data.years for r in site.data.provinces.get(year, []) if r["province"] == code]
        rows = [r for r in site.data.rows_by_year[latest] if r["province"] == code and r["evaluated"]]
        figures.extend(charts.province(name, rows, history, latest))
    return figures


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_data_table_is_the_html_the_figure_template_wrote(chart_site: TmpSite, lang: str) -> None:
    figures = every_figure(built(chart_site), lang)
    assert {f.key for f in figures} >= {"unit-trend", "unit-aspects", "unit-aspect-history", "province-trend",
                                       "province-grades"}
    assert any(HOSTILE_PROVINCE in f.table.columns for f in figures)
    for figure in figures:
        assert str(figure.table_html) == template_table(figure), figure.key


def test_the_data_table_escapes_every_text_and_keeps_rows_of_one_cell() -> None:
    table = DataTable((HOSTILE_PROVINCE, "Nilai & <b>"), ((HOSTILE_UNIT, "3,68", '"&amp;"'), ("<i>",), ("2023", "")))
    figure = Figure("test", "Judul <script>", "ringkasan", svg_marks.svg(10, 10, "test", ""), table)
    html = str(data_table_html(figure.title, table))
    assert html == template_table(figure)
    assert "<script>" not in html and "<img" not in html and "<b>" not in html and "<i>" not in html
    parsed = BeautifulSoup(html, "html.parser")
    assert [th.get_text() for th in parsed.select("thead th[scope=col]")] == list(table.columns)
    assert [tuple(cell.get_text() for cell in tr.find_all(["th", "td"])) for tr in parsed.select("tbody tr")] \
        == list(table.rows)
    assert parsed.caption is not None and parsed.caption.get_text() == figure.title


@pytest.mark.parametrize(("lang", "decimal"), [("id", ","), ("en", ".")])
def test_built_unit_pages_carry_each_figures_table_in_the_page_number_format(chart_site: TmpSite, lang: str,
                                                                                decimal: str) -> None:
    result = chart_site.build()
    assert result.exit_code == 0, result.output
    site = built(chart_site)
    prefix = "" if lang == "id" else "en/"
    for unit_id in ("35.78-dpmptsp", "36.74-evil", "36.74-mpp"):
        page = BeautifulSoup((chart_site.root / f"output/{prefix}unit/{unit_id}/index.html").read_text("utf-8"),
                             "html.parser")
        figures = site.unit_figures(unit_id, lang)
        shown = page.select("section.charts figure.chart")
        assert [f["id"] for f in shown] == [f"fig-{figure.key}" for figure in figures]
        for element, figure in zip(shown, figures, strict=True):
            caption = element.select_one("figcaption strong")
            picture = element.select_one(".chart-picture[role=img]")
            table = element.select_one("details.chart-data table")
            assert caption is not None and caption.get_text() == figure.title
            assert picture is not None and picture["aria-label"] == figure.summary
            assert table is not None and table.caption is not None and table.caption.get_text() == figure.title
            assert [th.get_text() for th in table.select("thead th[scope=col]")] == list(figure.table.columns)
            body = [tuple(cell.get_text() for cell in tr.find_all(["th", "td"])) for tr in table.select("tbody tr")]
            assert body == list(figure.table.rows)  # the model's numbers: test_charts_unit checks the rows
            assert all(tr.th is not None and tr.th["scope"] == "row" for tr in table.select("tbody tr"))
            numbers = [cell for row in body for cell in row[1:] if re.fullmatch(r"[+−±]?\d+[.,]\d\d", cell)]
            assert numbers and all(cell[-3] == decimal for cell in numbers), figure.key


def clear_kept_values() -> None:
    """Forget what the unit charts keep between pages (chart frames, positions, published values)."""
    for module in (svg_marks, unit_svg):
        for value in vars(module).values():
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()
    unit_chart_data._PUBLISHED.clear()


def drawn(figures: list[Figure]) -> list[tuple[str, str, str, DataTable, tuple[str, ...]]]:
    return [(f.key, f.summary, str(f.svg), f.table, f.notes) for f in figures]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_unit_figures_do_not_depend_on_the_pages_drawn_before(chart_site: TmpSite, lang: str) -> None:
    """Units of one group share kept peer averages, frames and positions: drawn alone, with nothing kept, or
    after every other unit (in either order), a unit's figures are the same."""
    site = built(chart_site)
    units = sorted(site.data.units)

    def figures_of(charts: PageCharts, unit_id: str) -> list[Figure]:
        return charts.unit(site.data.units[unit_id], site.data.latest_row(unit_id), site.data.history.get(unit_id, []))

    alone = {}
    for unit_id in units:
        clear_kept_values()
        alone[unit_id] = drawn(figures_of(site.charts(lang), unit_id))
    for order in (units, units[::-1]):
        shared = site.charts(lang)
        assert {unit_id: drawn(figures_of(shared, unit_id)) for unit_id in order} == alone
    # 35.07 and 35.78 are both regency DPMPTSPs of province 35 evaluated in 2023: one kept set of averages.
    shared = site.charts(lang)
    figures_of(shared, "35.07-dpmptsp")
    figures_of(shared, "35.78-dpmptsp")
    assert list(shared._averages) == [(2023, "kabupaten-kota", "dpmptsp", "35")]


@pytest.mark.parametrize("value", [0.0, -0.0, 2.5, 3.68, 4.505, 5.0])
def test_a_scale_position_kept_is_the_position_computed(value: float) -> None:
    scale = Scale(2.0, 5.0, 170.0, 20.0)
    assert scale.at(value) == (scale(value), n(scale(value)))
    assert scale.at(value) == (scale(value), n(scale(value)))  # the kept one
    assert Scale(3.0, 3.0, 10.0, 20.0).at(3.0) == (15.0, "15.0")  # an empty domain maps to the middle


def test_a_theme_may_still_write_the_table_from_the_rows_and_gets_the_same_page(chart_site: TmpSite) -> None:
    """The `figure` macro stays the seam: a theme's `_figure.html` looping over fig.table (run in the sandbox, as
    every project template is) writes the very page the default theme writes with fig.table_html."""
    pages = ("unit/35.78-dpmptsp/index.html", "en/unit/36.74-evil/index.html", "province/36/index.html")
    assert chart_site.build().exit_code == 0
    default = {page: (chart_site.root / "output" / page).read_bytes() for page in pages}
    macro = (DEFAULT_THEME / "templates/_figure.html").read_text(encoding="utf-8")
    assert "{{ fig.table_html }}" in macro
    chart_site.write("themes/default/templates/_figure.html", macro.replace("{{ fig.table_html }}", TEMPLATE_TABLE))
    result = chart_site.build()
    assert result.exit_code == 0, result.output
    assert {page: (chart_site.root / "output" / page).read_bytes() for page in pages} == default


# --- the figure itself, written in Python (figures.figures_html) -----------------------------------------------

MACRO_LOOP = '{% from "_figure.html" import figure with context %}{% for fig in figs %}{{ figure(fig) }}\n{% endfor %}'


@pytest.mark.parametrize("lang", ["id", "en"])
def test_figures_written_in_python_are_what_the_figure_macro_writes(chart_site: TmpSite, lang: str) -> None:
    """figures(figs) writes Rapor's own `figure` macro in Python: for every unit and province figure, and for
    figures with a Vega-Lite spec, notes and hostile texts, the HTML is the macro's, byte for byte."""
    site = built(chart_site)
    renderer = make_renderer(site.inputs.config, site.data, site.inputs.pages, site.inputs.theme)
    context = renderer.common[lang]
    hostile = Figure(f'key"{HOSTILE_UNIT}', HOSTILE_PROVINCE, f"{HOSTILE_UNIT} & 'ringkasan'",
                     Markup('<svg class="x"></svg>'), DataTable((HOSTILE_PROVINCE,), ((HOSTILE_UNIT,),)),
                     spec={"data": {"values": [{"name": "</script><script>alert(1)</script>", "b": [1, 2]}]},
                           "mark": "bar"},
                     notes=(HOSTILE_UNIT, "kedua & <i>"))
    unmarked = Figure("plain", "Judul", "Ringkasan", "<svg>not markup</svg>",  # type: ignore[arg-type]
                      DataTable(("a", "b"), (("1", "2"),)))
    figures = [*every_figure(site, lang), hostile, unmarked]
    assert any(f.notes for f in figures) and any(f.table_markup is not None for f in figures)
    for figure in figures:
        python = renderer.env.from_string("{{ figures(figs) }}").render(context | {"figs": [figure]})
        macro = renderer.env.from_string(MACRO_LOOP).render(context | {"figs": [figure]})
        assert python == macro, figure.key
    everything = renderer.env.from_string("{{ figures(figs) }}").render(context | {"figs": figures})
    assert everything == renderer.env.from_string(MACRO_LOOP).render(context | {"figs": figures})
    assert "<script>alert" not in everything and "<img" not in everything and "<svg onload" not in everything


def test_a_themes_own_figure_macro_writes_the_unit_and_province_figures(chart_site: TmpSite) -> None:
    """A theme's `_figure.html` (run in the sandbox) is what figures(figs) calls, with the page's context."""
    macro = (DEFAULT_THEME / "templates/_figure.html").read_text(encoding="utf-8")
    own = macro.replace('<figure class="chart" id="fig-{{ fig.key }}">',
                        '<figure class="chart theme-own" id="fig-{{ fig.key }}" data-lang="{{ lang }}" '
                        'data-page="{{ here }}">')
    assert own != macro
    chart_site.write("themes/default/templates/_figure.html", own)
    result = chart_site.build()
    assert result.exit_code == 0, result.output
    for page, count in (("unit/35.78-dpmptsp/index.html", 3), ("en/unit/36.74-evil/index.html", 3),
                        ("province/36/index.html", 2)):
        parsed = BeautifulSoup((chart_site.root / "output" / page).read_text(encoding="utf-8"), "html.parser")
        figures = parsed.select("section.charts figure.chart")
        assert len(figures) == count, page
        assert all("theme-own" in f["class"] and f["data-page"] == page for f in figures), page
        assert {f["data-lang"] for f in figures} == {"en" if page.startswith("en/") else "id"}
