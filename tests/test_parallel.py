"""Parallel rendering (generator/parallel.py) gives the serial build's output byte for byte, reports a worker's
template error as a serial build does, and combines with incremental builds; ranking rows' shared cells are
rendered once per language and unit-year (generator/ranking_rows.py) and a theme can change them."""

from __future__ import annotations

import multiprocessing
import pickle
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from test_incremental import CHANGES, files, rendered

import generator.parallel
from generator.errors import Problem, RaporError
from generator.model import build_model
from generator.pages import plan_site
from generator.pipeline import read_inputs
from generator.render import make_renderer
from generator.search_pages import search_page
from generator.sitedata import build_site_data

from scratch_site import TmpSite


@pytest.fixture
def pools(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Worker pools started, by size; the tiny test site is rendered by workers in chunks of three pages."""
    started: list[int] = []
    real = multiprocessing.get_context

    class Counting:
        def __init__(self, method: str) -> None:
            assert method == "spawn"  # never fork: see parallel.py
            self.context = real(method)

        def Pool(self, processes: int, **kwargs: Any) -> Any:
            started.append(processes)
            return self.context.Pool(processes, **kwargs)

        def __getattr__(self, name: str) -> Any:  # the rest (the pipe and lock that hand out the recipe)
            return getattr(self.context, name)

    monkeypatch.setattr(generator.parallel, "SERIAL_BELOW", 1)
    monkeypatch.setattr(generator.parallel, "CHUNK", 3)
    monkeypatch.setattr(generator.parallel.multiprocessing, "get_context", Counting)
    return started


def with_narrative(site: TmpSite) -> None:
    site.write("content/units/35.07-dpmptsp.md", "---\ntitle: Malang\n---\n\nCatatan **unit**.\n")
    site.write("content/units/35.07-dpmptsp.en.md", "---\ntitle: Malang\n---\n\nA note on the unit.\n")
    site.write("content/2023/index.md", "Tahun yang baik.\n")


def test_a_parallel_build_equals_a_serial_one_byte_for_byte(tmp_site: TmpSite, tmp_path: Path,
                                                            pools: list[int]) -> None:
    with_narrative(tmp_site)
    serial = tmp_site.build("--jobs", "1", "-o", str(tmp_path / "serial"))
    assert serial.exit_code == 0, serial.output
    assert pools == []
    parallel = tmp_site.build("--jobs", "2", "-o", str(tmp_path / "parallel"))
    assert parallel.exit_code == 0, parallel.output
    assert pools == [2]
    built = files(tmp_path / "parallel")
    assert built == files(tmp_path / "serial")
    assert "en/unit/35.07-dpmptsp/index.html" in built and b"A note on the unit." in built[
        "en/unit/35.07-dpmptsp/index.html"]
    assert rendered(parallel.output) == rendered(serial.output) > 70


def test_a_template_error_in_a_worker_is_reported_as_in_a_serial_build(tmp_site: TmpSite, pools: list[int]) -> None:
    assert tmp_site.build("--jobs", "1").exit_code == 0
    output = tmp_site.root / "output"
    before = files(output)
    tmp_site.config('theme = "kota"\n')
    tmp_site.write("themes/kota/templates/unit.html", "{% extends 'base.html' %}\n{% block main %}\n"
                   "{% if unit.id == '36.74-mpp' %}{{ no_such_value.name }}{% endif %}\n{% endblock %}\n")
    serial = tmp_site.build("--jobs", "1", "-q")
    parallel = tmp_site.build("--jobs", "2", "-q")
    assert pools == [2]
    assert serial.exit_code == parallel.exit_code == 2
    assert parallel.output == serial.output
    assert parallel.output.splitlines()[0] == (
        "themes/kota/templates/unit.html:3:1: template error on unit/36.74-mpp/index.html: "
        "'no_such_value' is undefined")
    assert "Traceback" not in parallel.output
    assert files(output) == before


@pytest.mark.parametrize("change", ["cell moving ranks", "rename", "template"])
def test_incremental_parallel_builds_equal_a_full_serial_build(tmp_site: TmpSite, tmp_path: Path,
                                                               pools: list[int], change: str) -> None:
    assert tmp_site.build("--jobs", "2").exit_code == 0
    CHANGES[change](tmp_site)
    again = tmp_site.build("--jobs", "2")
    assert again.exit_code == 0, again.output
    assert pools == [2, 2]
    assert rendered(again.output) > 0
    full = tmp_site.build("--force", "--jobs", "1", "-o", str(tmp_path / "full"))
    assert full.exit_code == 0
    assert files(tmp_site.root / "output") == files(tmp_path / "full")


def test_few_pages_or_one_job_render_in_the_building_process(tmp_site: TmpSite, pools: list[int],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    assert tmp_site.build("--jobs", "1").exit_code == 0
    assert tmp_site.build("--jobs", "4", "--force").exit_code == 0
    assert pools == [4]
    monkeypatch.setattr(generator.parallel, "SERIAL_BELOW", 10)
    tmp_site.write("content/units/35.07-dpmptsp.md", "---\ntitle: Malang\n---\n\nCatatan.\n")
    again = tmp_site.build("--jobs", "4")
    assert 0 < rendered(again.output) < 10 and pools == [4]  # an edit's few pages: no workers started


def test_jobs_must_be_a_positive_number(tmp_site: TmpSite) -> None:
    result = tmp_site.build("--jobs", "0")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "--jobs:1:1: invalid value for '--jobs' / '-j': 0 is not in the range x>=1",
        "  hint: see rapor build --help", "1 error found; nothing was written."]
    assert not (tmp_site.root / "output").exists()


def test_a_located_error_survives_the_trip_from_a_worker() -> None:
    error = RaporError([Problem("themes/kota/templates/unit.html", 3, 1, "template error on x", "a hint")])
    again = pickle.loads(pickle.dumps(error))
    assert isinstance(again, RaporError) and again.problems == error.problems and str(again) == str(error)


def renderer_and_plans(root: Path) -> tuple[Any, list[Any]]:
    inputs = read_inputs(root)
    model = build_model(inputs.results, inputs.units, inputs.provinces, inputs.config.scheme)
    data = build_site_data(model, inputs.config.scheme, {})
    plans = list(plan_site(inputs.config, data, inputs.pages, inputs.corrections))
    return make_renderer(inputs.config, data, inputs.pages, inputs.theme), plans


def test_each_rows_shared_cells_are_rendered_once_per_language_and_unit_year(tmp_site: TmpSite) -> None:
    renderer, plans = renderer_and_plans(tmp_site.root)
    tables = [plan for plan in plans if plan.template in ("ranking.html", "province.html")]
    shown = [(plan.lang, row["year"], row["unit_id"]) for plan in tables for row in plan.context["rows"]]
    for plan in plans:
        renderer.render(plan)
    assert renderer.row_cells.rendered == len(set(shown))
    assert len(shown) > 3 * len(set(shown))  # national, level, type, province rankings and province pages
    assert {lang for lang, _, _ in shown} == {"id", "en"}


def test_a_theme_changes_the_shared_cells_of_every_ranking_row(tmp_site: TmpSite) -> None:
    tmp_site.config('theme = "kota"\n')
    tmp_site.write("themes/kota/templates/_ranking_row.html",
                   "{% macro cells(row) %}<td class=\"mine\">{{ row['grade'] or '-' }} "
                   "{{ fmt.number(row['index'], precision) }}</td>{% endmacro %}\n")
    result = tmp_site.build()
    assert result.exit_code == 0, result.output
    output = tmp_site.root / "output"
    for page, expected in (("2023/ranking/index.html", "A- 4,20"), ("en/2023/ranking/province/35/index.html",
                                                                     "A- 4.20"), ("province/35/index.html", "A- 4,20")):
        table = BeautifulSoup((output / page).read_text(encoding="utf-8"), "html.parser").select_one("table.ranking")
        assert table is not None
        malang = next(tr for tr in table.select("tbody tr") if "Malang" in tr.get_text())
        assert [td.get_text() for td in malang.select("td.mine")] == [expected], page


def test_the_shared_cells_cannot_use_a_pages_own_values(tmp_site: TmpSite) -> None:
    """They are reused on pages at other depths: a link from the page's root would be wrong on all but one."""
    tmp_site.config('theme = "kota"\n')
    tmp_site.write("themes/kota/templates/_ranking_row.html",
                   "{% macro cells(row) %}<td>{{ url('unit/') }}</td>{% endmacro %}\n")
    result = tmp_site.build("-q")
    assert result.exit_code == 2
    assert result.output.splitlines()[0].startswith(
        "themes/kota/templates/_ranking_row.html:1:1: template error on 2022/ranking/index.html: ")


def test_values_that_cannot_go_to_another_process_render_here(tmp_site: TmpSite, pools: list[int]) -> None:
    """A theme or plug-in value that pickle cannot send (a local function) keeps the build in one process."""
    renderer, plans = renderer_and_plans(tmp_site.root)
    expected = [renderer.render(plan) for plan in plans]
    for values in renderer.common.values():
        values["shout"] = lambda text: text.upper()
    got = list(generator.parallel.rendered_pages(renderer, plans, 2, search_page))
    assert [(path, html) for path, html, _ in got] == expected
    assert [found for _, _, found in got] == [search_page(html) for _, html in expected]
    assert pools == []


def test_a_page_reaching_the_tables_workers_do_not_get_is_rendered_in_the_build(
        tmp_site: TmpSite, tmp_path: Path, pools: list[int]) -> None:
    """Workers get SiteData without its per-unit tables (memory); a theme whose page reads them through a chart
    maker still gets the serial build's output: those chunks are rendered in the building process."""
    tmp_site.config('theme = "kota"\n')
    tmp_site.write("themes/kota/templates/unit.html", "{% extends 'base.html' %}\n{% block main %}\n"
                   "<p id=n>{{ page_charts.data.history|length }} {{ page_charts.data.units[unit.id].name }}</p>\n"
                   "{% endblock %}\n")
    serial = tmp_site.build("--jobs", "1", "-o", str(tmp_path / "serial"))
    parallel = tmp_site.build("--jobs", "2", "-o", str(tmp_path / "parallel"))
    assert serial.exit_code == parallel.exit_code == 0, parallel.output
    assert pools == [2]
    built = files(tmp_path / "parallel")
    assert built == files(tmp_path / "serial")
    inputs = read_inputs(tmp_site.root)
    data = build_site_data(build_model(inputs.results, inputs.units, inputs.provinces, inputs.config.scheme),
                           inputs.config.scheme, {})
    page = BeautifulSoup(built["unit/35.07-dpmptsp/index.html"], "html.parser")
    assert page.select_one("#n").get_text() == f"{len(data.history)} {data.units['35.07-dpmptsp']['name']}"


def test_workers_replaced_after_their_share_of_chunks_render_the_same_pages(
        tmp_site: TmpSite, tmp_path: Path, pools: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(generator.parallel, "CHUNKS_PER_WORKER", 2)
    with_narrative(tmp_site)
    serial = tmp_site.build("--jobs", "1", "-o", str(tmp_path / "serial"))
    parallel = tmp_site.build("--jobs", "2", "-o", str(tmp_path / "parallel"))
    assert serial.exit_code == parallel.exit_code == 0, parallel.output
    assert len(pools) > 3 and set(pools) <= {1, 2}  # a pool per four chunks (a last, smaller one may have one)
    assert files(tmp_path / "parallel") == files(tmp_path / "serial")
    assert rendered(parallel.output) == rendered(serial.output) > 70


def test_workers_started_ahead_render_the_first_round(tmp_site: TmpSite, pools: list[int]) -> None:
    """A full build starts its workers before the downloads and fingerprints (started_workers); rendering then
    uses them, with the serial output, and starts no other pool."""
    renderer, plans = renderer_and_plans(tmp_site.root)
    expected = [renderer.render(plan) for plan in plans]
    started = generator.parallel.started_workers(renderer, len(plans), 2)
    assert started is not None and pools == [2]
    got = list(generator.parallel.rendered_pages(renderer, plans, 2, search_page, started))
    assert [(path, html) for path, html, _ in got] == expected
    assert pools == [2]


def test_workers_started_before_the_renderer_changed_are_replaced(tmp_site: TmpSite, pools: list[int]) -> None:
    """Workers make the renderer as it was when they started: if it changed since, fresh ones render the pages."""
    renderer, plans = renderer_and_plans(tmp_site.root)
    started = generator.parallel.started_workers(renderer, len(plans), 2)
    for lang, values in renderer.common.items():
        values["site_title"] = f"Changed after the start ({lang})"
    expected = [renderer.render(plan) for plan in plans]
    assert all(b"Changed after the start" in html for _, html in expected if html.startswith(b"<!DOCTYPE"))
    got = list(generator.parallel.rendered_pages(renderer, plans, 2, search_page, started))
    assert [(path, html) for path, html, _ in got] == expected
    assert pools == [2, 2]


def test_no_workers_start_ahead_for_few_pages_or_one_job(tmp_site: TmpSite, pools: list[int],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    renderer, plans = renderer_and_plans(tmp_site.root)
    assert generator.parallel.started_workers(renderer, len(plans), 1) is None
    monkeypatch.setattr(generator.parallel, "SERIAL_BELOW", len(plans) + 1)
    assert generator.parallel.started_workers(renderer, len(plans), 2) is None
    assert pools == []


def test_render_workers_load_neither_pandas_nor_altair(tmp_site: TmpSite, tmp_path: Path) -> None:
    """A worker imports what rendering needs (parallel.py's imports and its recipe's classes): not pandas,
    numpy or altair, whose import costs each worker of each round seconds."""
    import subprocess
    import sys

    renderer, _ = renderer_and_plans(tmp_site.root)
    recipe = generator.parallel._recipe(renderer)
    assert recipe is not None
    (tmp_path / "recipe").write_bytes(recipe)
    code = ("import sys, pathlib\nfrom generator.parallel import _rebuild\n"
            f"_rebuild(pathlib.Path({str(tmp_path / 'recipe')!r}).read_bytes())\n"
            "print(sorted(m for m in ('pandas', 'numpy', 'altair') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
