"""Plain-language findings: every sentence on the built pages is checked against the model's numbers.

Crafted projects (findings_site.py) drive every branch: a rank that falls while the index rises and one that
rises while the index falls, changes equal to the national average's, tied units, a rank that does not move,
a first evaluation, a return after a gap year, grades up and down, a single year. The expected findings are
derived from the model's DataFrames in findings_expected.py (not from findings.py): which message each sentence
uses, in order, and every number it states.
"""

from __future__ import annotations

import re
import string
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from findings_expected import (
    Expected,
    evaluated,
    national,
    province_expected,
    published,
    sign,
    unit_expected,
    year_expected,
)
from findings_site import SPREAD, Result, write_project

from generator.findings import Finding, build_findings
from generator.model import Model, build_model
from generator.pipeline import read_inputs
from generator.sitedata import build_site_data

from scratch_site import TmpSite

I18N = Path(__file__).resolve().parents[1] / "themes/default/i18n"

PROJECTS: dict[str, dict[int, dict[str, Result]]] = {
    # The national average rises 0.10 (3.61 -> 3.71). p0 rises 0.05 and falls a place (p1 overtakes it);
    # p3 and p4 tie at 3.75; p2 rises exactly as much as the average and keeps its rank; p7 too but falls.
    "rising": {
        2022: {"p0": 4.00, "p1": 3.90, "p2": 3.80, "p3": 3.70, "p4": 3.60, "p5": 3.50, "p6": 3.40, "p7": 3.00,
               "p8": 2.90},
        2023: {"p0": 4.05, "p1": (4.20, SPREAD), "p2": (3.90, {"kebijakan": -0.60, "sarpras": 0.80}), "p3": 3.75,
               "p4": 3.75, "p5": 3.50, "p6": 3.20, "p7": (3.10, SPREAD), "p8": 3.25},
    },
    # The average falls in 2023; p3 and p4 were not evaluated in 2022 and return, p5 leaves, p6 and p7 are new.
    # p1 falls 0.20, less than the average (0.26), and rises to first place; p2's konsultasi equals its average.
    "falling": {
        2021: {"p0": 4.20, "p1": 3.90, "p2": 3.60, "p3": 3.50, "p4": 3.30, "p5": 3.10},
        2022: {"p0": 4.30, "p1": 4.00, "p2": 3.70, "p5": 3.20},
        2023: {"p0": 3.75, "p1": 3.80, "p2": (3.70, {"konsultasi": -0.18, "sipp": 0.16}), "p3": 3.40, "p4": 3.60,
               "p6": 3.00, "p7": 3.55},
    },
    # One unit of each kind in 2022 (compared, new); in 2023 one unit returns and the averages do not move.
    "flat": {
        2021: {"p0": 3.50, "p1": 3.40, "p2": 3.30},
        2022: {"p0": 3.50, "p4": 3.70},
        2023: {"p0": 3.50, "p1": 3.60, "p4": 3.70},
    },
    # p1 misses two years in a row.
    "gap": {
        2020: {"p0": 3.50, "p1": 3.20, "p2": 3.90},
        2021: {"p0": 3.60, "p2": 3.80},
        2022: {"p0": 3.70, "p2": 3.70},
        2023: {"p0": 3.80, "p1": 3.40, "p2": 3.60},
    },
    "single": {2024: {"p0": 3.80, "p1": (3.60, SPREAD), "p2": 3.40}},
}
HOSTILE = "<script>alert('x')</script> & {name}"


@dataclass(frozen=True)
class Built:
    output: Path
    model: Model
    findings: dict[str, list[Finding]]  # page path (default language) -> its findings


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Built]:
    built = {}
    for name, years in PROJECTS.items():
        site = write_project(tmp_path_factory.mktemp(name) / "site", years, names={"p0": HOSTILE})
        result = site.build()
        assert result.exit_code == 0, result.output
        assert "warning" not in result.output.lower(), result.output
        inputs = read_inputs(site.root)
        model = build_model(inputs.results, inputs.units, inputs.provinces, inputs.config.scheme)
        data = build_site_data(model, inputs.config.scheme, dict(zip(inputs.provinces["code"],
                                                                     inputs.provinces["name"], strict=True)))
        found = build_findings(inputs.config, data)
        pages = ({f"unit/{k}/index.html": v for k, v in found.units.items()}
                 | {f"province/{k}/index.html": v for k, v in found.provinces.items()}
                 | {f"{k}/index.html": v for k, v in found.years.items()})
        built[name] = Built(site.root / "output", model, pages)
    return built


# --- what the built pages say ---------------------------------------------------------------------------------

NUMBER = {"id": re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"),
          "en": re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")}


def numbers(text: str, lang: str) -> list[Decimal]:
    group, point = (".", ",") if lang == "id" else (",", ".")
    return [Decimal(n.replace(group, "").replace(point, ".")) for n in NUMBER[lang].findall(text)]


def sentences(output: Path, path: str, lang: str) -> list[tuple[str, str]]:
    page = output / ("" if lang == "id" else "en/") / path
    html = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
    return [(str(li["data-finding"]), " ".join(li.get_text(" ").split()))
            for li in html.select("section.findings li")]


def pages(built: Built) -> Iterator[tuple[str, Expected]]:
    model = built.model
    for unit_id in sorted(model.units.index):
        yield f"unit/{unit_id}/index.html", unit_expected(model, unit_id)
    for code in sorted(set(model.units["province"]) - {""}):
        yield f"province/{code}/index.html", province_expected(model, code)
    for year in model.years:
        yield f"{year}/index.html", year_expected(model, year)


@pytest.mark.parametrize("project", PROJECTS)
@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_sentence_states_the_models_numbers(projects: dict[str, Built], project: str, lang: str) -> None:
    built = projects[project]
    checked = 0
    for path, expected in pages(built):
        found = sentences(built.output, path, lang)
        assert [key for key, _ in found] == [f"findings.{key}" for key, _ in expected], path
        for (key, text), (_, wanted) in zip(found, expected, strict=True):
            assert sorted(numbers(text, lang)) == sorted(wanted), (path, key, text)
            checked += 1
    assert checked > 5


DIRECTION_WORDS = {"id": {"naik": 1, "turun": -1, "tetap": 0},
                   "en": {"rose": 1, "fell": -1, "did not change": 0}}


@pytest.mark.parametrize("lang", ["id", "en"])
def test_rank_sentences_say_which_way_each_figure_moved(projects: dict[str, Built], lang: str) -> None:
    """The clauses of a rank sentence: the own change, the national average's, the rank's, each up, down or
    unchanged as the model has it."""
    words = DIRECTION_WORDS[lang]
    pattern = re.compile(r"\b(?:" + "|".join(words) + r")\b")
    seen = 0
    for built in projects.values():
        model = built.model
        for unit_id in model.units.index:
            rows = model.results[(model.results["unit_id"] == unit_id) & model.results["evaluated"]]
            if rows.empty or pd.isna(rows.iloc[-1]["compared_year"]):
                continue
            row = rows.sort_values("year").iloc[-1]
            since, year = int(row["compared_year"]), int(row["year"])
            own = published(row["index"]) - published(row["prev_index"])
            average = national(model, year) - national(model, since)
            wanted = [sign(own)] + ([sign(average)] if own != average else []) + [sign(int(row["move_national"]))]
            said = [text for key, text in sentences(built.output, f"unit/{unit_id}/index.html", lang)
                    if key.startswith("findings.unit_rank.")]
            assert [words[w] for w in pattern.findall(said[0])] == wanted, said
            seen += 1
    assert seen > 10


def keys_of(project: Built, unit: str) -> list[str]:
    return [key.removeprefix("findings.") for key, _ in sentences(project.output, f"unit/{unit}/index.html", "id")]


def test_rank_moves_against_the_index_are_explained(projects: dict[str, Built]) -> None:
    rising, falling = projects["rising"], projects["falling"]
    # Index up 0.05, average up 0.10, overtaken by p1: "naik 0,05, tetapi rata-rata nasional naik 0,10, sehingga
    # peringkat nasionalnya turun 1".
    assert "unit_rank.contrast_so" in keys_of(rising, "11-dpmptsp")
    said = dict(sentences(rising.output, "unit/11-dpmptsp/index.html", "id"))["findings.unit_rank.contrast_so"]
    assert said == ("Dibanding 2022, indeksnya naik 0,05, tetapi rata-rata nasional naik 0,10, sehingga peringkat "
                    "nasionalnya turun 1.")
    # Index down 0.20, average down 0.26: the rank rises from second to first.
    said = dict(sentences(falling.output, "unit/12-dpmptsp/index.html", "en"))["findings.unit_rank.contrast_so"]
    assert said == ("Compared with 2022, the index fell 0.20, but the national average fell 0.26, so the national "
                    "rank rose 1 place.")
    assert "unit_rank.equal_so" in keys_of(rising, "13-dpmptsp")  # up as much as the average, rank kept
    assert "unit_rank.equal_yet" in keys_of(rising, "18-dpmptsp")  # up as much as the average, yet down a place
    assert "unit_rank.contrast_yet" in keys_of(rising, "14-dpmptsp")  # tied at 3.75: rank 4 before and after
    assert "unit_rank.while_yet" in keys_of(rising, "16-dpmptsp")  # unchanged index, unchanged rank


def test_tied_units_are_told_their_shared_rank_move(projects: dict[str, Built]) -> None:
    model = projects["rising"].model
    tied = evaluated(model, 2023)[lambda r: r["score"] == 3.75]
    assert list(tied["rank_national"]) == [4, 4]
    for unit_id, move in zip(tied["unit_id"], tied["move_national"], strict=True):
        said = next(t for k, t in sentences(projects["rising"].output, f"unit/{unit_id}/index.html", "en")
                    if "_rank." in k)
        assert said.endswith("did not change.") if move == 0 else said.endswith("rose 1 place."), said


def test_first_evaluation_return_and_grade_changes(projects: dict[str, Built]) -> None:
    falling = projects["falling"]
    assert keys_of(falling, "17-dpmptsp")[0] == "unit.first"
    returned = dict(sentences(falling.output, "unit/14-dpmptsp/index.html", "id"))
    assert returned["findings.unit.returned"] == ("Kembali dinilai pada 2023 setelah absen pada 2022; evaluasi "
                                                  "sebelumnya pada 2021.")
    assert next(t for k, t in returned.items() if "unit_rank" in k).startswith("Dibanding 2021,")
    down = dict(sentences(falling.output, "unit/11-dpmptsp/index.html", "en"))["findings.unit.grade_down"]
    assert down == "The grade fell from A- (Very good) in 2022 to B (Good)."


@pytest.mark.parametrize(("lang", "said"), [
    ("id", "Kembali dinilai pada 2023 setelah absen pada 2021 dan 2022; evaluasi sebelumnya pada 2020."),
    ("en", "Evaluated again in 2023 after a gap in 2021 and 2022; its previous evaluation was in 2020.")])
def test_a_gap_of_several_years_is_listed(projects: dict[str, Built], lang: str, said: str) -> None:
    assert dict(sentences(projects["gap"].output, "unit/12-dpmptsp/index.html", lang))["findings.unit.returned"] \
        == said


def test_a_single_year_has_no_change_to_tell(projects: dict[str, Built]) -> None:
    single = projects["single"]
    assert sentences(single.output, "2024/index.html", "id") == []
    assert single.output.joinpath("2024/index.html").read_text(encoding="utf-8").count("findings") == 0
    for unit in ("11-dpmptsp", "12-dpmptsp", "13-dpmptsp"):
        assert all(k.startswith("aspects.") for k in keys_of(single, unit))


def test_hostile_names_are_escaped(projects: dict[str, Built]) -> None:
    page = projects["rising"].output / "province/11/index.html"
    html = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
    section = html.select_one("section.findings")
    assert section is not None and section.select("script") == []
    assert HOSTILE in section.get_text()
    assert "&lt;script&gt;alert" in page.read_text(encoding="utf-8")


def messages(lang: str) -> dict[str, str]:
    raw = tomllib.loads((I18N / f"{lang}.toml").read_text(encoding="utf-8"))["findings"]
    flat = {}
    for section, entries in raw.items():
        if isinstance(entries, dict):
            flat |= {f"findings.{section}.{key}": text for key, text in entries.items()}
    return flat


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def used(finding: Finding) -> Iterator[Finding]:
    yield finding
    for param in finding.params.values():
        if isinstance(param.value, Finding):
            yield from used(param.value)


def test_every_finding_message_exists_in_both_languages_with_its_values(projects: dict[str, Built]) -> None:
    indonesian, english = messages("id"), messages("en")
    assert indonesian.keys() == english.keys()
    for key, text in indonesian.items():
        assert placeholders(text) == placeholders(english[key]), key
    produced = {f.key: f for page in (b.findings for b in projects.values())
                for found in page.values() for top in found for f in used(top)}
    for key, finding in produced.items():
        assert placeholders(indonesian[key]) == set(finding.params), key
    # The crafted projects reach every message: every branch is taken somewhere.
    assert sorted(produced) == sorted(indonesian)


def test_type_within_level_averages(projects: dict[str, Built]) -> None:
    model = projects["rising"].model
    peers = model.averages[(model.averages["group"] == "level_type") & (model.averages["year"] == 2023)]
    assert set(peers["key"]) == {"provinsi/dpmptsp"}
    for field, mean in zip(peers["field"], peers["mean"], strict=True):
        assert Decimal(str(mean)) == national(model, 2023, field), field


def test_a_theme_rewords_findings_and_restyles_their_list(tmp_site: TmpSite) -> None:
    tmp_site.config('theme = "kota"\n')
    tmp_site.write("themes/kota/i18n/id.toml", '[findings]\nheading = "Sorotan"\n\n'
                   '[findings.change]\nup = "bertambah {diff}"\n')
    # A theme template of its own puts every template in the sandbox: the findings still render there.
    tmp_site.write("themes/kota/templates/_findings.html",
                   '<ol class="kota">{% for f in findings %}<li>{{ finding_text(f) }}</li>{% endfor %}</ol>\n')
    result = tmp_site.build()
    assert result.exit_code == 0, result.output
    page = BeautifulSoup((tmp_site.root / "output/unit/35.07-dpmptsp/index.html").read_text(encoding="utf-8"),
                         "lxml")
    said = [" ".join(li.get_text().split()) for li in page.select("ol.kota li")]
    # 3,40 -> 4,20 while the national average went from 3,57 to 4,01 (tests/conftest.py).
    assert said[0] == ("Dibanding 2022, indeksnya bertambah 0,80, sedangkan rata-rata nasional bertambah 0,44, "
                       "sehingga peringkat nasionalnya naik 2.")
    english = (tmp_site.root / "output/en/unit/35.07-dpmptsp/index.html").read_text(encoding="utf-8")
    assert "the index rose 0.80, while the national average rose 0.44" in english


def test_a_finding_message_with_an_unknown_placeholder_is_a_located_error(tmp_site: TmpSite) -> None:
    assert tmp_site.build().exit_code == 0
    page = tmp_site.root / "output/unit/35.07-dpmptsp/index.html"
    before = page.read_bytes()
    tmp_site.config('theme = "kota"\n')
    tmp_site.write("themes/kota/i18n/id.toml", '[findings.change]\nup = "naik {jumlah}"\n')
    result = tmp_site.build()
    assert result.exit_code == 2, result.output
    # Located in the theme's message file when the theme is read (it was the default _findings.html's line).
    assert result.output.splitlines()[:2] == [
        "themes/kota/i18n/id.toml:2:1: message 'findings.change.up' uses '{jumlah}', a value this message is not given",
        "  hint: use {diff}"]
    assert "Traceback" not in result.output
    assert page.read_bytes() == before
