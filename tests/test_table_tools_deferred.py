"""A ranking page's table tool values (table_tools.PageTools) are made when the page is rendered, not when it is
planned: a rebuild reuses most ranking pages and never makes theirs. The page's fingerprint names what the
values are made from instead (its rows, its ranking and the grade, precision and order settings), so a change to
any of them renders the page again, equal to a full build's."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from test_incremental import files, rendered
from test_parallel import renderer_and_plans

import generator.parallel
from generator.build import build_site
from generator.incremental import page_fingerprint
from generator.pages import PagePlan
from generator.search_pages import search_page
from generator.site_rows import SiteRow
from generator.table_tools import PageTools, TableTools, TableValues

from scratch_site import TmpSite

Made = list[tuple[int, str, str]]


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> Made:
    """(year, scope, key) of each ranking page's table values made in this process."""
    found: Made = []
    compute = TableValues.compute

    def counted(self: TableValues, year: int, scope: str, key: str, rows: list[Any]) -> dict[str, Any]:
        found.append((year, scope, key))
        return compute(self, year, scope, key, rows)

    monkeypatch.setattr(TableValues, "compute", counted)
    return found


def rankings(plans: list[PagePlan]) -> list[PagePlan]:
    found = [plan for plan in plans if plan.kind == "ranking"]
    assert len(found) > 10
    return found


def test_ranking_pages_are_planned_without_making_their_table_values(tmp_site: TmpSite, made: Made) -> None:
    renderer, plans = renderer_and_plans(tmp_site.root)
    assert made == []
    pages = rankings(plans)
    tools = [plan.context["table_tools"] for plan in pages]
    assert all(type(each) is PageTools for each in tools)
    # The values' rows are the page's own (which its fingerprint hashes), the very list.
    assert all(plan.context["table_tools"].rows is plan.context["rows"] for plan in pages)
    # Both languages' plans of a page share one PageTools: rendered in one process, its values are made once.
    assert len({id(each) for each in tools}) == len(pages) // 2
    for plan in pages:
        page = BeautifulSoup(renderer.render(plan)[1], "html.parser")
        assert len(page.select("tr[data-sort][data-filter]")) == len(plan.context["rows"])
    assert sorted(made) == sorted((each.year, each.scope, each.key) for each in {id(t): t for t in tools}.values())


def test_a_rebuild_makes_only_the_table_values_of_the_ranking_pages_it_renders(tmp_site: TmpSite, made: Made,
                                                                              tmp_path: Path) -> None:
    output = tmp_path / "out"
    build_site(tmp_site.root, output=output, jobs=1)
    assert {year for year, _, _ in made} == {2022, 2023}
    made.clear()
    assert build_site(tmp_site.root, output=output, jobs=1).rendered == 0
    assert made == []
    # A 2023 cell: only 2023's rankings are rendered (2022's do not show 2023's rows), and only theirs made.
    path = tmp_site.root / "data/results/2023.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("35.07-dpmptsp,," + "4.20," * 7 + "A-",
                                                              "35.07-dpmptsp,," + "3.60," * 7 + "B"),
                    encoding="utf-8")
    assert build_site(tmp_site.root, output=output, jobs=1).rendered > 0
    assert made and {year for year, _, _ in made} == {2023}


def row(unit_id: str, level: str, grade: str | None, index: float | None, rank: int | None) -> SiteRow:
    return SiteRow({"unit_id": unit_id, "year": 2023, "evaluated": index is not None, "index": index,
                    "aspects": [index, index], "rank_national": rank, "move_national": 1 if rank == 2 else None,
                    "level": level, "type": "dpmptsp", "province": "35", "grade": grade})


ROWS = [row("u1", "provinsi", "A", 4.567, 1), row("u2", "kabupaten-kota", "B", 3.504, 2),
        row("u3", "kabupaten-kota", None, None, None)]
YEARS = {("national", ""): [2022, 2023]}
ORDER = {"level": ["provinsi", "kabupaten-kota"], "type": ["dpmptsp", "mpp"], "province": ["11", "35"]}
# Every setting the values are made with, each changed in turn (grades reordered, precision, each option order).
SETTINGS: dict[str, tuple[list[str], int, dict[str, list[str]]]] = {
    "as configured": (["A", "B"], 2, ORDER),
    "grades reordered": (["B", "A"], 2, ORDER),
    "grades renamed": (["A", "B", "C"], 2, ORDER),
    "precision": (["A", "B"], 1, ORDER),
    "levels reordered": (["A", "B"], 2, ORDER | {"level": ["kabupaten-kota", "provinsi"]}),
    "types reordered": (["A", "B"], 2, ORDER | {"type": ["mpp", "dpmptsp"]}),
    "provinces": (["A", "B"], 2, ORDER | {"province": ["35", "36"]}),
}


def ranking_context(settings: tuple[list[str], int, dict[str, list[str]]], rows: list[SiteRow] = ROWS
                    ) -> dict[str, Any]:
    grades, precision, order = settings
    tools = TableTools(grades, precision, YEARS, order)
    return {"rows": rows, "year": 2023} | tools.context(2023, "national", "", 1, rows)


def fingerprint(context: dict[str, Any]) -> str:
    return page_fingerprint("key", "2023/ranking/index.html", "ranking.html", False, (context, None))


def test_a_ranking_pages_fingerprint_names_every_setting_its_table_values_are_made_with() -> None:
    contexts = {name: ranking_context(settings) for name, settings in SETTINGS.items()}
    prints = {name: fingerprint(context) for name, context in contexts.items()}
    assert all(context["table_tools"]._made is None for context in contexts.values())  # not made to hash
    assert len(set(prints.values())) == len(SETTINGS)
    # The same settings and rows in another build (another TableTools, another token): the same fingerprint.
    again = ranking_context(SETTINGS["as configured"], [SiteRow(each) for each in ROWS])
    assert fingerprint(again) == prints["as configured"]
    assert again["table_tools"].values.token != contexts["as configured"]["table_tools"].values.token
    # ...and the same values; a row changed changes both.
    assert again["table_tools"].value() == contexts["as configured"]["table_tools"].value()
    changed = ranking_context(SETTINGS["as configured"], [*ROWS[:2], row("u3", "provinsi", "B", 3.9, 3)])
    assert fingerprint(changed) != prints["as configured"]
    assert changed["table_tools"].value() != contexts["as configured"]["table_tools"].value()
    # Each setting shows in the values it changes (so the fingerprint must cover it).
    values = {name: context["table_tools"].value() for name, context in contexts.items()}
    for name in ("grades reordered", "precision", "levels reordered"):
        assert values[name] != values["as configured"], name


@pytest.mark.parametrize("change", ["precision", "level order", "type order"])
def test_a_config_change_to_the_table_values_renders_ranking_pages_as_a_full_build(
        tmp_site: TmpSite, tmp_path: Path, change: str) -> None:
    from generator.settings import DEFAULT_LEVELS, DEFAULT_UNIT_TYPES

    def entries(table: str, items: list[dict[str, Any]]) -> str:
        return "".join(f"[[{table}]]\n" + "".join(f"{key} = {value!r}\n".replace("'", '"').replace(
            "False", "false").replace("True", "true") for key, value in item.items()) for item in items)

    assert tmp_site.build().exit_code == 0
    before = files(tmp_site.root / "output")
    extra = {"precision": "[scheme]\nprecision = 1\n",
             "level order": entries("levels", DEFAULT_LEVELS[::-1]),
             "type order": entries("unit_types", DEFAULT_UNIT_TYPES[::-1])}[change]
    tmp_site.config(extra)
    again = tmp_site.build()
    assert again.exit_code == 0, again.output
    full = tmp_site.build("--force", "-o", str(tmp_path / "full"))
    assert full.exit_code == 0, full.output
    after = files(tmp_site.root / "output")
    assert after == files(tmp_path / "full")
    assert rendered(again.output) > 0
    national = "2023/ranking/index.html"
    assert after[national] != before[national]
    filters = BeautifulSoup(after[national], "html.parser").select("tr[data-filter]")
    assert filters and all(tr["data-filter"] for tr in filters)


def test_parallel_and_serial_ranking_pages_are_identical(tmp_site: TmpSite, made: Made,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(generator.parallel, "SERIAL_BELOW", 1)
    monkeypatch.setattr(generator.parallel, "CHUNK", 3)
    renderer, plans = renderer_and_plans(tmp_site.root)
    pages = rankings(plans)
    parallel = [(path, html) for path, html, _ in generator.parallel.rendered_pages(renderer, pages, 2, search_page)]
    assert made == []  # made in the workers, not here
    assert all(plan.context["table_tools"]._made is None for plan in pages)
    _, fresh = renderer_and_plans(tmp_site.root)
    serial = [renderer.render(plan) for plan in rankings(fresh)]
    assert parallel == serial
    assert all(b"data-sort=" in html for _, html in parallel)


def test_a_worker_shares_one_builds_table_values_and_never_another_builds(tmp_site: TmpSite) -> None:
    """Plans sent to a worker (pickled) carry their build's TableValues by token: a worker's chunks share one (its
    unit-years' figures written once), and a next build's values are never made with this one's figures."""
    _, plans = renderer_and_plans(tmp_site.root)
    first, second = rankings(plans)[:2]
    sent = [pickle.loads(pickle.dumps(plan)) for plan in (first, second)]
    assert sent[0].context["table_tools"].values is sent[1].context["table_tools"].values
    assert sent[0].context["table_tools"].rows is sent[0].context["rows"]  # one list in the worker too
    assert sent[0].context["table_tools"]._made is None
    assert sent[0].context["table_tools"].value() == first.context["table_tools"].value()
    _, next_plans = renderer_and_plans(tmp_site.root)
    later = pickle.loads(pickle.dumps(rankings(next_plans)[0]))
    assert later.context["table_tools"].values is not sent[0].context["table_tools"].values
