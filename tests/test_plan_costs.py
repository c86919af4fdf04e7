"""Planning made cheaper without changing a plan: ranking page numbers only for the years unit pages link
(their latest evaluated year's rankings), and a unit's latest row found from its latest year."""

from __future__ import annotations

from dataclasses import replace
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


def test_latest_row_is_the_latest_evaluated_else_the_latest(tmp_path: Path) -> None:
    built = build(three_year_site(tmp_path))
    data = built.data

    def latest(rows: list[dict[str, object]]) -> object:  # the definition: what the pages have always shown
        scored = [r for r in rows if r["evaluated"]]
        return next(reversed(scored or rows), None)

    for unit_id in data.units:
        assert data.latest_row(unit_id) is latest(data.history.get(unit_id, []))
    made = {"never": [{"year": 2022, "evaluated": False}, {"year": 2023, "evaluated": False}],
            "gap": [{"year": 2022, "evaluated": True}, {"year": 2023, "evaluated": False}],
            "none": []}
    crafted = replace(data, history=made)
    for unit_id, rows in made.items():
        assert crafted.latest_row(unit_id) is latest(rows)
    assert crafted.latest_row("never") is made["never"][1] and crafted.latest_row("gap") is made["gap"][0]
    assert crafted.latest_row("none") is None and crafted.latest_row("unknown") is None
