"""Ranking page numbers are made for the years unit pages link (their latest evaluated year's rankings) only,
and give every unit page the links the numbers of all years gave."""

from __future__ import annotations

from pathlib import Path

from download_site import build, three_year_site

from generator.pages import ranking_page_numbers, unit_facts, unit_ranking_links, year_facts
from generator.urls import SiteUrls


def test_the_wanted_years_numbers_give_every_unit_its_links(tmp_path: Path) -> None:
    built = build(three_year_site(tmp_path))
    config, data = built.inputs.config, built.data
    years = {year: year_facts(config, data, year) for year in data.years}
    units = {unit_id: unit_facts(config, data, unit_id, unit) for unit_id, unit in data.units.items()}
    wanted = {int(page["latest"]["year"]) for page in units.values() if page["latest"] and page["latest"]["evaluated"]}
    assert wanted == {2023, 2024}  # 36.74-mpp was last evaluated in 2023
    every, some = ranking_page_numbers(data, years), ranking_page_numbers(data, years, wanted)
    assert {key[0] for key in every} == {2022, 2023, 2024} and {key[0] for key in some} == wanted
    site_urls = SiteUrls(config.site.languages[0])
    for lang in config.site.languages:
        links = [unit_ranking_links(site_urls, lang, page, some) for page in units.values()]
        assert links == [unit_ranking_links(site_urls, lang, page, every) for page in units.values()]
        scored = [bool(page["latest"] and page["latest"]["evaluated"]) for page in units.values()]
        assert [bool(link) for link in links] == scored and any(scored)
