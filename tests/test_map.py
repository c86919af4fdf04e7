"""The province map on the league pages: a static SVG drawn from the project's TopoJSON, one shape per province
coloured by its average (or hatched: no data), with a legend, a summary, a data table and a Vega-Lite spec."""

from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from generator.boundaries import project
from generator.bundled import REFERENCE_DATA
from generator.league import league_by_year, province_league
from generator.league_pages import league_scale
from generator.map_svg import MAX_CLASSES, PALETTES, fit_scale
from generator.model import build_model
from generator.pipeline import read_inputs

from scratch_site import TmpSite

MAP = "data/reference/provinsi-38-kemendagri.topo.json"
PROVINCES = "data/reference/provinsi.csv"
PATH_DATA = re.compile(r"(M\d+ \d+l(-?\d+(( |-)\d+)*)?z)+")


@pytest.fixture
def map_site(tmp_site: TmpSite) -> TmpSite:
    """The tiny project with Indonesia's 38 provinces and their boundaries, as `rapor init` copies them."""
    tmp_site.write(PROVINCES, (REFERENCE_DATA / "provinsi.csv").read_bytes())
    tmp_site.write(MAP, (REFERENCE_DATA / "provinsi-38-kemendagri.topo.json").read_bytes())
    return tmp_site


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def league_of(site: TmpSite) -> dict[int, list[dict[str, object]]]:
    inputs = read_inputs(site.root)
    model = build_model(inputs.results, inputs.units, inputs.provinces, inputs.config.scheme)
    return league_by_year(province_league(model, inputs.provinces, inputs.config.scheme), inputs.config.scheme)


def picture(page: BeautifulSoup) -> Tag:
    svg = page.select_one("#fig-province-map .chart-picture svg")
    assert isinstance(svg, Tag)
    return svg


def test_the_reference_map_has_all_38_provinces(map_site: TmpSite) -> None:
    inputs = read_inputs(map_site.root)
    boundaries = inputs.boundaries
    assert boundaries is not None
    assert sorted(boundaries.paths) == sorted(inputs.provinces["code"]) and len(boundaries.paths) == 38
    for code, d in boundaries.paths.items():
        assert PATH_DATA.fullmatch(d), code
    assert boundaries.width == 1000 and 300 < boundaries.height < 450  # Indonesia is about 2.7 times wider


def test_every_shape_is_drawn_and_coloured_by_its_average(map_site: TmpSite) -> None:
    assert map_site.build().exit_code == 0
    league = league_of(map_site)
    for lang in ("id", "en"):
        for year, rows in league.items():
            page = soup(map_site.root / "output" / ("" if lang == "id" else "en/") / str(year) / "provinces/index.html")
            svg = picture(page)
            shapes = svg.find_all("path")
            assert len(shapes) == 38
            scale = league_scale(rows)
            legend = [item.get_text(" ", strip=True) for item in page.select(".map-legend li")]
            fills = [str(rect["fill"]) for rect in page.select(".map-legend li svg > rect")]
            assert len(legend) == len(scale.colours) + 1 and fills[:-1] == list(scale.colours)
            for row in rows:
                shape = svg.find("path", id=f"province-map-p{row['province']}")
                assert isinstance(shape, Tag), row["province"]
                title = shape.find("title")
                assert title is not None and title.get_text().startswith(f"{row['name']}: ")
                if row["has_data"]:
                    assert shape["class"] == ["has-data"]
                    assert shape["fill"] == scale.colour(float(row["mean"]))  # type: ignore[arg-type]
                    # The shape's colour is the legend entry whose range holds the average.
                    low, high = legend[fills.index(str(shape["fill"]))].replace(",", ".").split("–")
                    assert float(low) <= float(row["mean"]) <= float(high)  # type: ignore[arg-type]
                else:
                    assert shape["class"] == ["no-data"] and shape["fill"] == "url(#province-map-nodata)"
                    assert title.get_text() == f"{row['name']}: {'tidak ada data' if lang == 'id' else 'no data'}"
            assert svg.find("pattern", id="province-map-nodata") is not None
            assert legend[-1] == ("tidak ada data" if lang == "id" else "no data")
            assert page.select(".map-legend li")[-1].find("pattern") is not None  # the hatch, not a colour


def test_shape_titles_and_summary_hold_the_models_numbers(map_site: TmpSite) -> None:
    assert map_site.build().exit_code == 0
    rows = league_of(map_site)[2023]
    page = soup(map_site.root / "output/en/2023/provinces/index.html")
    title = picture(page).find("path", id="province-map-p35")
    assert title is not None and title.get_text() == "Jawa Timur: 4.15, rank 1 of 3"
    figure = page.select_one("#fig-province-map")
    assert figure is not None
    summary = "Highest average Jawa Timur (4.15), lowest Aceh (3.80); 35 of 38 provinces have no data."
    assert figure.select_one(".chart-summary").get_text() == summary  # type: ignore[union-attr]
    assert figure.select_one(".chart-picture")["aria-label"] == summary  # type: ignore[index]
    table = [[c.get_text(strip=True) for c in tr.find_all(["th", "td"])] for tr in figure.select("tbody tr")]
    assert table[:3] == [["Jawa Timur", "4.15", "1"], ["Banten", "4.00", "2"], ["Aceh", "3.80", "3"]]
    assert table[3:] == [[str(row["name"]), "no data", "–"] for row in rows[3:]]


def test_the_vega_lite_spec_draws_the_same_map_from_the_sites_own_copy(map_site: TmpSite) -> None:
    assert map_site.build().exit_code == 0
    out = map_site.root / "output"
    rows = league_of(map_site)[2023]
    scale = league_scale(rows)
    page_path = "en/2023/provinces/index.html"
    script = soup(out / page_path).select_one("#fig-province-map script.chart-spec")
    assert script is not None
    spec = json.loads(script.get_text())
    url = spec["data"]["url"]
    assert not url.startswith(("http:", "https:", "/"))
    published = out / posixpath.normpath(posixpath.join(posixpath.dirname(page_path), url))
    assert published.read_bytes() == (map_site.root / MAP).read_bytes()
    assert spec["data"]["format"] == {"type": "topojson", "feature": "provinsi"}
    assert spec["mark"]["type"] == "geoshape"
    lookup = spec["transform"][0]
    assert lookup["lookup"] == "id" and lookup["from"]["key"] == "province"
    values = {v["province"]: v for v in spec["datasets"][lookup["from"]["data"]["name"]]}
    assert len(values) == 38
    for row in rows:
        value = values[str(row["province"])]
        assert value["mean"] == (row["mean"] if row["has_data"] else None)
        assert value["href"] == (f"../../province/{row['province']}/index.html"
                                 if row["province"] in ("11", "35", "36") else None)
    colour = spec["encoding"]["color"]
    assert colour["condition"]["field"] == "mean"
    assert colour["condition"]["scale"] == {"type": "threshold", "domain": scale.thresholds(),
                                            "range": list(scale.colours)}
    assert spec["encoding"]["href"]["field"] == "href"


def test_the_interactive_map_reads_numbers_in_the_pages_language(map_site: TmpSite) -> None:
    """The legend and tooltips vega-embed draws follow the page's number format, as the year charts' do: an
    Indonesian page's legend says 3,8, not 3.8."""
    assert map_site.build().exit_code == 0
    out = map_site.root / "output"
    for page_path, decimal, thousands in (("2023/provinces/index.html", ",", "."),
                                          ("en/2023/provinces/index.html", ".", ",")):
        script = soup(out / page_path).select_one("#fig-province-map script.chart-spec")
        assert script is not None
        spec = json.loads(script.get_text())
        # No legend drawn into the map: the page's key under it names every class, and a phone keeps the width.
        assert spec["encoding"]["color"]["condition"]["legend"] is None
        options = spec["usermeta"]["embedOptions"]
        assert options["formatLocale"]["decimal"] == decimal, page_path
        assert options["formatLocale"]["thousands"] == thousands, page_path


def test_hostile_province_names_are_escaped(map_site: TmpSite) -> None:
    hostile = 'Banten</title><script>alert(1)</script> & "q" <b>'
    text = (REFERENCE_DATA / "provinsi.csv").read_text(encoding="utf-8")
    map_site.write(PROVINCES, text.replace("36,Banten,", f'36,"{hostile.replace(chr(34), chr(34) * 2)}",'))
    assert map_site.build().exit_code == 0
    html = (map_site.root / "output/2023/provinces/index.html").read_text(encoding="utf-8")
    page = BeautifulSoup(html, "lxml")
    assert "<script>alert" not in html and "<b>" not in html
    assert [s.get("class") for s in page.find_all("script")] == [["chart-spec"]]
    title = picture(page).find("path", id="province-map-p36")
    assert title is not None and title.get_text() == f"{hostile}: 4,00, peringkat 2 dari 3"
    spec = json.loads(page.select_one("script.chart-spec").get_text())  # type: ignore[union-attr]
    names = [v["name"] for data in spec["datasets"].values() for v in data]
    assert hostile in names


def test_a_map_and_province_list_that_disagree_are_located_errors(map_site: TmpSite) -> None:
    text = (map_site.root / MAP).read_text(encoding="utf-8")
    changed = text.replace('"id":"96"', '"id":"99"', 1)
    assert changed != text
    map_site.write(MAP, changed)
    column = changed.index('"id":"99"') + 1
    result = map_site.build()
    assert result.exit_code == 2
    assert (f"{MAP}:1:{column}: province code '99' of the province map is not in {PROVINCES}\n"
            f"  hint: the map's geometry ids must be the codes of data.provinces, or set data.province_map = \"\" "
            "in rapor.toml to build without a map\n") in result.output
    assert (f"{MAP}:1:1: province 'Papua Barat Daya' (96) of {PROVINCES} has no shape in the province map\n"
            f"  hint: add a geometry with id \"96\", or set data.province_map = \"\" in rapor.toml to build "
            "without a map\n") in result.output
    assert not (map_site.root / "output").exists()


def test_a_map_that_is_not_json_is_a_located_error(map_site: TmpSite) -> None:
    map_site.write(MAP, '{"type": "Topology",\n  "arcs": [}\n')
    result = map_site.validate()
    assert result.exit_code == 2
    assert f"{MAP}:2:12: the province map is not valid JSON: Expecting value\n" in result.output


def test_a_named_map_that_is_missing_is_an_error_and_an_empty_setting_means_no_map(map_site: TmpSite) -> None:
    map_site.config('[data]\nprovince_map = "data/peta.topo.json"\n')
    result = map_site.validate()
    assert result.exit_code == 2 and "data/peta.topo.json:1:1: cannot read the province map" in result.output
    map_site.config('[data]\nprovince_map = ""\n')
    assert map_site.build().exit_code == 0
    page = soup(map_site.root / "output/2023/provinces/index.html")
    assert page.select_one("#fig-province-map") is None and page.select_one("table.league") is not None
    assert not (map_site.root / "output/static/map").exists()


def test_a_project_without_the_map_file_builds_without_a_map(tmp_site: TmpSite) -> None:
    assert tmp_site.build().exit_code == 0
    page = soup(tmp_site.root / "output/2023/provinces/index.html")
    assert page.select_one("#fig-province-map") is None and page.select_one("table.league") is not None


def test_the_map_stays_light_and_is_projected_once_per_process(map_site: TmpSite) -> None:
    project.cache_clear()
    assert map_site.build().exit_code == 0
    assert map_site.build().exit_code == 0
    assert project.cache_info().misses == 1 and project.cache_info().hits >= 1
    page = (map_site.root / "output/2023/provinces/index.html").read_text(encoding="utf-8")
    svg = re.search(r"<svg[^>]*class=\"province-map\".*?</svg>", page, re.S)
    assert svg is not None and len(svg.group(0).encode()) < 25_000
    assert len(page.encode()) < 80_000


@pytest.mark.parametrize(("values", "precision"), [([3.24, 4.15], 2), ([3.5], 2), ([], 2), ([0.0, 5.0], 2),
                                                  ([3.8, 3.81, 3.9], 2), ([2.1, 2.1, 4.77], 2), ([62.3, 88.9], 1),
                                                  ([71.15, 71.2], 1), ([12, 97], 0)])
def test_colour_classes_cover_the_values_in_order(values: list[float], precision: int) -> None:
    scale = fit_scale(values, precision)
    digit = 10 ** -precision
    widths = [high - low for low, high in zip(scale.lows, [*scale.lows[1:], scale.top], strict=True)]
    assert not values or all(round(width / digit) >= 1 and abs(width / digit - round(width / digit)) < 1e-6
                             for width in widths)
    assert 1 <= len(scale.colours) <= MAX_CLASSES and scale.colours == PALETTES[len(scale.colours)]
    assert (list(scale.lows) == sorted(scale.lows) and scale.lows[-1] < scale.top) or len(scale.lows) == 1
    for value in values:
        assert scale.lows[0] <= value <= scale.top
    ordered = [scale.colours.index(scale.colour(v)) for v in sorted(values)]
    assert ordered == sorted(ordered)


def test_the_map_credits_its_boundaries_in_each_language(map_site: TmpSite) -> None:
    assert map_site.build().exit_code == 0
    notes = {lang: [n.get_text() for n in soup(map_site.root / "output" / path).select("#fig-province-map .chart-note")]
             for lang, path in (("id", "2023/provinces/index.html"), ("en", "en/2023/provinces/index.html"))}
    source = "denyherianto/indonesia-geojson-topojson-maps-with-38-provinces (CC BY 4.0)"
    assert f"Batas provinsi: {source}, kode 93–96 ditambahkan." in notes["id"]
    assert f"Province boundaries: {source}, codes 93–96 added." in notes["en"]
    map_site.config('[data]\nprovince_map_credit_id = ""\nprovince_map_credit_en = "Peta <saya> & co"\n')
    assert map_site.build().exit_code == 0
    page = soup(map_site.root / "output/2023/provinces/index.html")
    assert not [n for n in page.select("#fig-province-map .chart-note") if "Batas" in n.get_text()]
    english = soup(map_site.root / "output/en/2023/provinces/index.html").select("#fig-province-map .chart-note")
    assert english[-1].get_text() == "Province boundaries: Peta <saya> & co."


def test_the_home_page_shows_the_latest_years_map(map_site: TmpSite) -> None:
    assert map_site.build().exit_code == 0
    rows = league_of(map_site)[2023]
    for path in ("index.html", "en/index.html"):
        page = soup(map_site.root / "output" / path)
        svg = picture(page)
        scale = league_scale(rows)
        for row in rows:
            shape = svg.find("path", id=f"province-map-p{row['province']}")
            assert isinstance(shape, Tag)
            assert shape["fill"] == (scale.colour(float(row["mean"])) if row["has_data"]  # type: ignore[arg-type]
                                     else "url(#province-map-nodata)")
        section = page.select_one("section.home-map")
        assert section is not None
        targets = {posixpath.normpath(posixpath.join(posixpath.dirname(path), str(a["href"])))
                   for a in section.find_all("a", href=True)}
        assert posixpath.join(posixpath.dirname(path), "2023/provinces/index.html") in targets
        spec = json.loads(section.select_one("script.chart-spec").get_text())  # type: ignore[union-attr]
        url = posixpath.normpath(posixpath.join(posixpath.dirname(path), spec["data"]["url"]))
        assert url == "static/map/provinces.topo.json"


BROKEN_TOPOLOGIES = [
    '[]',
    '{"type": "Topology", "arcs": [[[0, 0], [1, 1]]], "objects": {}}',
    '{"type": "Topology", "arcs": [[[0, 0], ["x", 1]]], "objects": {"provinsi": {"type": "GeometryCollection", '
    '"geometries": [{"type": "Polygon", "id": "11", "arcs": [[0]]}]}}}',
    '{"type": "Topology", "arcs": [[[0, 0], [1, 1]]], "objects": {"provinsi": {"type": "GeometryCollection", '
    '"geometries": [{"type": "Point", "id": "11", "coordinates": [0, 0]}]}}}',
    '{"type": "Topology", "arcs": [[[0, 0], [1, 1]]], "objects": {"provinsi": {"type": "GeometryCollection", '
    '"geometries": [{"type": "Polygon", "id": "11", "arcs": [[5]]}]}}}',
    '{"type": "Topology", "transform": {"scale": [1]}, "arcs": [[[0, 0], [1, 1]]], "objects": {"provinsi": '
    '{"type": "GeometryCollection", "geometries": [{"type": "Polygon", "id": "11", "arcs": [[0]]}]}}}',
    '{"type": "Topology", "arcs": [[]], "objects": {"provinsi": {"type": "GeometryCollection", '
    '"geometries": [{"type": "Polygon", "id": "11", "arcs": [[0]]}]}}}',
]


@pytest.mark.parametrize("text", BROKEN_TOPOLOGIES)
def test_a_map_that_is_not_a_topology_of_provinces_is_an_error(map_site: TmpSite, text: str) -> None:
    map_site.write(MAP, text)
    result = map_site.validate()
    assert result.exit_code == 2
    assert (f"{MAP}:1:1: the province map is not a TopoJSON topology with one collection of province shapes\n"
            in result.output), result.output


def test_a_shape_without_a_code_is_named(map_site: TmpSite) -> None:
    text = (map_site.root / MAP).read_text(encoding="utf-8").replace(',"id":"11"', "", 1)
    text = text.replace('"kode":"11",', "", 1)
    map_site.write(MAP, text)
    result = map_site.validate()
    assert result.exit_code == 2
    column = text.index('"Aceh"') + 1
    assert f"{MAP}:1:{column}: a shape of the province map ('Aceh') has no province code\n" in result.output
