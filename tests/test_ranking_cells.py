"""A ranking row's shared cells written in Python (ranking_rows.write_cells): byte for byte what the `cells`
macro of Rapor's own _ranking_row.html writes, on every row of a site with hostile names and of the sample;
and a theme's own _ranking_row.html still used in their place."""

from __future__ import annotations

from pathlib import Path

from share_site import share_site

from generator.history_rows import theme_macro
from generator.model import build_model
from generator.pipeline import read_inputs
from generator.ranking_rows import ROW_TEMPLATE, RowCells, write_cells
from generator.render import make_renderer
from generator.sitedata import build_site_data

from scratch_site import TmpSite

REPO = Path(__file__).resolve().parents[1]


def rows_written_both_ways(root: Path) -> int:
    inputs = read_inputs(root)
    model = build_model(inputs.results, inputs.units, inputs.provinces, inputs.config.scheme)
    names = dict(zip(inputs.provinces["code"], inputs.provinces["name"], strict=True))
    data = build_site_data(model, inputs.config.scheme, names)
    renderer = make_renderer(inputs.config, data, inputs.pages, inputs.theme)
    compared = 0
    for lang, common in renderer.common.items():
        macro = theme_macro(renderer.env, ROW_TEMPLATE, "cells", common)
        for rows in data.rows_by_year.values():
            for row in rows:
                assert write_cells(common, row) == str(macro(row)), (lang, row["unit_id"], row["year"])
                compared += 1
    return compared


def test_python_cells_write_what_the_macro_writes(tmp_path: Path) -> None:
    """Hostile names, grades and figures missing (not evaluated), in both languages."""
    site = share_site(tmp_path / "site")
    assert rows_written_both_ways(site.root) > 0


def test_python_cells_write_what_the_macro_writes_on_the_sample() -> None:
    assert rows_written_both_ways(REPO) > 10_000


def test_a_themes_own_row_template_is_used(tmp_site: TmpSite) -> None:
    tmp_site.config('theme = "kota"\n')
    tmp_site.write(f"themes/kota/templates/{ROW_TEMPLATE}",
                   "{% macro cells(row) -%}<td class=\"own\">{{ row['grade'] }}</td>{%- endmacro %}")
    result = tmp_site.build()
    assert result.exit_code == 0, result.output
    national = next(path for path in (tmp_site.root / "output/2023").rglob("*.html")
                    if "<table" in path.read_text(encoding="utf-8") and "ranking" in path.as_posix())
    assert '<td class="own">' in national.read_text(encoding="utf-8")


def test_rapors_own_row_template_is_written_in_python(tmp_site: TmpSite) -> None:
    inputs = read_inputs(tmp_site.root)
    model = build_model(inputs.results, inputs.units, inputs.provinces, inputs.config.scheme)
    data = build_site_data(model, inputs.config.scheme, {"11": "Aceh", "35": "Jawa Timur", "36": "Banten"})
    renderer = make_renderer(inputs.config, data, inputs.pages, inputs.theme)
    cells = RowCells(renderer.env, renderer.common)
    row = next(iter(data.rows_by_year.values()))[0]
    cells.cells("id", row)
    assert cells._macros["id"].func is write_cells  # type: ignore[attr-defined]
