"""Year-level charts: Vega-Lite specs and figure tables hold the model's numbers (in the page's number format),
the static SVG is in the page and inert whatever the labels hold, and the picture cache spares vl-convert."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from generator import chart_svg, charts
from generator.chart_figures import ChartFigures
from generator.chart_kinds import Selection
from generator.chart_svg import ChartDrawer, chart_key, inline_svg
from generator.figures import Figure
from generator.model import build_model
from generator.pipeline import read_inputs
from generator.sitedata import SiteData, build_site_data

from scratch_site import TmpSite

HOSTILE = '</script><svg onload="alert(1)">&'


class FakeDrawer(ChartDrawer):
    """Draws nothing: records the specs it was asked for (the pure parts are tested without vl-convert)."""

    def __init__(self) -> None:
        super().__init__(None, memory={})
        self.specs: list[dict[str, Any]] = []

    def svg(self, spec: dict[str, Any], format_locale: dict[str, Any]) -> str:
        self.specs.append(spec)
        return '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect id="clip1"/></svg>'


def site_figures(site: TmpSite, monkeypatch: pytest.MonkeyPatch) -> tuple[ChartFigures, SiteData, Any]:
    # Every spec the tests make is checked against Vega-Lite's JSON schema.
    monkeypatch.setattr(charts, "SCHEMA_CHECK", True)
    inputs = read_inputs(site.root)
    model = build_model(inputs.results, inputs.units, inputs.provinces, inputs.config.scheme)
    names = dict(zip(inputs.provinces["code"], inputs.provinces["name"], strict=True))
    data = build_site_data(model, inputs.config.scheme, names)
    return ChartFigures(inputs.config, data, inputs.theme.locales, FakeDrawer()), data, model


def values(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The data rows of a spec: its named datasets (every view refers to one of them by name)."""
    views = [spec, *spec.get("layer", [])]
    assert all(view["data"]["name"] in spec["datasets"] for view in views if "data" in view)
    return [row for rows in spec["datasets"].values() for row in rows]


def test_grade_distribution_spec_and_table_hold_the_models_counts(tmp_site: TmpSite,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    figures, _, model = site_figures(tmp_site, monkeypatch)
    figure = figures.figure("grade-distribution", Selection(2023), "id", "grade-distribution")
    spec = figure.spec
    assert spec is not None
    assert spec["mark"]["type"] == "bar"
    assert spec["encoding"]["x"]["field"] == "count" and spec["encoding"]["x"]["stack"] == "normalize"
    assert spec["encoding"]["y"]["field"] == "group"
    scheme = figures.config.scheme
    assert spec["encoding"]["color"]["scale"] == {"domain": [g.letter for g in scheme.grades],
                                                  "range": [g.color for g in scheme.grades]}
    expected = {(r.level, r.type, r.grade): int(r.count)
                for r in model.grade_counts[model.grade_counts["year"] == 2023].itertuples()}
    labels = {f"{t.label('id')} · {lv.label('id')}": (lv.key, t.key)
              for lv in figures.config.levels for t in figures.config.unit_types}
    drawn = {(*labels[row["group"]], row["grade"]): row["count"] for row in values(spec)}
    assert drawn == expected
    # The table: a row per level and type, a column per grade, the counts as the page shows them.
    letters = [g.letter for g in scheme.grades]
    assert figure.table.columns == ("Kelompok", *letters, "Dinilai")
    for row in figure.table.rows:
        level, kind = labels[row[0]]
        assert row[1:-1] == tuple(str(expected.get((level, kind, letter), 0)) for letter in letters)
        assert row[-1] == str(sum(expected.get((level, kind, letter), 0) for letter in letters))
    assert figure.summary == "7 unit dinilai pada 2023; predikat terbanyak B (Baik): 4 unit (57%)."


def test_trend_spec_and_table_hold_the_national_averages_in_locale_format(tmp_site: TmpSite,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    figures, data, _ = site_figures(tmp_site, monkeypatch)
    for lang, decimal in (("id", ","), ("en", ".")):
        figure = figures.figure("national-trend", Selection(2023), lang, "national-trend")
        assert figure.spec is not None
        means = {row["year"]: row["mean"] for row in values(figure.spec) if "mean" in row}
        national = {str(y): data.average(y, "all", "", "index") for y in data.years}
        assert means == {y: a["mean"] for y, a in national.items() if a is not None}
        layer_marks = [layer["mark"]["type"] for layer in figure.spec["layer"]]
        assert layer_marks == ["line", "point", "text"]
        assert figure.spec["layer"][0]["encoding"]["x"]["field"] == "year"
        assert figure.spec["layer"][0]["encoding"]["y"]["field"] == "mean"
        rows = {row[0]: row[1:] for row in figure.table.rows}
        for year, average in national.items():
            assert average is not None
            shown = f"{average['mean']:.2f}".replace(".", decimal)
            assert rows[year][0] == shown
        delta = national["2023"]["delta"] if national["2023"] else None
        assert delta is not None
        assert rows["2023"][1] == ("+" if delta > 0 else "\u2212") + f"{abs(delta):.2f}".replace(".", decimal)
        assert rows["2022"][1] == "–"
        assert figure.spec["usermeta"]["embedOptions"]["formatLocale"]["decimal"] == decimal


def test_aspect_averages_compare_with_the_previous_year_and_a_first_year_has_no_comparison(
        tmp_site: TmpSite, monkeypatch: pytest.MonkeyPatch) -> None:
    figures, data, _ = site_figures(tmp_site, monkeypatch)
    figure = figures.figure("aspect-averages", Selection(2023), "en", "aspect-averages")
    assert figure.table.columns == ("Aspect", "2023", "2022", "Change")
    names = {a.label("en"): a.key for a in figures.config.scheme.aspects}
    for name, now, before, change in figure.table.rows:
        average = data.aspect_average(2023, "all", "", names[name])
        assert average is not None
        assert (now, before) == (f"{average['mean']:.2f}", f"{average['previous']:.2f}")
        assert change == figures.locales["en"].signed(average["delta"], 2)
    assert figure.notes == ("Open circle: the 2022 average; black dot: this year's.",)
    assert figure.spec is not None
    assert {row["aspect"]: row["mean"] for row in values(figure.spec) if "aspect" in row} == {
        name: data.aspect_average(2023, "all", "", key)["mean"] for name, key in names.items()}  # type: ignore[index]
    first = figures.figure("aspect-averages", Selection(2022), "id", "aspect-averages")
    assert first.table.columns == ("Aspek", "2022")
    assert first.notes == ()
    assert first.spec is not None and len(first.spec["layer"]) == 2  # no previous-year marks
    assert figure.spec["layer"][2]["encoding"]["x"]["field"] == "mean"
    assert figure.spec["layer"][0]["encoding"]["x"]["field"] == "previous"
    trend = figures.figure("national-trend", Selection(2022), "id", "national-trend")
    assert trend.summary == f"Rata-rata 2022: {trend.table.rows[0][1]}; belum ada tahun sebelumnya untuk dibandingkan."


def test_index_distribution_counts_every_evaluated_unit_once_in_its_bin(tmp_site: TmpSite,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    figures, data, _ = site_figures(tmp_site, monkeypatch)
    figure = figures.figure("index-distribution", Selection(2023), "id", "index-distribution")
    scores = sorted(float(r["score"]) for r in data.rows_by_year[2023] if r["evaluated"])
    assert figure.spec is not None
    bars = [row for row in values(figure.spec) if "count" in row]
    assert sum(row["count"] for row in bars) == len(scores)
    for row in bars:
        inside = [s for s in scores if row["low"] - 1e-9 <= s < row["high"] - 1e-9]
        assert row["count"] == len(inside), row
    bands = [row for row in values(figure.spec) if "start" in row]
    assert {row["grade"] for row in bands} >= {figures.config.scheme.grade_for(s).letter  # type: ignore[union-attr]
                                              for s in scores}
    table = {row[0]: row[1:] for row in figure.table.rows}
    assert table["4,51–4,60"] == ("A", "1")  # 4,55
    assert table["3,91–4,00"] == ("B", "1")  # 3,95
    assert sum(int(count) for _, count in table.values()) == len(scores)


def test_a_selection_narrows_the_chart_and_names_itself_in_the_title(tmp_site: TmpSite,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    figures, _, _ = site_figures(tmp_site, monkeypatch)
    figure = figures.figure("grade-distribution", Selection(2023, province="35"), "id", "narrative-chart-1")
    assert figure.title == "Sebaran predikat per kelompok, 2023 — Jawa Timur"
    assert [row[0] for row in figure.table.rows] == ["DPMPTSP · Provinsi", "DPMPTSP · Kabupaten/Kota"]
    assert [row[-1] for row in figure.table.rows] == ["1", "2"]
    empty = figures.figure("index-distribution", Selection(2023, type="samsat"), "en", "x")
    assert empty.summary == "No unit was evaluated in 2023 for this selection." and empty.table.rows == ()


def test_inline_svg_keeps_pictures_inert_and_ids_unique_per_figure() -> None:
    raw = ('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
           ' width="100" height="50" onload="alert(1)"><defs><clipPath id="clip1"><rect width="5"/></clipPath>'
           '</defs><g clip-path="url(#clip1)" role="graphics-object"><text>&lt;/script&gt;&lt;svg onload=x&gt;</text>'
           '<script>alert(2)</script><foreignObject><div>x</div></foreignObject>'
           '<image href="https://example.org/a.png"/><a href="javascript:alert(3)"><text>t</text></a>'
           '<rect fill="url(https://example.org/x)" style="background:url(x)"/></g></svg>')
    out = str(inline_svg(raw, "grade-distribution"))
    assert out.startswith('<svg height="50" width="100" aria-hidden="true">')
    assert "<script" not in out and "onload=" not in out.replace("onload=x&gt;", "")
    assert "&lt;/script&gt;&lt;svg onload=x&gt;" in out
    for refused in ("foreignObject", "<image", "<a ", "javascript:", "example.org", "style=", "xmlns", "<?xml",
                    "role="):
        assert refused not in out
    assert 'id="grade-distribution-clip1"' in out and 'clip-path="url(#grade-distribution-clip1)"' in out
    with pytest.raises(ValueError, match="entities"):
        inline_svg('<!DOCTYPE svg [<!ENTITY a "b">]><svg>&a;</svg>', "x")


def test_the_picture_cache_draws_each_chart_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import vl_convert

    calls: list[int] = []
    real = vl_convert.vegalite_to_svg

    def counting(*args: Any, **kwargs: Any) -> str:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(vl_convert, "vegalite_to_svg", counting)
    spec = {"mark": "bar", "data": {"values": [{"a": "x", "b": 2.5}]},
            "encoding": {"x": {"field": "a", "type": "nominal"}, "y": {"field": "b", "type": "quantitative"}}}
    locale = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", ""]}
    folder = tmp_path / ".rapor-cache" / "charts"
    first = ChartDrawer(folder, memory={})
    svg = first.svg(spec, locale)
    assert first.svg(spec, locale) == svg and (first.drawn, len(calls)) == (1, 1)
    assert [p.name for p in folder.iterdir()] == [f"{chart_key(spec, locale)}.svg"]
    assert "2,5" in svg  # the axis in the page's number format
    # A later build (a new process: empty memory) reads the picture from disk.
    again = ChartDrawer(folder, memory={})
    assert again.svg(spec, locale) == svg and (again.drawn, again.from_disk, len(calls)) == (0, 1, 1)
    # Another number format is another picture.
    again.svg(spec, locale | {"decimal": "."})
    assert len(calls) == 2 and len(list(folder.iterdir())) == 2
    # A tampered cache file is only an input: what it holds is sanitized like a fresh picture.
    (folder / f"{chart_key(spec, locale)}.svg").write_text("<svg><script>alert(1)</script><text>ok</text></svg>")
    tampered = ChartDrawer(folder, memory={}).svg(spec, locale)
    assert str(inline_svg(tampered, "k")) == '<svg aria-hidden="true"><text>ok</text></svg>'


def test_a_damaged_chart_cache_is_drawn_again_not_a_crash(tmp_site: TmpSite) -> None:
    """Every file of .rapor-cache/charts replaced by what is no picture or structure (another file's text, a
    declaration of entities, JSON of another shape, half a file): the build draws them again and writes what a
    build without a cache writes. A picture that could not be parsed ended the build with a traceback."""
    assert tmp_site.build("-q").exit_code == 0
    cold = {p.relative_to(tmp_site.root / "output"): p.read_bytes() for p in (tmp_site.root / "output").rglob("*")
            if p.is_file()}
    damaged = ["root:x:0:0:root:/root:/bin/bash\n", '<!DOCTYPE svg [<!ENTITY a "b">]><svg/>', '{"a": 1}',
               '{"$schema": "x", "layer": [', "<svg><text>half a pic"]
    files = sorted((tmp_site.root / ".rapor-cache/charts").glob("*.*[gn]"))  # the .svg and .json files
    files += sorted((tmp_site.root / ".rapor-cache/previews").glob("*.png"))
    assert len(files) > len(damaged)
    for number, path in enumerate(files):
        path.write_text(damaged[number % len(damaged)], encoding="utf-8")
    chart_svg._MEMORY.clear()
    result = tmp_site.build("-q", "--force")
    assert result.exit_code == 0, result.output
    assert {p.relative_to(tmp_site.root / "output"): p.read_bytes() for p in (tmp_site.root / "output").rglob("*")
            if p.is_file()} == cold


def test_a_read_only_cache_folder_only_means_drawing_again(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    drawer = ChartDrawer(blocker / "charts", memory={})
    spec = {"mark": "point", "data": {"values": [{"a": 1}]}, "encoding": {"x": {"field": "a", "type": "quantitative"}}}
    assert drawer.svg(spec, {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["", ""]})
    assert drawer.drawn == 1


def test_year_and_home_pages_show_every_chart_as_inline_svg_with_its_table(tmp_site: TmpSite) -> None:
    assert tmp_site.build().exit_code == 0
    out = tmp_site.root / "output"
    for page, keys in (("2023/index.html", ["grade-distribution", "national-trend", "aspect-averages",
                                             "index-distribution"]),
                       ("en/2022/index.html", ["grade-distribution", "national-trend", "aspect-averages",
                                               "index-distribution"]),
                       ("index.html", ["national-trend", "grade-distribution"])):
        html = BeautifulSoup((out / page).read_text(encoding="utf-8"), "lxml")
        figures = html.select("figure.chart")
        assert [f["id"] for f in figures] == [f"fig-{key}" for key in keys], page
        for figure in figures:
            picture = figure.select_one(".chart-picture")
            assert picture is not None and picture["role"] == "img"
            assert picture["aria-label"] == figure.select_one(".chart-summary").get_text()  # type: ignore[union-attr]
            svg = picture.select_one("svg")
            assert svg is not None and svg["aria-hidden"] == "true"
            assert figure.select("details.chart-data table tbody tr")
            assert figure.select_one("script.chart-spec[type='application/json']") is not None
        ids = [node["id"] for node in html.select("[id]")]
        assert len(ids) == len(set(ids)), page
        root = "../" * page.count("/")
        # charts.js only: it loads the Vega bundle (some 900 KB) when a reader points at or focuses a chart.
        chart_scripts = [(s["src"], s.get("data-bundle")) for s in html.select("script[src]")
                         if s["src"].endswith(("vega-embed.js", "charts.js"))]
        assert chart_scripts == [(f"{root}static/charts.js", f"{root}static/vendor/vega-embed.js")]
    bundle = (out / "static/vendor/vega-embed.js").read_text(encoding="utf-8")
    assert "window.vegaEmbed" in bundle
    # Pages without charts load no chart script.
    unit = (out / "unit/35-dpmptsp/index.html").read_text(encoding="utf-8")
    assert "vega-embed.js" not in unit and "charts.js" not in unit


def test_hostile_labels_stay_text_in_the_picture_the_table_and_the_spec(tmp_site: TmpSite) -> None:
    types = "".join(f'[[unit_types]]\nkey = "{key}"\nlabel_id = "{label}"\nlabel_en = "{label}"\n'
                     for key, label in (("upp-kl", "UPP"), ("dpmptsp", HOSTILE.replace('"', '\\"')),
                                        ("samsat", "SAMSAT"), ("mpp", "MPP")))
    tmp_site.config(types)
    assert tmp_site.build().exit_code == 0
    html = (tmp_site.root / "output/2023/index.html").read_text(encoding="utf-8")
    page = BeautifulSoup(html, "lxml")
    assert not page.select("svg[onload]") and not page.select("[onload]")
    figure = page.select_one("#fig-grade-distribution")
    assert figure is not None
    # A long label is drawn on two lines (split at a space): its text, lines joined, is the label's.
    drawn = figure.select_one(".chart-picture svg").get_text()  # type: ignore[union-attr]
    assert HOSTILE.replace(" ", "") in drawn.replace(" ", "")
    assert any(HOSTILE in row.get_text() for row in figure.select("tbody th"))
    spec_text = figure.select_one("script.chart-spec").string  # type: ignore[union-attr]
    assert spec_text is not None and "</script" not in spec_text and "<svg" not in spec_text
    others = [s for s in page.find_all("script") if "share.js" not in s.get("src", "")]  # cite-share's copy buttons
    assert len(others) == 1 + len(page.select("script.chart-spec"))  # charts.js and the specs


def test_figures_are_the_contract_type() -> None:
    # The chart builders hand templates the theme contract, with the spec for the interactive version.
    assert Figure.__dataclass_fields__["spec"].default is None
    assert chart_svg.BUNDLE_PATH == "static/vendor/vega-embed.js"


def test_a_site_with_a_single_year_shows_its_charts(tmp_site: TmpSite) -> None:
    (tmp_site.root / "data/results/2023.csv").unlink()
    result = tmp_site.build()
    assert result.exit_code == 0, result.output
    for page, lang in (("2022/index.html", "id"), ("en/index.html", "en")):
        html = BeautifulSoup((tmp_site.root / "output" / page).read_text(encoding="utf-8"), "lxml")
        trend = html.select_one("#fig-national-trend")
        assert trend is not None and trend.select_one(".chart-picture svg") is not None
        summary = trend.select_one(".chart-summary")
        assert summary is not None
        assert summary.get_text() == ("Rata-rata 2022: 3,57; belum ada tahun sebelumnya untuk dibandingkan."
                                      if lang == "id" else "Average in 2022: 3.57; there is no earlier year to "
                                      "compare with.")
        heading = trend.select_one("figcaption strong")
        assert heading is not None and heading.get_text().endswith(", 2022")


def test_a_scheme_without_aspects_builds_without_aspect_charts(tmp_site: TmpSite) -> None:
    """scheme.aspects may be empty: the unit pages' charts made min() of no aspects (a build failing at the
    default theme's _unit_charts.html); now pages show no aspect chart, and a narrative block asking for one is
    located."""
    aspects = "kebijakan", "sdm", "sarpras", "sipp", "konsultasi", "inovasi"
    tmp_site.config("[scheme]\naspects = []\n[data]\nignore_columns = [" + ", ".join(f'"{a}"' for a in aspects)
                    + "]\n")
    result = tmp_site.build("-q")
    assert result.exit_code == 0, result.output
    output = tmp_site.root / "output"

    def figures(page: str) -> list[str]:
        html = BeautifulSoup((output / page).read_text(encoding="utf-8"), "lxml")
        return [str(f["id"]) for f in html.select("figure.chart")]

    assert figures("unit/35.07-dpmptsp/index.html") == ["fig-unit-trend"]
    assert figures("2023/index.html") == ["fig-grade-distribution", "fig-national-trend", "fig-index-distribution"]
    tmp_site.write("content/2023/index.md", "Teks.\n\n```chart\nkind: aspect-averages\n```\n")
    result = tmp_site.validate()
    assert result.exit_code == 2
    assert result.output.splitlines()[:2] == [
        "content/2023/index.md:4:7: the scheme has no aspects, so there are no aspect averages",
        "  hint: use another kind, or list the aspects under [[scheme.aspects]] in rapor.toml",
    ]


def test_a_single_years_trend_has_an_axis_that_brackets_its_value(tmp_site: TmpSite) -> None:
    """A project's first year (what `rapor init` starts with) has one average: its axis once showed a single
    tick "4" beside the point 3,73. Now the ticks around the point read in decimals and enclose its value."""
    (tmp_site.root / "data/results/2022.csv").unlink()
    assert tmp_site.build().exit_code == 0
    for page, decimal in (("2023/index.html", ","), ("en/2023/index.html", ".")):
        html = (tmp_site.root / "output" / page).read_text(encoding="utf-8")
        figure = BeautifulSoup(html, "lxml").select_one("#fig-national-trend")
        assert figure is not None
        shown = figure.select_one("table tbody td")
        assert shown is not None
        mean = float(shown.get_text().replace(decimal, "."))
        texts = [t.get_text() for t in figure.select(".chart-picture svg text")]
        ticks = [float(t.replace(decimal, ".")) for t in texts  # the axis labels: not the year, not the point's
                 if t.replace(decimal, "", 1).isdigit() and t != "2023" and t != shown.get_text()]
        assert len(ticks) >= 2 and min(ticks) < mean < max(ticks), (page, texts)
