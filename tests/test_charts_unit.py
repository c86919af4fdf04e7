"""Unit and province charts: the figures (SVG, table, summary), their Vega-Lite specs and the model's numbers
they must hold; escaping; the default grade palette's contrast and colour-blind safety; units evaluated
never, once or with a gap year."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pytest
from bs4 import BeautifulSoup, Tag

from generator.figures import Figure
from generator.i18n import Locale
from generator.model import Model, build_model, level_type_key
from generator.names import aspect_column
from generator.pipeline import Inputs, read_inputs
from generator.rounding import round_float
from generator.settings import DEFAULT_GRADES
from generator.sitedata import SiteData, build_site_data
from generator.svg_marks import Panel, esc
from generator.unit_chart_data import ticks
from generator.unit_charts import PageCharts
from generator.unit_specs import province_chart_specs, unit_chart_specs
from generator.unit_svg import small_multiples

from scratch_site import ASPECTS, UNITS, TmpSite, csv_row, grade_of

WEIGHTS = (24, 25, 18, 11, 10, 12)  # the default scheme's weights
HOSTILE_PROVINCE = 'Banten <svg onload=alert(1)> & "q" </script>'
HOSTILE_UNIT = '<img src=x onerror=alert(1)> "DPMPTSP" & </svg>'
EXTRA_UNITS = [
    ("36.74-evil", HOSTILE_UNIT, "kabupaten-kota", "dpmptsp", "36", "36.74", "", ""),
    ("11-mpp", "Mal Pelayanan Publik Aceh", "provinsi", "mpp", "11", "", "", ""),  # never in a result file
]


def aspects_for(base: float, spread: float) -> list[float]:
    """Six different aspect values around `base`."""
    return [round(base + spread * offset, 2) for offset in (0.4, -0.3, 0.1, 0.5, -0.6, 0.2)]


def write_results(site: TmpSite, year: int, rows: list[tuple[str, list[float] | None]]) -> None:
    """Rows of (unit id, aspects or None); the index is the weighted sum, the grade agrees with it."""
    lines = ["unit_id,unit_name," + ",".join(ASPECTS) + ",index,grade"]
    for unit_id, aspects in rows:
        if aspects is None:
            lines.append(csv_row([unit_id, "", *[""] * len(ASPECTS), "-", ""]))
            continue
        index = round(sum(w * a for w, a in zip(WEIGHTS, aspects, strict=True)) / 100, 2)
        lines.append(csv_row([unit_id, "", *(f"{a:.2f}" for a in aspects), f"{index:.2f}", grade_of(index)]))
    site.write(f"data/results/{year}.csv", "\n".join(lines) + "\n")


@pytest.fixture
def chart_site(tmp_site: TmpSite) -> TmpSite:
    """Three years; 35.07-dpmptsp has a gap year (2022), 36.74-mpp is evaluated once, 35-samsat was last
    evaluated in 2022, 11-mpp never; province 36 and one unit have hostile names."""
    quoted = HOSTILE_PROVINCE.replace('"', '""')
    tmp_site.write("data/reference/provinsi.csv", f'kode,nama\n11,Aceh\n35,Jawa Timur\n36,"{quoted}"\n')
    tmp_site.units([*UNITS, *EXTRA_UNITS])
    write_results(tmp_site, 2021, [("kl-imigrasi-lama", aspects_for(3.4, 0.3)), ("11-dpmptsp", aspects_for(3.0, 0.2)),
                                   ("35-dpmptsp", aspects_for(3.8, 0.1)), ("35.07-dpmptsp", aspects_for(3.2, 0.4)),
                                   ("35.78-dpmptsp", aspects_for(4.3, 0.2))])
    write_results(tmp_site, 2022, [("kl-imigrasi-lama", aspects_for(3.5, 0.3)), ("11-dpmptsp", aspects_for(3.1, 0.2)),
                                   ("35-dpmptsp", aspects_for(3.9, 0.1)), ("35-samsat", aspects_for(3.2, 0.3)),
                                   ("35.78-dpmptsp", aspects_for(4.6, 0.1)), ("36.74-dpmptsp", aspects_for(3.3, 0.2)),
                                   ("36.74-evil", aspects_for(2.9, 0.3))])
    write_results(tmp_site, 2023, [("kl-imigrasi", aspects_for(3.8, 0.3)), ("11-dpmptsp", aspects_for(3.8, 0.2)),
                                   ("35-dpmptsp", aspects_for(3.7, 0.1)), ("35-samsat", None),
                                   ("35.07-dpmptsp", aspects_for(4.2, 0.4)), ("35.78-dpmptsp", aspects_for(4.55, 0.1)),
                                   ("36.74-dpmptsp", aspects_for(3.95, 0.2)), ("36.74-mpp", aspects_for(4.05, 0.3)),
                                   ("36.74-evil", aspects_for(3.1, 0.3))])
    return tmp_site


@dataclass
class Built:
    inputs: Inputs
    model: Model
    data: SiteData

    def charts(self, lang: str) -> PageCharts:
        return PageCharts(self.inputs.config, self.data, self.locale(lang))

    def locale(self, lang: str) -> Locale:
        return self.inputs.theme.locales[lang]

    def unit_figures(self, unit_id: str, lang: str = "id") -> list[Figure]:
        return self.charts(lang).unit(self.data.units[unit_id], self.data.latest_row(unit_id),
                                      self.data.history.get(unit_id, []))


def built(site: TmpSite) -> Built:
    inputs = read_inputs(site.root)
    model = build_model(inputs.results, inputs.units, inputs.provinces, inputs.config.scheme)
    names = dict(zip(inputs.provinces["code"], inputs.provinces["name"], strict=True))
    return Built(inputs, model, build_site_data(model, inputs.config.scheme, names))


def published_mean(values: pd.Series) -> float:
    """What a reader gets averaging the published (rounded) values."""
    return round_float(sum(round_float(v, 2) for v in values) / len(values), 2)


def svg_of(figure: Figure) -> Tag:
    picture = BeautifulSoup(str(figure.svg), "html.parser").svg
    assert picture is not None
    return picture


def texts(picture: Tag, css: str) -> list[str]:
    return [t.get_text() for t in picture.find_all("text", class_=css)]


# --- the model's level-and-type averages ------------------------------------------------------------------------


def test_level_and_type_averages_are_the_published_means_of_the_type_at_its_level(chart_site: TmpSite) -> None:
    model = built(chart_site).model
    results = model.results[model.results["evaluated"]]
    for (year, level, unit_type), group in results.groupby(["year", "level", "type"]):
        for field in ("index", *(aspect_column(a) for a in ASPECTS)):
            found = model.averages[(model.averages["year"] == year) & (model.averages["group"] == "level_type")
                                   & (model.averages["key"] == level_type_key(level, unit_type))
                                   & (model.averages["field"] == field)]
            assert len(found) == 1
            assert found.iloc[0]["mean"] == published_mean(group[field])
    # A type is averaged per level: provincial and regency DPMPTSP are apart.
    keys = set(model.averages[model.averages["group"] == "level_type"]["key"])
    assert {"provinsi/dpmptsp", "kabupaten-kota/dpmptsp"} <= keys


# --- unit figures against the model ---------------------------------------------------------------------------


def test_unit_trend_holds_the_models_index_grade_and_rank_per_year(chart_site: TmpSite) -> None:
    site = built(chart_site)
    locale = site.locale("id")
    figures = site.unit_figures("35.78-dpmptsp")
    assert [f.key for f in figures] == ["unit-trend", "unit-aspects", "unit-aspect-history"]
    trend = figures[0]
    rows = site.model.results[site.model.results["unit_id"] == "35.78-dpmptsp"].sort_values("year")
    expected = [(str(r.year), r.grade, locale.number(r.score, 2),
                 f"{r.rank_national} dari {r.count_national}") for r in rows.itertuples()]
    assert list(trend.table.rows) == expected[::-1]  # newest first, as the history table
    picture = svg_of(trend)
    assert texts(picture, "value") == [locale.number(r.score, 2) for r in rows.itertuples()]
    assert len(picture.find_all("circle", class_="s-unit")) == len(rows)
    assert texts(picture, "band-label") == [g["letter"] for g in DEFAULT_GRADES]
    first, last = rows.iloc[0], rows.iloc[-1]
    assert trend.summary == (f"Indeks 2021: {locale.number(first.score, 2)} ({first.grade}); "
                             f"2023: {locale.number(last.score, 2)} ({last.grade}).")
    spec = unit_chart_specs(site.inputs.config.scheme, site.data, site.data.units["35.78-dpmptsp"],
                            site.data.latest_row("35.78-dpmptsp"), site.data.history["35.78-dpmptsp"])
    assert set(spec) == {f.key for f in figures}
    assert spec["unit-trend"]["data"]["values"] == [
        {"year": int(r.year), "index": r.score, "grade": r.grade, "rank": r.rank_national, "of": r.count_national}
        for r in rows.itertuples()]
    line, points = spec["unit-trend"]["layer"][1:3]
    assert line["mark"]["type"] == "line" and points["mark"]["type"] == "point"
    assert points["encoding"]["x"]["field"] == "year" and points["encoding"]["y"]["field"] == "index"
    assert points["encoding"]["y"]["scale"]["domain"] == [0.0, 5.0]
    bands = spec["unit-trend"]["layer"][0]
    assert bands["encoding"]["color"]["scale"]["range"] == [g["color"] for g in DEFAULT_GRADES]
    assert [b["low"] for b in bands["data"]["values"]] == [g["min"] for g in DEFAULT_GRADES]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_unit_aspects_hold_the_unit_and_the_three_averages_of_its_latest_year(chart_site: TmpSite, lang: str) -> None:
    site = built(chart_site)
    locale = site.locale(lang)
    model = site.model
    unit_id = "35.07-dpmptsp"
    figure = site.unit_figures(unit_id, lang)[1]
    latest = model.results[(model.results["unit_id"] == unit_id) & (model.results["year"] == 2023)].iloc[0]
    evaluated = model.results[(model.results["year"] == 2023) & model.results["evaluated"]]
    peers = evaluated[(evaluated["level"] == "kabupaten-kota") & (evaluated["type"] == "dpmptsp")]
    province = evaluated[evaluated["province"] == "35"]
    expected_rows, differences = [], []
    for aspect in ASPECTS:
        column = aspect_column(aspect)
        value = round_float(latest[column], 2)
        peer = published_mean(peers[column])
        difference = round_float(value - peer, 2)
        differences.append(locale.signed(difference, 2))
        expected_rows.append([locale.number(value, 2), locale.number(published_mean(evaluated[column]), 2),
                              locale.number(peer, 2), locale.number(published_mean(province[column]), 2),
                              locale.signed(difference, 2)])
    assert [list(row[1:]) for row in figure.table.rows] == expected_rows
    assert [row[0] for row in figure.table.rows] == [a.label(lang) for a in site.inputs.config.scheme.aspects]
    picture = svg_of(figure)
    assert texts(picture, "value") == differences
    # Four marks per aspect, each series with its own shape; a bar from the unit to its peers' average.
    assert len(picture.find_all(class_="s-unit")) == len(picture.find_all(class_="s-national")) == 6 + 1
    assert len(picture.find_all(class_="s-peer")) == len(picture.find_all(class_="s-province")) == 6 + 1
    assert len(picture.find_all("line", class_="gap")) == 6
    peer_name = "DPMPTSP Kabupaten/Kota" if lang == "id" else "DPMPTSP (Regencies and cities)"
    assert peer_name in figure.summary and peer_name in figure.notes[0]
    # The extremes are the highest and lowest signed differences, and say so: a −0.66 was once "the smallest".
    labels = [a.label(lang) for a in site.inputs.config.scheme.aspects]
    numbers = [float(d.replace("\u2212", "-").replace(",", ".")) for d in differences]
    high, low = numbers.index(max(numbers)), numbers.index(min(numbers))
    extremes = ("Selisih tertinggi: {} {}; terendah: {} {}." if lang == "id" else
                "Highest difference: {} {}; lowest: {} {}.")
    assert figure.summary.endswith(extremes.format(labels[high], differences[high], labels[low], differences[low]))
    spec = unit_chart_specs(site.inputs.config.scheme, site.data, site.data.units[unit_id],
                            site.data.latest_row(unit_id), site.data.history[unit_id])["unit-aspects"]
    assert [[locale.number(r[s], 2) for s in ("unit", "national", "level_type", "province")]
            + [locale.signed(r["difference"], 2)] for r in spec["data"]["values"]] == expected_rows
    rule, points, labels = spec["layer"]
    assert (rule["encoding"]["x"]["field"], rule["encoding"]["x2"]["field"]) == ("unit", "level_type")
    assert points["transform"][0]["fold"] == ["unit", "national", "level_type", "province"]
    assert points["encoding"]["shape"]["scale"]["range"] == ["circle", "square", "diamond", "triangle-up"]
    assert labels["encoding"]["text"]["field"] == "difference"
    low, high = points["encoding"]["x"]["scale"]["domain"]
    ticks = [float(t.replace(",", ".")) for t in texts(picture, "tick")]
    assert low <= min(ticks) and max(ticks) <= high and min(ticks) - low < 0.5 and high - max(ticks) < 0.5


def test_unit_aspect_history_holds_each_aspect_per_year(chart_site: TmpSite) -> None:
    site = built(chart_site)
    locale = site.locale("en")
    figure = site.unit_figures("35.78-dpmptsp", "en")[2]
    rows = site.model.results[site.model.results["unit_id"] == "35.78-dpmptsp"].sort_values("year")
    expected = [(str(r["year"]), *(locale.number(r[aspect_column(a)], 2) for a in ASPECTS))
                for _, r in rows.iterrows()]
    assert list(figure.table.rows) == expected[::-1]
    picture = svg_of(figure)
    assert len(picture.find_all("path", class_="line")) == len(ASPECTS)
    # Each panel labels its first and last value, with a dot.
    assert len(picture.find_all("circle")) == len(ASPECTS) * 2
    assert texts(picture, "value") == [value for a in range(len(ASPECTS))
                                       for value in (expected[0][a + 1], expected[-1][a + 1])]
    spec = unit_chart_specs(site.inputs.config.scheme, site.data, site.data.units["35.78-dpmptsp"],
                            site.data.latest_row("35.78-dpmptsp"), site.data.history["35.78-dpmptsp"])
    values = spec["unit-aspect-history"]["data"]["values"]
    assert values == [{"year": int(r["year"]), "aspect": a, "value": round_float(r[aspect_column(a)], 2)}
                      for _, r in rows.iterrows() for a in ASPECTS]
    assert spec["unit-aspect-history"]["encoding"]["facet"]["field"] == "aspect"


# --- province figures against the model -----------------------------------------------------------------------


def test_province_trend_and_grades_hold_the_models_numbers(chart_site: TmpSite) -> None:
    site = built(chart_site)
    locale = site.locale("id")
    model = site.model
    history = [r | {"of": 0} for r in site.data.provinces[2021] + site.data.provinces[2022] + site.data.provinces[2023]
               if r["province"] == "35"]
    rows = [r for r in site.data.rows_by_year[2023] if r["province"] == "35" and r["evaluated"]]
    figures = site.charts("id").province("Jawa Timur", rows, history, 2023)
    assert [f.key for f in figures] == ["province-trend", "province-grades"]
    trend, grades = figures
    provinces = model.provinces[model.provinces["province"] == "35"].sort_values("year")
    national = model.averages[(model.averages["group"] == "all") & (model.averages["field"] == "index")]
    national_by_year = dict(zip(national["year"], national["mean"], strict=True))
    expected = [(str(r.year), locale.number(r.mean, 2), locale.number(national_by_year[r.year], 2),
                 locale.signed(round_float(r.mean - national_by_year[r.year], 2), 2)) for r in provinces.itertuples()]
    assert list(trend.table.rows) == expected[::-1]
    picture = svg_of(trend)
    assert texts(picture, "value") == [e[1] for e in expected]
    assert len(picture.find_all("rect", class_="s-national")) == len(expected) + 1  # squares, one in the legend
    assert texts(picture, "legend-label") == ["Jawa Timur", "Rata-rata nasional"]
    counts = Counter(model.results[(model.results["year"] == 2023) & (model.results["province"] == "35")
                                   & model.results["evaluated"]]["grade"])
    assert [(row[0], row[2]) for row in grades.table.rows] == [(g["letter"], str(counts.get(g["letter"], 0)))
                                                               for g in DEFAULT_GRADES]
    bars = svg_of(grades)
    assert texts(bars, "value") == [str(counts.get(g["letter"], 0)) for g in DEFAULT_GRADES]
    assert [r["fill"] for r in bars.find_all("rect", class_="bar")] == [
        g["color"] for g in DEFAULT_GRADES if counts.get(g["letter"])]
    specs = province_chart_specs(site.inputs.config.scheme, site.data, rows, history)
    assert [(v["grade"], v["count"]) for v in specs["province-grades"]["data"]["values"]] == [
        (g["letter"], counts.get(g["letter"], 0)) for g in DEFAULT_GRADES]
    assert [(v["year"], v["province"], v["national"]) for v in specs["province-trend"]["data"]["values"]] == [
        (r.year, r.mean, national_by_year[r.year]) for r in provinces.itertuples()]
    line = specs["province-trend"]["layer"][1]
    assert line["transform"][0]["fold"] == ["province", "national"]
    assert line["encoding"]["strokeDash"]["field"] == "series"


# --- units evaluated never, once, with a gap ------------------------------------------------------------------


def test_a_unit_never_evaluated_has_no_charts_and_one_evaluated_once_no_aspect_history(chart_site: TmpSite) -> None:
    site = built(chart_site)
    assert site.unit_figures("11-mpp") == []
    assert site.unit_figures("35-samsat")[0].table.rows[0] == ("2023", "tidak dinilai", "–", "–")
    once = site.unit_figures("36.74-mpp")
    assert [f.key for f in once] == ["unit-trend", "unit-aspects"]
    assert "baru sekali dinilai" in once[0].summary
    assert len(svg_of(once[0]).find_all("circle", class_="s-unit")) == 1


def test_a_gap_year_breaks_the_line_and_is_named(chart_site: TmpSite) -> None:
    site = built(chart_site)
    figures = site.unit_figures("35.07-dpmptsp", "en")
    trend = figures[0]
    assert trend.summary.endswith("Not evaluated in 2022.")
    assert [row[:2] for row in trend.table.rows] == [("2023", "A-"), ("2022", "not evaluated"), ("2021", "B-")]
    path = svg_of(trend).find("path", class_="line")
    assert path is not None and len(re.findall("M", str(path["d"]))) == 2 and "L" not in str(path["d"])
    history = svg_of(figures[2])
    assert [len(re.findall("M", str(p["d"]))) for p in history.find_all("path", class_="line")] == [2] * 6
    assert len(history.find_all("circle")) == 12  # each year's value stands alone: a dot shows it


def test_a_value_alone_between_gaps_gets_a_dot() -> None:
    """A line cannot show a value without neighbours, so the panel marks it; values on a line need no dot."""
    picture = BeautifulSoup(str(small_multiples(["2020", "2021", "2022", "2023", "2024"], [
        Panel("A", [3.0, 3.1, None, 3.4, None], ["3,00", None, None, None, None]),
    ], (2.5, 4.0), "test")), "html.parser")
    assert len(picture.find_all("circle")) == 2  # 2020 (labelled) and 2023 (alone)


def test_built_pages_show_the_charts_escaped_and_without_ids(chart_site: TmpSite) -> None:
    result = chart_site.build()
    assert result.exit_code == 0, result.output
    for path in ("unit/36.74-evil/index.html", "en/unit/36.74-evil/index.html", "province/36/index.html",
                 "unit/35.07-dpmptsp/index.html", "province/35/index.html"):
        html = (chart_site.root / "output" / path).read_text(encoding="utf-8")
        assert "<svg onload" not in html and "<img src=x" not in html
        page = BeautifulSoup(html, "html.parser")
        figures = page.select("section.charts figure.chart")
        assert figures, path
        for figure in figures:
            picture = figure.select_one(".chart-picture")
            assert picture is not None and picture["role"] == "img" and picture["aria-label"]
            svg = picture.svg
            assert svg is not None and svg["viewbox"] and svg["width"] == "100%"
            assert not svg.find_all(attrs={"id": True}) and not svg.find_all(["script", "foreignobject", "svg"])
            assert all(not attr.startswith("on") for tag in svg.find_all(True) for attr in tag.attrs)
            assert figure.select_one("details.chart-data table") is not None
    province = BeautifulSoup((chart_site.root / "output/province/36/index.html").read_text(encoding="utf-8"),
                             "html.parser")
    legend = [t.get_text() for t in province.select("#fig-province-trend text.legend-label")]
    assert legend == [HOSTILE_PROVINCE, "Rata-rata nasional"]
    assert province.select_one("#fig-province-trend table th[scope=col]:nth-of-type(2)").get_text() == HOSTILE_PROVINCE
    unit = BeautifulSoup((chart_site.root / "output/unit/36.74-evil/index.html").read_text(encoding="utf-8"),
                         "html.parser")
    assert f"Rata-rata {HOSTILE_PROVINCE}" in [t.get_text() for t in unit.select("#fig-unit-aspects text")]
    never = (chart_site.root / "output/unit/11-mpp/index.html").read_text(encoding="utf-8")
    assert 'class="charts"' not in never and "belum pernah dinilai" in never


def test_svg_text_is_escaped_whatever_it_holds() -> None:
    assert esc('<b a="1">&\'') == "&lt;b a=&quot;1&quot;&gt;&amp;&#x27;"


# --- colour ---------------------------------------------------------------------------------------------------


def luminance(colour: str) -> float:
    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(int(colour[i:i + 2], 16)) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def tint(colour: str, opacity: float) -> str:
    """`colour` at `opacity` over white, as the grade bands are drawn behind a chart."""
    mixed = (round(int(colour[i:i + 2], 16) * opacity + 255 * (1 - opacity)) for i in (1, 3, 5))
    return "#" + "".join(f"{c:02x}" for c in mixed)


def test_default_grade_colours_meet_wcag_aa_against_what_is_drawn_on_and_around_them() -> None:
    ink, muted, white = "#1b1f24", "#545d68", "#ffffff"  # rapor.css --ink, --muted, --bg
    for grade in DEFAULT_GRADES:
        colour = grade["color"]
        assert contrast(colour, white) >= 4.5, grade  # the white letter on a grade badge; bars on white (3:1)
        for opacity in (0.16, 0.22):  # band tints on screen and in print: the values and ticks drawn on them
            assert contrast(tint(colour, opacity), ink) >= 4.5, grade
    assert contrast(muted, white) >= 4.5  # tick labels and band letters are drawn beside the bands, on white


# Machado, Oliveira & Fernandes (2009) simulation matrices (severity 1), on linear RGB.
CVD = {
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881)),
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998)),
    "tritanopia": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602), (0.004733, 0.691367, 0.303900)),
}


def lab(colour: str, matrix: Any = None) -> tuple[float, float, float]:
    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4
    rgb = [channel(int(colour[i:i + 2], 16)) for i in (1, 3, 5)]
    if matrix is not None:
        rgb = [min(1.0, max(0.0, sum(m * c for m, c in zip(row, rgb, strict=True)))) for row in matrix]
    r, g, b = rgb
    x, y, z = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.9505, 0.2126 * r + 0.7152 * g + 0.0722 * b, (
        0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.089

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116
    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


@pytest.mark.parametrize("vision", [None, *CVD])
def test_default_grade_colours_stay_apart_for_colour_blind_readers(vision: str | None) -> None:
    """Neighbouring grades (the pairs most easily confused) differ by CIE76 delta E >= 6.5 also as readers with
    each kind of dichromacy see them; any two grades differ by at least as much."""
    matrix = CVD[vision] if vision else None
    colours = [lab(g["color"], matrix) for g in DEFAULT_GRADES]
    distances = [math.dist(a, b) for i, a in enumerate(colours) for b in colours[i + 1:]]
    assert min(distances) >= 6.5


def test_a_long_history_labels_its_first_last_highest_and_lowest_year(chart_site: TmpSite) -> None:
    """Labels on ten points would overlap; the table still has every year."""
    site = built(chart_site)
    values = [3.1, 3.5, 3.2, 4.4, 3.0, 3.3, 3.6, 3.7, 3.8, 3.9]
    rows = [{"year": 2015 + i, "evaluated": True, "score": v, "grade": grade_of(v), "rank_national": 1,
             "count_national": 2} for i, v in enumerate(values)]
    figures = site.charts("en").unit_figures
    figure = figures.trend(figures.span_of(tuple(range(2015, 2025))), list(rows))
    assert texts(svg_of(figure), "value") == ["3.10", "4.40", "3.00", "3.90"]
    assert len(svg_of(figure).find_all("circle", class_="s-unit")) == 10
    assert [row[2] for row in figure.table.rows] == [f"{v:.2f}" for v in reversed(values)]


def test_peers_are_named_by_type_alone_when_the_type_is_at_one_level_only(chart_site: TmpSite) -> None:
    site = built(chart_site)
    config = site.inputs.config
    type_label = next(c.label("en") for c in config.unit_types if c.key == "upp-kl")
    level_label = next(c.label("en") for c in config.levels if c.key == "kementerian-lembaga")
    aspects = site.unit_figures("kl-imigrasi", "en")[1]
    assert f"above the {type_label} average." in aspects.summary and level_label not in aspects.summary
    assert aspects.table.columns[3] == f"{type_label} average"


@pytest.mark.parametrize(("domain", "span", "expected"), [
    ((0.0, 5.0), 5.0, [0, 1, 2, 3, 4, 5]), ((3.0, 4.5), 5.0, [3, 3.5, 4, 4.5]), ((3.5, 4.0), 5.0, [3.5, 4]),
    ((0.0, 100.0), 100.0, [0, 20, 40, 60, 80, 100]), ((40.0, 70.0), 100.0, [40, 50, 60, 70]),
])
def test_ticks_are_few_and_never_finer_than_a_tenth_of_the_scale(domain: tuple[float, float], span: float,
                                                                  expected: list[float]) -> None:
    assert ticks(domain, span) == expected
