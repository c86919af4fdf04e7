"""The table of page kinds (generator/page_kinds.py): plans, templates, navigation, sitemap, search, fingerprint
inputs and README's documentation all derive from it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

import generator.parallel
from generator.build import build_site
from generator.bundled import DEFAULT_THEME
from generator.content import KIND_TEMPLATES
from generator.page_inputs import PageInputs
from generator.page_kinds import PAGE_KINDS, NavEntry, PageKind, builtin_templates, main_nav
from generator.pages import PagePlan, page_plan
from generator.render import Renderer
from generator.theme import BUILTIN_TEMPLATES
from generator.urls import RESERVED_SLUGS, SiteUrls

from scratch_site import TmpSite

README = Path(__file__).resolve().parent.parent / "README.md"
HEADER = "date,year,unit_id,field,old_value,new_value,reason_id,reason_en\n"
SITE = SiteUrls("id")

# A kind a second evaluation programme might add: its own pages under ombudsman/<year>/.
def ombudsman_year(urls: SiteUrls, lang: str, year: int) -> str:
    return f"{urls.prefix(lang)}ombudsman/{year}/index.html"


OMBUDSMAN = PageKind("ombudsman_year", "ombudsman_year.html", ombudsman_year, ("year",), ("year", "rows"),
                     nav=NavEntry(25, "nav.ombudsman", latest_year=True))
WITH_OMBUDSMAN = {**PAGE_KINDS, OMBUDSMAN.name: OMBUDSMAN}


def fake_t(key: str, **values: object) -> str:
    return key + "".join(f"|{name}={value}" for name, value in sorted(values.items()))


def test_every_kinds_template_is_in_the_default_theme() -> None:
    for kind in PAGE_KINDS.values():
        assert (DEFAULT_THEME / "templates" / kind.template).is_file(), kind.name


def test_the_builtin_templates_are_the_tables() -> None:
    assert BUILTIN_TEMPLATES == builtin_templates() == {"base.html"} | {k.template for k in PAGE_KINDS.values()}
    assert "ombudsman_year.html" in builtin_templates(WITH_OMBUDSMAN)
    assert "ombudsman_year.html" not in BUILTIN_TEMPLATES


def test_a_plan_takes_its_address_template_sitemap_and_404_handling_from_its_kind() -> None:
    plan = page_plan("ombudsman_year", SITE, "en", (2024,), {"year": 2024, "rows": []}, kinds=WITH_OMBUDSMAN)
    assert (plan.path, plan.template, plan.kind, plan.in_sitemap, plan.absolute) == (
        "en/ombudsman/2024/index.html", "ombudsman_year.html", "ombudsman_year", True, False)
    # A narrative's own template replaces the kind's; nothing else changes.
    narrated = page_plan("ombudsman_year", SITE, "id", (2024,), {}, "landing.html", WITH_OMBUDSMAN)
    assert (narrated.template, narrated.path) == ("landing.html", "ombudsman/2024/index.html")
    assert page_plan("unit", SITE, "id", ("35.07-dpmptsp",), {}).path == SITE.unit("id", "35.07-dpmptsp")
    missing = page_plan("not_found", SITE, "en", (), {})
    assert (missing.path, missing.absolute, missing.in_sitemap) == ("en/404.html", True, False)
    assert not page_plan("former_unit", SITE, "id", ("old-id",), {}).in_sitemap
    with pytest.raises(KeyError):
        page_plan("ombudsman_year", SITE, "id", (2024,), {})  # not a row of the real table


def test_a_plan_without_a_kind_is_refused() -> None:
    with pytest.raises(TypeError, match="kind"):
        PagePlan("index.html", "home.html", "id", {})  # type: ignore[call-arg]


def test_the_main_navigation_lists_the_tables_kinds_in_their_order() -> None:
    assert main_nav(SITE, "en", 2024, fake_t) == [
        {"path": "en/index.html", "label": "nav.home"},
        {"path": "en/2024/index.html", "label": "nav.year|year=2024"},
        {"path": "en/2024/ranking/index.html", "label": "nav.ranking|year=2024"},
        {"path": "en/2024/provinces/index.html", "label": "league.nav|year=2024"},
    ]
    added = main_nav(SITE, "id", 2024, fake_t, WITH_OMBUDSMAN)
    assert [link["path"] for link in added] == ["index.html", "2024/index.html", "ombudsman/2024/index.html",
                                                "2024/ranking/index.html", "2024/provinces/index.html"]
    assert added[2]["label"] == "nav.ombudsman|year=2024"
    # Out of the navigation: the kind is left out, nothing else moves.
    hidden = {**PAGE_KINDS, "ranking": replace(PAGE_KINDS["ranking"], nav=None)}
    assert [link["label"] for link in main_nav(SITE, "id", 2024, fake_t, hidden)] == [
        "nav.home", "nav.year|year=2024", "league.nav|year=2024"]


def test_every_kinds_own_top_level_folder_is_reserved_from_content_pages() -> None:
    for kind in PAGE_KINDS.values():
        address = kind.address("id")
        folder = address.split("/")[0]
        if "/" in address and not folder.startswith("<"):
            assert folder in RESERVED_SLUGS, f"{kind.name}: a content page named {folder} would take its address"


def test_narratives_accompany_the_kinds_the_table_says() -> None:
    narrated = {name for name, kind in PAGE_KINDS.items() if kind.narrated}
    assert set(KIND_TEMPLATES) == narrated == {"home", "year", "unit", "page"}
    assert all(KIND_TEMPLATES[name] == PAGE_KINDS[name].template for name in narrated)
    for kind in PAGE_KINDS.values():  # a narrated page's values hold its narrative
        assert ({"narrative", "fallback"} <= set(kind.context)) == kind.narrated, kind.name


def test_search_indexes_the_kinds_the_table_says() -> None:
    for kind in PAGE_KINDS.values():
        template = (DEFAULT_THEME / "templates" / kind.template).read_text(encoding="utf-8")
        assert ("data-pagefind-body" in template) == kind.searched, kind.name


def test_every_extra_input_the_table_names_has_a_handler() -> None:
    named = {kind.inputs for kind in PAGE_KINDS.values() if kind.inputs}
    assert named == set(PageInputs(_EmptyData(), None, ()).handlers)  # type: ignore[arg-type]


class _EmptyData:
    years = ()

    def average(self, *args: object) -> None:
        return None


def readme_bullet(name: str) -> str:
    """README's bullet of page kind `name` in "Page kinds (for theme authors)", joined into one line."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("### Page kinds (for theme authors)"):]
    section = section[:section.index("\n## ")]
    found = re.search(rf"^- \*\*{re.escape(name)}\*\* .*?(?=^- \*\*|\Z)", section, re.M | re.S)
    assert found is not None, f"README has no bullet for page kind {name}"
    return " ".join(found.group(0).split())


@pytest.mark.parametrize("name", list(PAGE_KINDS))
def test_readme_documents_every_kind_and_its_values(name: str) -> None:
    kind = PAGE_KINDS[name]
    bullet = readme_bullet(name)
    assert bullet.startswith(f"- **{name}** (`{kind.template}`, `{kind.address('id')}`"), bullet
    for key in kind.context:
        assert f"`{key}`" in bullet, f"README's {name} bullet does not name the value {key}"


# Each kind's address arguments, read back from its pages' values.
ADDRESS_ARGUMENTS: dict[str, Any] = {
    "home": lambda c: (), "year": lambda c: (c["year"],), "provinces": lambda c: (c["year"],),
    "ranking": lambda c: (c["year"], c["scope"], c["key"], c["page"]["number"]),
    "unit": lambda c: (c["history"][0]["unit_id"],), "former_unit": lambda c: (c["former_id"],),
    "province": lambda c: (c["code"],), "regency": lambda c: (c["code"],),
    "units_az": lambda c: (c["level"], c["number"]), "search": lambda c: (), "page": lambda c: (c["narrative"].key,),
    "errata": lambda c: (c["year"],), "data": lambda c: (), "not_found": lambda c: (),
}


def built_plans(site: TmpSite, monkeypatch: pytest.MonkeyPatch) -> list[PagePlan]:
    """Every plan a build of `site` renders (a first build renders all)."""
    seen: list[PagePlan] = []
    rendered_pages = generator.parallel.rendered_pages

    # Passes on whatever else rendered_pages is given (its arguments grow with the build's needs).
    def recording(renderer: Renderer, plans: list[PagePlan], *rest: Any) -> Iterator[tuple[str, bytes, Any]]:
        seen.extend(plans)
        return rendered_pages(renderer, plans, *rest)

    monkeypatch.setattr(generator.parallel, "rendered_pages", recording)
    build_site(site.root, jobs=1)
    return seen


def test_every_built_page_is_of_a_kind_of_the_table(tmp_site: TmpSite, monkeypatch: pytest.MonkeyPatch) -> None:
    tmp_site.config('base_url = "https://rapor.example.id/r/"\n')
    tmp_site.write("data/corrections.csv", HEADER + "2024-03-12,2023,35.07-dpmptsp,index,\"4,13\",\"4,20\",Salah.,\n")
    plans = built_plans(tmp_site, monkeypatch)
    assert {plan.kind for plan in plans} == set(PAGE_KINDS)  # the scratch site has a page of every kind
    for plan in plans:
        kind = PAGE_KINDS[plan.kind]
        assert plan.template == kind.template, plan.path
        assert set(plan.context) == set(kind.context), plan.path
        assert (plan.in_sitemap, plan.absolute) == (kind.in_sitemap, kind.absolute), plan.path
        assert plan.path == kind.path(SITE, plan.lang, *ADDRESS_ARGUMENTS[plan.kind](plan.context)), plan.path
    output = tmp_site.root / "output"
    sitemap = (output / "sitemap.xml").read_text(encoding="utf-8")
    listed = set(re.findall(r"<loc>https://rapor\.example\.id/r/([^<]*)</loc>", sitemap))
    assert listed == {plan.path.removesuffix("index.html") for plan in plans if PAGE_KINDS[plan.kind].in_sitemap}
    # Every page's main navigation is the table's, then the narrative page.
    for plan in plans:
        if plan.kind in ("home", "unit", "not_found"):
            html = BeautifulSoup((output / plan.path).read_text(encoding="utf-8"), "lxml")
            nav = html.find("nav", class_="main-nav")
            assert nav is not None
            labels = [a.get_text() for a in nav.find_all("a")]
            expected = {"id": ["Beranda", "Hasil 2023", "Peringkat", "Provinsi", "Metodologi"],
                        "en": ["Home", "2023 results", "Ranking", "Provinces", "Metodologi"]}[plan.lang]
            assert labels == expected, plan.path
