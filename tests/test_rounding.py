"""One rounding rule: what a page shows is what is graded, ranked, compared and downloaded.

The oracle is plain decimal arithmetic on the value as written in a result file (half away from zero);
every consumer of a value is checked against it at every band edge of both bundled schemes.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import pytest

from generator.config import load_config
from generator.errors import ProblemList
from generator.i18n import Locale, load_locale
from generator.model import rank_results
from generator.rounding import format_fixed, round_float, round_half_up, round_series
from generator.scheme import Scheme
from generator.settings import DEFAULT_GRADES

from scratch_site import TmpSite

REPO = Path(__file__).resolve().parents[1]
SCHEMES = {"pekppp": REPO, "ombudsman": REPO / "examples" / "ombudsman"}
OFFSETS = ("-0.0051", "-0.005", "-0.0049", "-0.001", "0", "0.001", "0.0049", "0.005", "0.0051")


def scheme_of(name: str) -> Scheme:
    return load_config(SCHEMES[name]).scheme


def locales() -> list[Locale]:
    return [load_locale(lang, [], ProblemList()) for lang in ("id", "en")]


def as_decimal(shown: str, locale: Locale) -> Decimal:
    """A shown number read back: group separators out, the locale's decimal sign and minus made ASCII."""
    return Decimal(shown.replace(locale.group, "").replace(locale.decimal, ".").replace(locale.minus, "-"))


def published(text: str, precision: int) -> Decimal:
    return Decimal(text).quantize(Decimal(1).scaleb(-precision), rounding=ROUND_HALF_UP)


def band_edge_values(scheme: Scheme) -> list[str]:
    """Each band bound, and values just below, at and just above half a step either side of it (as written)."""
    step = Decimal(1).scaleb(-scheme.precision)
    values: set[Decimal] = set()
    for band in scheme.grades:
        for bound in (Decimal(format(band.min, ".15g")), Decimal(format(band.max, ".15g"))):
            for offset in OFFSETS:
                value = bound + Decimal(offset) * step * 100
                if Decimal(format(scheme.scale_min, ".15g")) <= value <= Decimal(format(scheme.scale_max, ".15g")):
                    values.add(value)
    return [str(v) for v in sorted(values)]


def graded_letter(scheme: Scheme, shown: Decimal) -> str:
    """The band whose published bounds hold the shown value."""
    hits = [b.letter for b in scheme.grades
            if Decimal(format(b.min, ".15g")) <= shown <= Decimal(format(b.max, ".15g"))]
    assert len(hits) == 1, (shown, hits)
    return hits[0]


@pytest.mark.parametrize("name", sorted(SCHEMES))
def test_shown_graded_ranked_and_downloaded_values_agree_at_every_band_edge(name: str) -> None:
    scheme = scheme_of(name)
    texts = band_edge_values(scheme)
    assert len(texts) > 5 * len(scheme.grades)
    values = pd.Series([float(t) for t in texts])  # as the loader reads "4.505"
    rounded = scheme.round(values)
    letters = scheme.grade_letters(values)
    for text, value, score, letter in zip(texts, values, rounded, letters, strict=True):
        expected = published(text, scheme.precision)
        for locale in locales():
            shown = locale.number(value, scheme.precision)
            assert as_decimal(shown, locale) == expected, (text, shown)
        assert Decimal(format(score, ".15g")) == expected, text  # what ranks compare
        assert letter == graded_letter(scheme, expected), (text, letter)  # graded with the shown value
        assert format_fixed(value, scheme.precision) == f"{expected:.{scheme.precision}f}"  # the download


@pytest.mark.parametrize("name", sorted(SCHEMES))
def test_ranks_and_changes_use_the_shown_values_at_band_edges(name: str) -> None:
    """Every band-edge value as one unit's result: units shown alike share a rank; a change is the difference
    of the shown values."""
    scheme = scheme_of(name)
    texts = band_edge_values(scheme)
    ids = [f"u{i:03d}" for i in range(len(texts))]
    units = pd.DataFrame({"level": "l", "type": "t", "province": ""}, index=pd.Index(ids, name="id"))
    later = list(reversed(texts))  # 2024 gives each unit another band-edge value
    results = pd.DataFrame({"year": [2023] * len(ids) + [2024] * len(ids), "unit_id": ids + ids,
                            "index": [float(t) for t in texts + later], "grade": ""})
    frame = rank_results(results, units, scheme)
    shown = {(y, u): published(t, scheme.precision) for y, values in ((2023, texts), (2024, later))
             for u, t in zip(ids, values, strict=True)}
    locale = locales()[1]
    for year in (2023, 2024):
        rows = frame[frame["year"] == year]
        for unit, rank, delta, grade in zip(rows["unit_id"], rows["rank_national"], rows["delta"], rows["grade"],
                                            strict=True):
            mine = shown[(year, unit)]
            assert rank == 1 + sum(1 for (y, _), v in shown.items() if y == year and v > mine), (year, unit)
            assert grade == graded_letter(scheme, mine), (year, unit)
            if year == 2024:
                assert as_decimal(locale.signed(delta, scheme.precision).replace("±", ""), locale) == \
                    mine - shown[(2023, unit)]


def test_the_issue_examples() -> None:
    """4.505 was shown as 4,50 but graded A and ranked as 4.51; likewise 4.005 and 87.995 on 0–100."""
    pekppp, ombudsman = scheme_of("pekppp"), scheme_of("ombudsman")
    indonesian, english = locales()
    assert indonesian.number(4.505) == "4,51" and english.number(4.505) == "4.51"
    assert pekppp.grade_for(4.505) == pekppp.band("A")
    assert indonesian.number(4.005) == "4,01" and pekppp.grade_for(4.005) == pekppp.band("A-")
    assert indonesian.number(4.5049) == "4,50" and pekppp.grade_for(4.5049) == pekppp.band("A-")
    assert indonesian.number(87.995) == "88,00" and ombudsman.grade_for(87.995) == ombudsman.band("A")
    assert indonesian.number(87.9949) == "87,99" and ombudsman.grade_for(87.9949) == ombudsman.band("B")


@pytest.mark.parametrize(("value", "decimals", "expected"), [
    (4.505, 2, "4.51"), (4.515, 2, "4.52"), (4.525, 2, "4.53"), (2.675, 2, "2.68"), (1.005, 2, "1.01"),
    (-4.505, 2, "-4.51"), (0.125, 2, "0.13"), (0.5, 0, "1"), (1.5, 0, "2"), (2.5, 0, "3"), (-2.5, 0, "-3"),
    (4.50499999, 2, "4.50"), (99.995, 2, "100.00"), (3, 2, "3.00"), (1e-9, 2, "0.00"),
    (4.51 - 4.50, 2, "0.01"), ((4.50 + 4.51) / 2, 2, "4.51"), (0.1 + 0.2, 1, "0.3"), (1234567.125, 2, "1234567.13"),
    (1e30, 2, "1000000000000000000000000000000.00"),
])
def test_half_away_from_zero_on_the_value_as_written(value: float, decimals: int, expected: str) -> None:
    """Binary floats hide halves (2.675 is 2.67499999... in binary); the value as written is rounded."""
    assert str(round_half_up(value, decimals)) == expected
    assert round_float(value, decimals) == float(expected)


def test_numbers_and_changes_that_round_to_zero_have_no_sign() -> None:
    indonesian = locales()[0]
    assert indonesian.number(-0.004) == "0,00"
    assert indonesian.signed(-0.004) == "±0,00"
    assert indonesian.signed(0.005) == "+0,01"
    assert indonesian.signed(-0.005) == "\u22120,01"
    assert indonesian.number(1234.5) == "1.234,50"
    assert format_fixed(-0.004, 2) == "0.00"


def test_a_row_of_figures_is_each_figure_as_number_shows_it() -> None:
    """fmt.numbers (one template call for a ranking row's aspects) may not format differently from fmt.number."""
    values = [4.505, None, float("nan"), -0.004, -1.005, 1234.5, 3]
    for locale in locales():
        for decimals in (0, 2, 3):
            assert locale.numbers(values, decimals) == [locale.number(value, decimals) for value in values]
    assert locales()[0].numbers(values) == ["4,51", "–", "–", "0,00", "\u22121,01", "1.234,50", "3,00"]
    assert locales()[0].numbers([]) == []


def test_round_series_keeps_missing_values_and_the_index() -> None:
    values = pd.Series([4.505, None, 4.505, -1.005], index=[10, 11, 12, 13], name="index")
    rounded = round_series(values, 2)
    assert list(rounded.index) == [10, 11, 12, 13] and rounded.name == "index"
    assert rounded.iloc[0] == rounded.iloc[2] == 4.51 and pd.isna(rounded.iloc[1]) and rounded.iloc[3] == -1.01


def test_a_built_page_shows_grades_and_ranks_the_same_value(tmp_site: TmpSite) -> None:
    """End to end: 4.505 in a result file is shown as 4,51 with grade A, tied with 4.51, and downloaded as 4.51."""
    tmp_site.results(2023, [("11-dpmptsp", 4.51), ("35-dpmptsp", 4.50)])
    text = (tmp_site.root / "data/results/2023.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    lines[2] = lines[2].replace("4.50", "4.505").replace(",A-", ",A")  # 35-dpmptsp: 4.505, grade A as published
    tmp_site.write("data/results/2023.csv", "\n".join(lines) + "\n")
    result = tmp_site.build()
    assert result.exit_code == 0, result.output
    page = (tmp_site.root / "output/unit/35-dpmptsp/index.html").read_text(encoding="utf-8")
    assert "4,51" in page and "4,50" not in page
    assert f'<span class="grade" style="background:{DEFAULT_GRADES[0]["color"]}">A</span>' in page
    assert "1 dari 2" in page  # tied with 4.51
    download = (tmp_site.root / "output/2023/rapor-2023.csv").read_text(encoding="utf-8").splitlines()
    rows = {line.split(",")[2]: line.split(",") for line in download[1:]}
    assert rows["35-dpmptsp"][1] == rows["11-dpmptsp"][1] == "1"
    assert rows["35-dpmptsp"][7:9] == ["4.51", "A"]
