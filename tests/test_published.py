"""[program.published]: publication dates read from rapor.toml, and every bad entry located with a hint."""

from __future__ import annotations

import datetime

from click.testing import Result

from generator.config import load_config

from scratch_site import TmpSite

SITE_HEADER_LINES = 5  # TmpSite.config() writes a [site] table of five lines before the extra text
DATE_HINT = 'write the day the results were published as YYYY-MM-DD, e.g. 2024 = "2024-12-10"'


def line(n: int) -> int:
    return SITE_HEADER_LINES + n


def problem(result: Result, where_what: str, hint: str) -> None:
    assert result.exit_code == 2, result.output
    assert f"{where_what}\n  hint: {hint}\n" in result.output, result.output
    assert "Traceback" not in result.output


def test_dates_written_as_text_or_as_toml_dates_are_read(tmp_site: TmpSite) -> None:
    tmp_site.config('[program.published]\n2022 = "2022-12-12"\n2023 = 2023-12-11\n')
    published = load_config(tmp_site.root).program.published
    assert published.dates == {2022: datetime.date(2022, 12, 12), 2023: datetime.date(2023, 12, 11)}
    assert published.get(2023) == datetime.date(2023, 12, 11)
    assert published.get(2021) is None and published.get(None) is None
    assert tmp_site.validate().exit_code == 0


def test_no_table_means_no_dates(tmp_site: TmpSite) -> None:
    assert load_config(tmp_site.root).program.published.dates == {}


def test_an_impossible_day_is_located(tmp_site: TmpSite) -> None:
    tmp_site.config('[program.published]\n2023 = "2023-02-30"\n')
    problem(tmp_site.validate(), f"rapor.toml:{line(2)}:1: the publication date for 2023 is not a date: '2023-02-30'",
            DATE_HINT)


def test_a_date_in_another_format_is_located(tmp_site: TmpSite) -> None:
    tmp_site.config('[program.published]\n2022 = "2022-12-12"\n2023 = "11/12/2023"\n')
    problem(tmp_site.validate(), f"rapor.toml:{line(3)}:1: the publication date for 2023 is not a date: '11/12/2023'",
            DATE_HINT)


def test_a_date_with_a_time_is_refused(tmp_site: TmpSite) -> None:
    tmp_site.config("[program.published]\n2023 = 2023-12-11T10:00:00\n")
    problem(tmp_site.validate(),
            f"rapor.toml:{line(2)}:1: the publication date for 2023 is not a date: '2023-12-11T10:00:00'", DATE_HINT)


def test_a_number_is_not_a_date(tmp_site: TmpSite) -> None:
    tmp_site.config("[program.published]\n2023 = 20231211\n")
    problem(tmp_site.validate(), f"rapor.toml:{line(2)}:1: the publication date for 2023 is not a date: '20231211'",
            DATE_HINT)


def test_a_key_that_is_not_a_year(tmp_site: TmpSite) -> None:
    tmp_site.config('[program.published]\ntahun2023 = "2023-12-11"\n')
    problem(tmp_site.validate(), f"rapor.toml:{line(2)}:1: 'tahun2023' in [program.published] is not a year",
            'name each date by the year of the results it published, e.g. 2024 = "2024-12-10"')


def test_a_date_before_its_year(tmp_site: TmpSite) -> None:
    tmp_site.config('[program.published]\n2023 = "2022-12-11"\n')
    problem(tmp_site.validate(),
            f"rapor.toml:{line(2)}:1: the publication date for 2023, 2022-12-11, is before that year",
            "results are published during or after the year they evaluate: check the year and the date")


def test_a_year_without_results(tmp_site: TmpSite) -> None:
    """2021 has no result file: its date would never be shown, most often a mistyped year."""
    tmp_site.config('[program.published]\n2023 = "2023-12-11"\n2021 = "2022-01-10"\n')
    problem(tmp_site.validate(), f"rapor.toml:{line(3)}:1: publication date for 2021, a year with no results",
            "years with results: 2022, 2023; correct the year or remove the date")


def test_not_a_table(tmp_site: TmpSite) -> None:
    tmp_site.config('[program]\npublished = "2023-12-11"\n')
    result = tmp_site.validate()
    assert result.exit_code == 2
    assert f"rapor.toml:{line(2)}:1: 'published' must be a table\n" in result.output, result.output


def test_every_bad_entry_is_reported_in_one_run_and_the_output_is_left_alone(tmp_site: TmpSite) -> None:
    assert tmp_site.build().exit_code == 0
    before = {p: p.read_bytes() for p in (tmp_site.root / "output").rglob("*") if p.is_file()}
    tmp_site.config('[program.published]\n2022 = "2022-13-01"\n2023 = "2023-12-11"\n2019 = "2019-12-01"\n')
    result = tmp_site.build()
    assert result.exit_code == 2
    assert f"rapor.toml:{line(2)}:1: the publication date for 2022 is not a date: '2022-13-01'" in result.output
    assert f"rapor.toml:{line(4)}:1: publication date for 2019, a year with no results" in result.output
    after = {p: p.read_bytes() for p in (tmp_site.root / "output").rglob("*") if p.is_file()}
    assert after == before
