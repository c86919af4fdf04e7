"""A unit page's partials written in Python (generator/partials.py): byte for byte what their templates write
through `{% include %}`, and a theme's own partial still used in their place; and its aspects table's rows
(comparison_rows, history_rows.py), byte for byte what unit.html's loop wrote."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from share_site import BASE_URL, share_site

from generator import partials
from generator.chart_build import site_charts
from generator.model import build_model
from generator.pages import PagePlan, plan_site
from generator.pipeline import read_inputs
from generator.render import Renderer, make_renderer
from generator.sitedata import build_site_data

from scratch_site import TmpSite

# Each partial as the templates included it, with the values they set, and as `partial` writes it.
CALLS = [
    ('{% include "_search_filters.html" %}', '{{ partial("_search_filters.html") }}'),
    ('{% if latest %}{% with as_of_year=latest.year %}{% include "_as_of.html" %}{% endwith %}{% endif %}',
     '{% if latest %}{{ partial("_as_of.html", as_of_year=latest.year) }}{% endif %}'),
    ('{% include "_findings.html" %}', '{{ partial("_findings.html") }}'),
    ('{% include "_unit_downloads.html" %}', '{{ partial("_unit_downloads.html") }}'),
    ('{% include "_unit_regency.html" %}', '{{ partial("_unit_regency.html") }}'),
    ('{% include "_badge.html" %}', '{{ partial("_badge.html") }}'),
    ('{% with cite_kind="unit" %}{% include "_cite.html" %}{% endwith %}',
     '{{ partial("_cite.html", cite_kind="unit") }}'),
    ('{% include "_unit_charts.html" %}', '{{ partial("_unit_charts.html") }}'),
    ('{% with charts_on_page=true %}{% include "_chart_scripts.html" %}{% endwith %}',
     '{{ partial("_chart_scripts.html", charts_on_page=true) }}'),
    ('{% include "_search_box.html" %}', '{{ partial("_search_box.html") }}'),
    # The page's description as base.html captures it (markup), with a hostile character in it; and none.
    ('{% set description %} {{ unit.name }} & {{ site_description }} {% endset %}'
     '{% with share_title=unit.name %}{% include "_share_meta.html" %}{% endwith %}',
     '{% set description %} {{ unit.name }} & {{ site_description }} {% endset %}'
     '{{ partial("_share_meta.html", share_title=unit.name, description=description) }}'),
    ('{% set description %} {% endset %}'
     '{% with share_title=unit.name %}{% include "_share_meta.html" %}{% endwith %}',
     '{% set description %} {% endset %}'
     '{{ partial("_share_meta.html", share_title=unit.name, description=description) }}'),
    # The aspects table's rows as unit.html's loop wrote them, and as comparison_rows (history_rows.py) does.
    ("{% for row in comparison %}\n<tr><th scope=\"row\">{{ aspect_label[row['key']] }}</th>\n"
     "<td class=\"num\"><strong>{{ fmt.number(row['value'], precision) }}</strong></td>\n"
     "<td class=\"num\">{{ fmt.number(row['national'].mean if row['national'] else none, precision) }}</td>\n"
     "<td class=\"num\">{{ fmt.number(row['level'].mean if row['level'] else none, precision) }}</td></tr>\n"
     "{% endfor %}\n", "{{ comparison_rows(comparison) }}"),
    ('{% include "_chart_scripts.html" %}', '{{ partial("_chart_scripts.html") }}'),  # none on these pages
]


def unit_pages(root: Path) -> tuple[Renderer, list[PagePlan]]:
    inputs = read_inputs(root)
    model = build_model(inputs.results, inputs.units, inputs.provinces, inputs.config.scheme)
    data = build_site_data(model, inputs.config.scheme, {"11": "Aceh", "35": "Jawa Timur", "36": "Banten"})
    plans = [plan for plan in plan_site(inputs.config, data, inputs.pages, inputs.corrections)
             if plan.template == "unit.html"]
    renderer = make_renderer(inputs.config, data, inputs.pages, inputs.theme)
    site_charts(inputs.config, data, inputs.theme).install(renderer)  # `charts`, as a build has it
    return renderer, plans


@pytest.mark.parametrize("base_url", [BASE_URL, ""])
def test_python_partials_write_what_their_templates_include(tmp_path: Path, base_url: str) -> None:
    """On every unit page in both languages, with a hostile unit name, findings, a regency with other units and
    one without, publication dates, and with and without site.base_url."""
    site = share_site(tmp_path / "site", base_url=base_url)
    renderer, plans = unit_pages(site.root)
    assert all(partials.is_own_template(renderer.env, name) for name in partials.WRITERS)
    calls = [(renderer.env.from_string(included), renderer.env.from_string(written)) for included, written in CALLS]
    shown = set()
    for plan in plans:
        context = renderer.page_context(plan)
        for number, (included, written) in enumerate(calls):
            expected = included.render(context)
            assert written.render(context) == expected, (plan.path, CALLS[number][1])
            shown.update([number] if expected else [])
    assert shown >= set(range(len(CALLS) - 1))  # every partial wrote something on some page
    assert {plan.lang for plan in plans} == {"id", "en"}


def test_partials_rendered_through_their_templates_give_the_same_pages(tmp_path: Path) -> None:
    site = share_site(tmp_path / "site")
    renderer, plans = unit_pages(site.root)
    python = [renderer.render(plan) for plan in plans]
    partials._OWN[renderer.env] = dict.fromkeys(partials.WRITERS, False)  # as if a theme overrode each
    assert [renderer.render(plan) for plan in plans] == python


def test_a_theme_overriding_a_partial_gets_its_own_rendered(tmp_site: TmpSite) -> None:
    tmp_site.config('theme = "kota"\n')
    tmp_site.write("themes/kota/templates/_cite.html",
                   '<p class="kota-cite">{{ cite_kind }}: {{ unit.name if cite_kind == "unit" else year }}</p>\n')
    tmp_site.write("themes/kota/templates/_unit_regency.html",
                   '{% if unit.regency %}<p class="kota-regency">{{ regency_units | length }}</p>{% endif %}\n')
    tmp_site.write("themes/kota/templates/_search_box.html", '<p class="kota-search">{{ here }}</p>\n')
    result = tmp_site.build()
    assert result.exit_code == 0, result.output
    page = BeautifulSoup((tmp_site.root / "output/unit/36.74-dpmptsp/index.html").read_text(encoding="utf-8"),
                         "lxml")
    assert [p.get_text() for p in page.select("p.kota-cite")] == ["unit: DPMPTSP Kota Tangerang Selatan"]
    assert [p.get_text() for p in page.select("p.kota-regency")] == ["1"]
    assert [p.get_text() for p in page.select("p.kota-search")] == ["unit/36.74-dpmptsp/index.html"]
    assert not page.select("details.cite") and not page.select("section.regency-units")
    assert not page.select("form.site-search")
    # The partials the theme leaves alone are still Rapor's own.
    assert page.select("details.badge-embed") and page.select("section.findings") and page.select("p.data-links")
    ranking = BeautifulSoup((tmp_site.root / "output/2023/ranking/index.html").read_text(encoding="utf-8"), "lxml")
    assert [p.get_text() for p in ranking.select("p.kota-cite")] == ["ranking: 2023"]
    assert [p.get_text() for p in ranking.select("p.kota-search")] == ["2023/ranking/index.html"]
