"""rapor.toml: defaults, the settings table, and every config problem located in the file."""

from __future__ import annotations

import errno
import re
from pathlib import Path

import pytest
from click.testing import Result

from generator.config import load_config
from generator.settings import SETTINGS

from scratch_site import TmpSite

REPO = Path(__file__).resolve().parents[1]
SITE_HEADER_LINES = 5  # TmpSite.config() writes a [site] table of five lines before the extra text


def problem(result: Result, where_what: str, hint: str) -> None:
    assert result.exit_code == 2, result.output
    assert f"{where_what}\n  hint: {hint}\n" in result.output, result.output


def line(n: int) -> int:
    """Line n of the text passed to TmpSite.config(), as a line of rapor.toml."""
    return SITE_HEADER_LINES + n


# --- defaults ----------------------------------------------------------------------------------------------


def test_defaults_reproduce_pekppp(tmp_site: TmpSite) -> None:
    scheme = load_config(tmp_site.root).scheme
    assert (scheme.scale_min, scheme.scale_max, scheme.precision) == (0.0, 5.0, 2)
    assert [(a.key, a.weight) for a in scheme.aspects] == [
        ("kebijakan", 24), ("sdm", 25), ("sarpras", 18), ("sipp", 11), ("konsultasi", 10), ("inovasi", 12)]
    assert [(g.letter, g.min, g.max, g.predikat_id) for g in scheme.grades] == [
        ("A", 4.51, 5.00, "Pelayanan Prima"), ("A-", 4.01, 4.50, "Sangat Baik"), ("B", 3.51, 4.00, "Baik"),
        ("B-", 3.01, 3.50, "Baik (Dengan Catatan)"), ("C", 2.51, 3.00, "Cukup"),
        ("C-", 2.01, 2.50, "Cukup (Dengan Catatan)"), ("D", 1.51, 2.00, "Buruk"), ("E", 1.01, 1.50, "Sangat Buruk"),
        ("F", 0.00, 1.00, "Gagal")]
    assert scheme.weights_by_year == ()
    config = load_config(tmp_site.root)
    assert [c.key for c in config.levels] == ["kementerian-lembaga", "provinsi", "kabupaten-kota"]
    assert [c.needs_province for c in config.levels] == [False, True, True]
    assert [c.key for c in config.unit_types] == ["upp-kl", "dpmptsp", "samsat", "disdukcapil", "mpp"]
    assert config.data.layout == "per-year"
    assert config.warnings == ()


def test_default_grade_bands_pass_their_own_checks(tmp_site: TmpSite) -> None:
    scheme = load_config(tmp_site.root).scheme
    for index, letter in [(5.0, "A"), (4.51, "A"), (4.505, "A"), (4.504, "A-"), (4.01, "A-"), (4.0, "B"),
                          (1.0, "F"), (0.0, "F")]:
        band = scheme.grade_for(index)
        assert band is not None and band.letter == letter, index


def test_grade_colours_are_dark_enough_for_white_text(tmp_site: TmpSite) -> None:
    def luminance(colour: str) -> float:
        rgb = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    ombudsman = load_config(REPO / "examples" / "ombudsman").scheme
    for band in (*load_config(tmp_site.root).scheme.grades, *ombudsman.grades):
        assert 1.05 / (luminance(band.color) + 0.05) >= 4.5, band


# --- the settings table --------------------------------------------------------------------------------------


def test_every_setting_is_declared_once_with_a_one_line_doc() -> None:
    keys = [s.key for s in SETTINGS]
    assert len(keys) == len(set(keys))
    for setting in SETTINGS:
        assert setting.doc and "\n" not in setting.doc and setting.doc.endswith("."), setting.key
        assert setting.kind in ("str", "int", "float", "bool", "list[str]", "table", "list[table]"), setting.key


def test_every_setting_is_documented_in_the_readme() -> None:
    """The README's configuration table names every key, in backticks."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`([^`\n]+)`", readme))
    missing = [s.key for s in SETTINGS if s.key not in documented]
    assert not missing, "README.md does not document: " + ", ".join(missing)


# --- config problems -------------------------------------------------------------------------------------------


def test_toml_syntax_error_gives_its_line(tmp_site: TmpSite) -> None:
    tmp_site.config('[program]\nkey = "x\n')
    problem(tmp_site.validate(), f"rapor.toml:{line(2)}:9: TOML syntax error: Illegal character '\\n'",
            "check quotes, brackets and '=' on this line (see https://toml.io)")


@pytest.mark.parametrize("strict", [(), ("--strict",)])
def test_unknown_key_is_an_error_with_or_without_strict(tmp_site: TmpSite, strict: tuple[str, ...]) -> None:
    tmp_site.config("[scheme]\nprecison = 3\n")
    problem(tmp_site.validate(*strict), f"rapor.toml:{line(2)}:1: unknown key 'precison' in [scheme]",
            "did you mean 'precision'?")


def test_misspelled_notice_is_an_error(tmp_site: TmpSite) -> None:
    """A misspelled optional key would silently drop what it configures (here: the notice on every page)."""
    tmp_site.write("rapor.toml", '[site]\ntitle_id = "Uji"\nnotise_id = "Data ilustratif."\n')
    result = tmp_site.build()
    problem(result, "rapor.toml:3:1: unknown key 'notise_id' in [site]", "did you mean 'notice_id'?")
    assert not (tmp_site.root / "output").exists()


def test_unknown_table(tmp_site: TmpSite) -> None:
    tmp_site.config("[sheme]\nprecision = 3\n")
    result = tmp_site.validate()
    problem(result, f"rapor.toml:{line(1)}:1: unknown key 'sheme'", "did you mean 'scheme'?")


def test_misspelled_table_is_listed_before_the_errors_it_causes(tmp_site: TmpSite) -> None:
    """[colums] maps nothing, so the result files' own headers are missing: those errors come after the cause."""
    tmp_site.config('[colums]\nindex = "Indeks"\n')
    for year in (2022, 2023):
        path = tmp_site.root / f"data/results/{year}.csv"
        path.write_text(path.read_text().replace(",index,", ",Indeks,", 1))
    lines = problem_lines(tmp_site.validate())
    assert lines == [f"rapor.toml:{line(1)}:1: unknown key 'colums'",
                     "data/results/2022.csv:1:1: missing column 'index'",
                     "data/results/2023.csv:1:1: missing column 'index'"]


def test_value_of_the_wrong_kind(tmp_site: TmpSite) -> None:
    tmp_site.config('[scheme]\nprecision = "2"\n')
    problem(tmp_site.validate(), f"rapor.toml:{line(2)}:1: 'precision' must be a whole number, not '2'",
            "Published decimals; ranks and grades compare values rounded to this.")


WEIGHTS_2021 = "[scheme.weights.2021]\nkebijakan = 25\nsdm = 25\nsarpras = 20\nsipp = 10\nkonsultasi = 10\n"


def test_year_weights_that_do_not_sum_to_100(tmp_site: TmpSite) -> None:
    tmp_site.config(WEIGHTS_2021 + "inovasi = 5\n")
    problem(tmp_site.validate(), f"rapor.toml:{line(1)}:1: weights for 2021 sum to 95, not 100",
            "adjust the weights so they add up to 100")


def test_a_negative_year_weight_is_refused_even_when_the_sum_is_100(tmp_site: TmpSite) -> None:
    tmp_site.config("[scheme.weights.2021]\nkebijakan = 124\nsdm = -24\nsarpras = 0\nsipp = 0\nkonsultasi = 0\n"
                    "inovasi = 0\n")
    problem(tmp_site.validate(), f"rapor.toml:{line(3)}:1: weight 'sdm' for 2021 is -24, not a percent from 0 to 100",
            "give each aspect its share of the index in percent, e.g. kebijakan = 25")


def test_year_weights_missing_an_aspect(tmp_site: TmpSite) -> None:
    tmp_site.config(WEIGHTS_2021 + "inovatif = 10\n")
    result = tmp_site.validate()
    problem(result, f"rapor.toml:{line(1)}:1: [scheme.weights.2021] gives no weight for inovasi",
            "give every aspect a weight for that year")
    problem(result, f"rapor.toml:{line(7)}:1: [scheme.weights.2021] names unknown aspect 'inovatif'",
            "aspects: kebijakan, sdm, sarpras, sipp, konsultasi, inovasi")


def test_year_weight_that_is_not_a_number(tmp_site: TmpSite) -> None:
    tmp_site.config(WEIGHTS_2021 + 'inovasi = "10"\n')
    problem(tmp_site.validate(), f"rapor.toml:{line(7)}:1: weight 'inovasi' for 2021 must be a number, not '10'",
            "write the percent without quotes, e.g. kebijakan = 25")


ASPECTS_55_45 = ('[[scheme.aspects]]\nkey = "a"\nlabel_id = "A"\nlabel_en = "A"\nweight = 55\n'
                 '[[scheme.aspects]]\nkey = "b"\nlabel_id = "B"\nlabel_en = "B"\nweight = 40\n')


def test_aspect_weights_that_do_not_sum_to_100(tmp_site: TmpSite) -> None:
    tmp_site.config(ASPECTS_55_45)
    problem(tmp_site.validate(), f"rapor.toml:{line(5)}:1: aspect weights sum to 95, not 100",
            "adjust the weights so they add up to 100")


def band(letter: str, low: float, high: float) -> str:
    return (f'[[scheme.grades]]\nletter = "{letter}"\nmin = {low}\nmax = {high}\npredikat_id = "{letter}"\n'
            f'predikat_en = "{letter}"\ncolor = "#14632e"\n')


def test_grade_bands_that_overlap(tmp_site: TmpSite) -> None:
    tmp_site.config(band("A", 3.5, 5) + band("B", 2.01, 3.6) + band("C", 0, 2))
    # Located at the upper band's min (A's, line 3 of the text).
    problem(tmp_site.validate(), f"rapor.toml:{line(3)}:1: grades B (2.01–3.6) and A (3.5–5) overlap",
            "start A at 3.61, just above 3.6")


def test_grade_bands_that_leave_a_gap(tmp_site: TmpSite) -> None:
    tmp_site.config(band("A", 3.6, 5) + band("B", 2.01, 3.5) + band("C", 0.5, 2))
    result = tmp_site.validate()
    problem(result, f"rapor.toml:{line(3)}:1: gap between grade B (up to 3.5) and A (from 3.6)",
            "start A at 3.51")
    problem(result, f"rapor.toml:{line(17)}:1: no grade covers 0 to 0.5", "let grade C start at 0")


def test_incomplete_grade_entry_is_reported_once(tmp_site: TmpSite) -> None:
    tmp_site.config(band("A", 2.01, 5) + band("B", 0, 2).replace("min = 0\n", "minimum = 0\n"))
    result = tmp_site.validate()
    problem(result, f"rapor.toml:{line(8)}:1: [[scheme.grades]] entry 2 has no 'min'",
            "Lowest index in the band (inclusive).")
    # The misspelling is listed first: the missing 'min' follows from it.
    assert problem_lines(result) == [f"rapor.toml:{line(10)}:1: unknown key 'minimum' in [scheme.grades[]]",
                                     f"rapor.toml:{line(8)}:1: [[scheme.grades]] entry 2 has no 'min'"]
    assert "gap" not in result.output and "covers" not in result.output


@pytest.mark.parametrize("strict", [(), ("--strict",)])
def test_unknown_column_field_is_an_error(tmp_site: TmpSite, strict: tuple[str, ...]) -> None:
    tmp_site.config('[columns]\nindeks = "Indeks"\n')
    problem(tmp_site.validate(*strict), f"rapor.toml:{line(2)}:1: unknown field 'indeks' in [columns]",
            "did you mean 'index'?")


def test_column_header_that_is_not_text(tmp_site: TmpSite) -> None:
    tmp_site.config("[columns]\nindex = 9\n")
    problem(tmp_site.validate(), f"rapor.toml:{line(2)}:1: the header for 'index' must be text in quotes",
            'write the header as it appears in your file, e.g. index = "index"')


def test_level_key_that_cannot_be_a_folder(tmp_site: TmpSite) -> None:
    tmp_site.config('[[levels]]\nkey = "../kota"\nlabel_id = "Kota"\nlabel_en = "Cities"\n')
    problem(tmp_site.validate(), f"rapor.toml:{line(2)}:1: levels key '../kota' is not a plain name",
            "use only lower-case ASCII letters (a-z), digits (0-9), '-' and '_', starting with a letter or digit, "
            "at most 64 characters, e.g. kabupaten-kota; it becomes part of URLs")


def test_unknown_layout(tmp_site: TmpSite) -> None:
    tmp_site.config('[data]\nlayout = "wide"\n')
    problem(tmp_site.validate(), f"rapor.toml:{line(2)}:1: unknown data layout 'wide'", "use 'per-year' or 'long'")


def test_no_config(tmp_path: Path, tmp_site: TmpSite) -> None:
    (tmp_site.root / "rapor.toml").unlink()
    result = tmp_site.validate()
    assert result.exit_code == 2
    assert result.output.startswith(f"rapor.toml:1:1: no rapor.toml in {tmp_site.root.resolve()}\n")


def test_config_that_is_a_folder(tmp_site: TmpSite) -> None:
    (tmp_site.root / "rapor.toml").unlink()
    (tmp_site.root / "rapor.toml").mkdir()
    result = tmp_site.validate()
    problem(result, "rapor.toml:1:1: rapor.toml is a folder, not a file",
            "replace the folder with the rapor.toml text file")
    assert "Traceback" not in result.output


# --- config errors do not hide data errors ---------------------------------------------------------------------


def problem_lines(result: Result) -> list[str]:
    return [text for text in result.output.splitlines() if not text.startswith(" ")][:-1]


def bad_cell(site: TmpSite) -> None:
    """A text cell where the 2023 index of kl-imigrasi belongs (line 2, column 9)."""
    path = site.root / "data/results/2023.csv"
    path.write_text(path.read_text().replace("3.80,B\n", "x,B\n", 1))


BAD_CELL = "data/results/2023.csv:2:9: 'x' is not a number (column 'index')"


def test_bad_weights_and_a_bad_cell_in_one_run(tmp_site: TmpSite) -> None:
    tmp_site.config(WEIGHTS_2021 + "inovasi = 5\n")
    bad_cell(tmp_site)
    result = tmp_site.validate()
    assert problem_lines(result) == [BAD_CELL, f"rapor.toml:{line(1)}:1: weights for 2021 sum to 95, not 100"]
    assert result.output.endswith("\n2 errors found; nothing was written.\n")
    # The weights in force for 2022 and 2023 are wrong, so no row is checked against them.
    assert "weighted aspects" not in result.output


def test_overlapping_grades_and_a_bad_cell_in_one_run(tmp_site: TmpSite) -> None:
    tmp_site.config(band("A", 3.5, 5) + band("B", 2.01, 3.6) + band("C", 0, 2))
    bad_cell(tmp_site)
    result = tmp_site.validate()
    lines = problem_lines(result)
    assert BAD_CELL in lines
    assert lines[-1] == f"rapor.toml:{line(3)}:1: grades B (2.01–3.6) and A (3.5–5) overlap"
    # The fixture's other letters (A-, B-) are unknown to this scheme and reported, but whether a grade fits
    # its index is not judged with bands that overlap.
    assert "data/results/2022.csv:2:10: unknown grade 'B-'" in lines
    assert "contradicts" not in result.output


def test_unknown_key_and_a_bad_cell_in_one_run(tmp_site: TmpSite) -> None:
    tmp_site.config("[scheme]\nprecison = 3\n")
    bad_cell(tmp_site)
    assert problem_lines(tmp_site.validate()) == [f"rapor.toml:{line(2)}:1: unknown key 'precison' in [scheme]",
                                                  BAD_CELL]


def test_wrong_kind_of_text_setting_and_a_bad_cell_in_one_run(tmp_site: TmpSite) -> None:
    tmp_site.config('[program]\npublisher = 7\n')
    bad_cell(tmp_site)
    assert problem_lines(tmp_site.validate()) == [
        BAD_CELL, f"rapor.toml:{line(2)}:1: 'publisher' must be text in quotes, not 7"]


@pytest.mark.parametrize(("extra", "expected", "hint"), [
    ('[scheme]\nprecision = "2"\n', f"rapor.toml:{line(2)}:1: 'precision' must be a whole number, not '2'",
     "Published decimals; ranks and grades compare values rounded to this."),
    ("[scheme]\nscale_min = 5\nscale_max = 0\n", f"rapor.toml:{line(3)}:1: scale_max 0 is not above scale_min 5",
     "e.g. scale_min = 0 and scale_max = 5"),
    ('[data]\nlayout = "wide"\n', f"rapor.toml:{line(2)}:1: unknown data layout 'wide'", "use 'per-year' or 'long'"),
    ('[program]\nkey = "x\n', f"rapor.toml:{line(2)}:9: TOML syntax error: Illegal character '\\n'",
     "check quotes, brackets and '=' on this line (see https://toml.io)"),
])
def test_an_unusable_config_stops_before_the_data(tmp_site: TmpSite, extra: str, expected: str, hint: str) -> None:
    tmp_site.config(extra)
    bad_cell(tmp_site)
    result = tmp_site.validate()
    problem(result, expected, hint)
    assert problem_lines(result) == [expected]


@pytest.mark.parametrize("example", ["examples/ombudsman", "."])
def test_bundled_projects_load_without_warnings(example: str) -> None:
    assert load_config(REPO / example).warnings == ()


# --- numbers that cannot be computed with (TOML allows inf and nan) ----------------------------------------------


@pytest.mark.parametrize(("extra", "expected", "hint"), [
    ("[scheme]\nprecision = inf\n", f"rapor.toml:{line(2)}:1: 'precision' must be a whole number, not inf",
     "Published decimals; ranks and grades compare values rounded to this."),
    ("[scheme]\nprecision = nan\n", f"rapor.toml:{line(2)}:1: 'precision' must be a whole number, not nan",
     "Published decimals; ranks and grades compare values rounded to this."),
    ("[scheme]\nprecision = 2.5\n", f"rapor.toml:{line(2)}:1: 'precision' must be a whole number, not 2.5",
     "Published decimals; ranks and grades compare values rounded to this."),
    ("[scheme]\nscale_max = nan\n", f"rapor.toml:{line(2)}:1: 'scale_max' must be a finite number, not nan",
     "Highest possible index or score."),
    ("[scheme]\nscale_min = -inf\n", f"rapor.toml:{line(2)}:1: 'scale_min' must be a finite number, not -inf",
     "Lowest possible index or score."),
    ("[scheme]\ntolerance = inf\n", f"rapor.toml:{line(2)}:1: 'tolerance' must be a finite number, not inf",
     "Largest accepted gap between the index and the weighted aspects before a warning."),
])
def test_scheme_number_that_is_not_finite_stops_before_the_data(tmp_site: TmpSite, extra: str, expected: str,
                                                                  hint: str) -> None:
    tmp_site.config(extra)
    bad_cell(tmp_site)
    result = tmp_site.validate()
    problem(result, expected, hint)
    assert problem_lines(result) == [expected]
    assert "Traceback" not in result.output


def test_year_weight_that_is_nan(tmp_site: TmpSite) -> None:
    tmp_site.config(WEIGHTS_2021 + "inovasi = nan\n")
    result = tmp_site.validate()
    problem(result, f"rapor.toml:{line(7)}:1: weight 'inovasi' for 2021 must be a finite number, not nan",
            "write the percent as a number, e.g. kebijakan = 25")
    assert problem_lines(result) == [f"rapor.toml:{line(7)}:1: weight 'inovasi' for 2021 must be a finite number, "
                                     "not nan"]


def test_aspect_weight_that_is_nan(tmp_site: TmpSite) -> None:
    tmp_site.config(ASPECTS_55_45.replace("weight = 40", "weight = nan"))
    result = tmp_site.validate()
    problem(result, f"rapor.toml:{line(10)}:1: 'weight' must be a finite number, not nan",
            "Aspect weight in percent; all weights sum to 100.")
    assert "aspect weights sum to" not in result.output


def test_grade_bound_that_is_infinite(tmp_site: TmpSite) -> None:
    tmp_site.config(band("A", 2.01, 5).replace("max = 5", "max = inf") + band("B", 0, 2))
    result = tmp_site.validate()
    problem(result, f"rapor.toml:{line(4)}:1: 'max' must be a finite number, not inf",
            "Highest index in the band (inclusive).")
    assert "covers" not in result.output and "overlap" not in result.output


# --- grade colours go into a style attribute -----------------------------------------------------------------


def test_grade_colour_that_is_not_a_hex_colour(tmp_site: TmpSite) -> None:
    evil = "#000;background-image:url(https://evil/x)"
    tmp_site.config(band("A", 2.01, 5).replace("#14632e", evil) + band("B", 0, 2).replace("#14632e", "darkred"))
    result = tmp_site.validate()
    problem(result, f"rapor.toml:{line(7)}:1: grade colour '{evil}' is not a hex colour",
            "use a hex colour such as #1f5f8b")
    problem(result, f"rapor.toml:{line(14)}:1: grade colour 'darkred' is not a hex colour",
            "use a hex colour such as #1f5f8b")


def test_grade_colours_in_every_hex_form(tmp_site: TmpSite) -> None:
    colours = ["#123", "#123a", "#1F5F8B", "#1f5f8bcc"]
    bands = [("A", 4.01, 5), ("B", 3.01, 4), ("C", 2.01, 3), ("D", 0, 2)]
    tmp_site.config("".join(band(letter, low, high).replace("#14632e", colour)
                            for (letter, low, high), colour in zip(bands, colours, strict=True)))
    assert [g.color for g in load_config(tmp_site.root).scheme.grades] == colours


# --- site.base_url and site.languages --------------------------------------------------------------------------

BASE_URL_HINT = ("give the site's public address with its host, e.g. https://rapor.example.id/ or "
                 "https://example.org/rapor/; or leave it empty")
QUERY_HINT = ("give the address without '?' or '#' and what follows, e.g. https://rapor.example.id/ or "
              "https://example.org/rapor/")


@pytest.mark.parametrize(("url", "message", "hint"), [
    ("https://x.org/rapor?ref=1", "base_url 'https://x.org/rapor?ref=1' has a query or fragment", QUERY_HINT),
    ("https://x.org/rapor/#top", "base_url 'https://x.org/rapor/#top' has a query or fragment", QUERY_HINT),
    ("https://x.org/rapor/?", "base_url 'https://x.org/rapor/?' has a query or fragment", QUERY_HINT),
    ("rapor", "base_url 'rapor' is not an absolute http(s) address", BASE_URL_HINT),
    ("/rapor/", "base_url '/rapor/' is not an absolute http(s) address", BASE_URL_HINT),
    ("//x.org/rapor/", "base_url '//x.org/rapor/' is not an absolute http(s) address", BASE_URL_HINT),
    ("ftp://x.org/", "base_url 'ftp://x.org/' is not an absolute http(s) address", BASE_URL_HINT),
    ("https:///rapor/", "base_url 'https:///rapor/' is not an absolute http(s) address", BASE_URL_HINT),
    ("https://[x/", "base_url 'https://[x/' is not an absolute http(s) address", BASE_URL_HINT),
    ("https://x.org/ra por/", "base_url 'https://x.org/ra por/' is not an absolute http(s) address", BASE_URL_HINT),
    ('https://x.org/a</script>/', "base_url 'https://x.org/a</script>/' is not an absolute http(s) address",
     BASE_URL_HINT),
    ("https://x.org/{a}/", "base_url 'https://x.org/{a}/' is not an absolute http(s) address", BASE_URL_HINT),
    # A port that is no number, or out of range: no server listens there.
    ("https://x.org:99999/", "base_url 'https://x.org:99999/' is not an absolute http(s) address", BASE_URL_HINT),
    ("https://x.org:http/", "base_url 'https://x.org:http/' is not an absolute http(s) address", BASE_URL_HINT),
])
def test_base_url_that_is_not_a_public_address(tmp_site: TmpSite, url: str, message: str, hint: str) -> None:
    tmp_site.config(f'base_url = "{url}"\n')
    problem(tmp_site.validate(), f"rapor.toml:{line(1)}:1: {message}", hint)


@pytest.mark.parametrize(("url", "read"), [
    ("", ""), ("https://x.org/rapor/", "https://x.org/rapor/"), ("http://x.org:8080/rapor", "http://x.org:8080/rapor"),
    ("https://x.org", "https://x.org/"),
])
def test_base_url_accepted(tmp_site: TmpSite, url: str, read: str) -> None:
    tmp_site.config(f'base_url = "{url}"\n')
    assert load_config(tmp_site.root).site.base_url == read


@pytest.mark.parametrize(("languages", "message", "hint"), [
    ("[]", "site.languages is empty", 'use ["id", "en"]'),
    ('["id", "en", "id"]', "language 'id' is listed twice", "list each language once"),
    ('["ID"]', "language 'ID' is not a language code", 'use lower-case two- or three-letter codes, e.g. ["id", "en"]'),
    ('["id", "english"]', "language 'english' is not a language code",
     'use lower-case two- or three-letter codes, e.g. ["id", "en"]'),
    ('["id", "en-GB"]', "language 'en-GB' is not a language code",
     'use lower-case two- or three-letter codes, e.g. ["id", "en"]'),
    ('["", "en"]', "language '' is not a language code",
     'use lower-case two- or three-letter codes, e.g. ["id", "en"]'),
    ('["id", "fr"]', "language 'fr' is not supported", "use 'id' and/or 'en'"),
])
def test_languages_that_are_not_a_list_of_codes(tmp_site: TmpSite, languages: str, message: str, hint: str) -> None:
    tmp_site.config(f"languages = {languages}\n")
    result = tmp_site.validate()
    problem(result, f"rapor.toml:{line(1)}:1: {message}", hint)
    assert "Traceback" not in result.output


def test_languages_keep_their_order(tmp_site: TmpSite) -> None:
    tmp_site.config('languages = ["en", "id"]\n')
    assert load_config(tmp_site.root).site.languages == ("en", "id")


# --- names and text a user chooses ---------------------------------------------------------------------------


@pytest.mark.parametrize(("extra", "key"), [
    ('title_en = "Report\\u001b[2J"\n', "title_en"),
    ('notice_id = "Data \u202eilustratif"\n', "notice_id"),
    ('publisher = "Tim\u200bRapor"\n', "publisher"),
    ('notice_en = """Data\\u0000"""\n', "notice_en"),
])
def test_config_text_with_control_characters(tmp_site: TmpSite, extra: str, key: str) -> None:
    tmp_site.write("rapor.toml", "[site]\n" + extra.replace("publisher", "[program]\npublisher"))
    result = tmp_site.validate()
    assert result.exit_code == 2, result.output
    assert f": '{key}' holds a control or invisible character: '" in result.output
    assert "\x1b" not in result.output and "\u202e" not in result.output and "\u200b" not in result.output


def test_level_label_with_a_control_character(tmp_site: TmpSite) -> None:
    tmp_site.config('[[levels]]\nkey = "kota"\nlabel_id = "Kota\\u0007"\nlabel_en = "Cities"\n')
    problem(tmp_site.validate(), f"rapor.toml:{line(3)}:1: 'label_id' holds a control or invisible character: "
            "'Kota\\x07'", "remove control and invisible formatting characters (shown as \\x.. or \\u....)")


def test_notice_may_span_lines(tmp_site: TmpSite) -> None:
    tmp_site.write("rapor.toml", '[site]\nnotice_id = """Data ilustratif.\nBukan hasil resmi."""\n')
    assert load_config(tmp_site.root).site.notice["id"] == "Data ilustratif.\nBukan hasil resmi."


def aspect(key: str) -> str:
    return f'[[scheme.aspects]]\nkey = "{key}"\nlabel_id = "A"\nlabel_en = "A"\nweight = 100\n'


@pytest.mark.parametrize("key", ["Inovasi", "ino vasi", "../x", "", "a\x00b"])
def test_aspect_key_that_is_not_a_plain_name(tmp_site: TmpSite, key: str) -> None:
    tmp_site.config(aspect(key.replace("\x00", "\\u0000")))
    result = tmp_site.validate()
    assert result.exit_code == 2, result.output
    assert f"rapor.toml:{line(2)}:1: aspect key '" in result.output and "is not a plain name" in result.output


@pytest.mark.parametrize("key", ["con", "nul", "aux", "prn", "com1", "lpt9", "con.txt", "nul.tar.gz", "kota."])
def test_level_key_that_windows_cannot_store(tmp_site: TmpSite, key: str) -> None:
    tmp_site.config(f'[[levels]]\nkey = "{key}"\nlabel_id = "Kota"\nlabel_en = "Cities"\n')
    result = tmp_site.validate()
    assert result.exit_code == 2, result.output
    assert (f"rapor.toml:{line(2)}:1: levels key '{key}' cannot name a folder on Windows" in result.output
            or f"rapor.toml:{line(2)}:1: levels key '{key}' is not a plain name" in result.output), result.output
    if "." not in key:
        assert "cannot name a folder on Windows" in result.output


@pytest.mark.parametrize(("extra", "expected", "hint"), [
    ('[columns]\nindex = "Nilai"\ngrade = "nilai"\n', f"rapor.toml:{line(3)}:1: 'index' and 'grade' both read the "
     "column 'nilai'", "map each field to its own column"),
    ('[columns]\ngrade = "index"\n', f"rapor.toml:{line(2)}:1: 'index' and 'grade' both read the column 'index'",
     "map each field to its own column"),
    ('[columns]\nindex = " "\n', f"rapor.toml:{line(2)}:1: the header for 'index' is empty",
     'write the header as it appears in your file, e.g. index = "index"'),
    ('[columns]\nindex = "In\\u001bdeks"\n', f"rapor.toml:{line(2)}:1: the header for 'index' holds a control or "
     "invisible character: 'In\\x1bdeks'", "remove control and invisible formatting characters (shown as \\x.. or "
     "\\u....)"),
    ('[data]\nignore_columns = ["Grade"]\n', f"rapor.toml:{line(2)}:1: column 'grade' is ignored but also read for "
     "'grade'", "remove it from data.ignore_columns, or map the field to another column under [columns]"),
])
def test_column_mapping_that_cannot_be_read(tmp_site: TmpSite, extra: str, expected: str, hint: str) -> None:
    tmp_site.config(extra)
    problem(tmp_site.validate(), expected, hint)


# --- rapor.toml that the system cannot read ---------------------------------------------------------------------


def test_config_that_is_a_dangling_link(tmp_site: TmpSite) -> None:
    (tmp_site.root / "rapor.toml").unlink()
    (tmp_site.root / "rapor.toml").symlink_to(tmp_site.root / "gone.toml")
    problem(tmp_site.validate(), f"rapor.toml:1:1: rapor.toml is a link to {tmp_site.root / 'gone.toml'}, which "
            "does not exist", "point the link at the file, or put the file in its place")


def test_config_that_cannot_be_read(tmp_site: TmpSite, monkeypatch: pytest.MonkeyPatch) -> None:
    original = Path.read_bytes

    def refuse(path: Path) -> bytes:
        if path.name == "rapor.toml":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return original(path)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    problem(tmp_site.validate(), "rapor.toml:1:1: no permission to read rapor.toml",
            "give read permission to the file and its folders (e.g. chmod a+r FILE), or run rapor as their owner")


def test_project_path_through_a_file(tmp_site: TmpSite) -> None:
    result = tmp_site.cli("validate", str(tmp_site.root / "rapor.toml" / "sub"))
    problem(result, f"{(tmp_site.root / 'rapor.toml').resolve()}:1:1: this is a file, not a project folder",
            "pass the project's folder (the one holding rapor.toml), e.g. rapor build kota/; to start a new project, "
            "run: rapor init NEW_FOLDER")


def test_a_config_that_is_not_utf8_is_located_at_its_first_bad_byte(tmp_site: TmpSite) -> None:
    tmp_site.write("rapor.toml", b'[site]\ntitle_id = "R\xe9port"\n')
    problem(tmp_site.validate(), "rapor.toml:2:14: rapor.toml is not UTF-8 text (invalid continuation byte)",
            "save the file as UTF-8")


def test_a_web_address_with_an_impossible_port_is_an_error(tmp_site: TmpSite) -> None:
    tmp_site.config('[program]\nsource_url = "https://x.org:99999/data"\n')
    problem(tmp_site.validate(), f"rapor.toml:{line(2)}:1: source_url 'https://x.org:99999/data' is not an absolute "
            "http(s) address", "give the full address, e.g. https://creativecommons.org/licenses/by/4.0/; or leave it "
            "empty")
