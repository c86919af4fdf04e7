"""The province league pages (<year>/provinces/): every province of the reference list per year, with the model's
averages, ranks, movement, unit and grade counts; provinces without an evaluated unit listed as "no data"."""

from __future__ import annotations

import posixpath
from pathlib import Path

import pandas as pd
from bs4 import BeautifulSoup, Tag

from generator.i18n import Locale
from generator.league import league_by_year, province_league
from generator.model import Model, build_model
from generator.pipeline import read_inputs
from generator.urls import SiteUrls

from scratch_site import TmpSite

# Bali (51) is listed but has no unit: it has no data in any year.
PROVINCES = "kode,nama\n11,Aceh\n35,Jawa Timur\n36,Banten\n51,Bali\n"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def model_of(site: TmpSite) -> tuple[Model, pd.DataFrame]:
    inputs = read_inputs(site.root)
    return build_model(inputs.results, inputs.units, inputs.provinces, inputs.config.scheme), inputs.provinces


def league_rows(page: BeautifulSoup) -> list[list[str]]:
    table = page.select_one("table.league")
    assert isinstance(table, Tag)
    return [[cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
            for row in table.select("tbody tr")]


def locale(lang: str) -> Locale:
    # Numbers as the pages write them (3,68 in Indonesian), without going through the theme.
    return Locale(lang, {}, "," if lang == "id" else ".", "." if lang == "id" else ",", "\u2212", lang)


def test_league_numbers_are_the_models(tmp_site: TmpSite) -> None:
    tmp_site.write("data/reference/provinsi.csv", PROVINCES)
    model, provinces = model_of(tmp_site)
    scheme = read_inputs(tmp_site.root).config.scheme
    league = province_league(model, provinces, scheme)
    assert len(league) == len(model.years) * 4  # every province, every year
    ranked = league[league["has_data"]].set_index(["year", "province"]).sort_index()
    expected = model.provinces.set_index(["year", "province"]).sort_index()
    assert list(ranked.index) == list(expected.index)
    for column in ("mean", "rank", "units", "movement", "previous_rank", "compared_year"):
        assert ranked[column].tolist() == expected[column].tolist(), column
    evaluated = model.results[model.results["evaluated"] & (model.results["province"] != "")]
    for (year, code), row in ranked.iterrows():
        units = evaluated[(evaluated["year"] == year) & (evaluated["province"] == code)]
        for band in scheme.grades:
            assert row[f"grade:{band.letter}"] == int((units["grade"] == band.letter).sum())
        assert sum(row[f"grade:{band.letter}"] for band in scheme.grades) == row["units"]
        assert row["of"] == len(expected.loc[year])
    bali = league[league["province"] == "51"]
    assert not bali["has_data"].any() and bali["mean"].isna().all() and bali["rank"].isna().all()
    assert (bali["units"] == 0).all()
    # Ranked provinces come first, in rank order; no-data provinces last.
    for rows in league_by_year(league, scheme).values():
        flags = [row["has_data"] for row in rows]
        assert flags == sorted(flags, reverse=True)
        ranks = [row["rank"] for row in rows if row["has_data"]]
        assert ranks == sorted(ranks)


def test_league_page_shows_the_model_numbers_in_both_languages(tmp_site: TmpSite) -> None:
    tmp_site.write("data/reference/provinsi.csv", PROVINCES)
    assert tmp_site.build().exit_code == 0
    model, provinces = model_of(tmp_site)
    scheme = read_inputs(tmp_site.root).config.scheme
    by_year = league_by_year(province_league(model, provinces, scheme), scheme)
    urls = SiteUrls("id")
    for lang, no_data in (("id", "tidak ada data"), ("en", "no data")):
        numbers = locale(lang)
        for year in model.years:
            page = soup(tmp_site.root / "output" / urls.provinces(lang, year))
            shown = league_rows(page)
            assert len(shown) == 4
            for cells, row in zip(shown, by_year[year], strict=True):
                assert cells[1] == row["name"]
                if not row["has_data"]:
                    assert cells == ["–", row["name"], no_data]
                    continue
                assert cells[0] == str(row["rank"])
                assert cells[2] == numbers.number(row["mean"], 2)
                assert cells[4] == str(row["units"])
                assert cells[5:] == [str(row["grades"][band.letter]) for band in scheme.grades]
                move = row["movement"]
                arrow = "–" if move is None else "=" if move == 0 else f"▲ {move}" if move > 0 else f"▼ {-move}"
                assert cells[3].startswith(arrow), (cells[3], move)


def test_no_data_provinces_are_not_zero(tmp_site: TmpSite) -> None:
    tmp_site.write("data/reference/provinsi.csv", PROVINCES)
    assert tmp_site.build().exit_code == 0
    page = soup(tmp_site.root / "output/2023/provinces/index.html")
    bali = [row for row in page.select("table.league tbody tr") if "Bali" in row.get_text()]
    assert len(bali) == 1 and "no-data" in (bali[0].get("class") or [])
    assert "0,00" not in bali[0].get_text() and "tidak ada data" in bali[0].get_text()
    assert bali[0].find("a") is None  # Bali has no province page to link to


def test_movement_and_rank_against_the_previous_year(tmp_site: TmpSite) -> None:
    tmp_site.write("data/reference/provinsi.csv", PROVINCES)
    assert tmp_site.build().exit_code == 0
    rows = {cells[1]: cells for cells in league_rows(soup(tmp_site.root / "output/en/2023/provinces/index.html"))}
    # 2022: Jawa Timur (3.90, 3.20, 3.40, 4.60 -> 3.78) 1st, Banten 3.30 2nd, Aceh 3.10 3rd.
    # 2023: Banten (3.95, 4.05 -> 4.00) 2nd, Jawa Timur (3.70, 4.20, 4.55 -> 4.15) 1st, Aceh 3.80 3rd.
    assert rows["Jawa Timur"][:3] == ["1", "Jawa Timur", "4.15"]
    assert rows["Banten"][:3] == ["2", "Banten", "4.00"]
    assert rows["Aceh"][:3] == ["3", "Aceh", "3.80"]
    assert rows["Jawa Timur"][3] == "= same rank"
    assert rows["Jawa Timur"][4] == "3"


def targets(out: Path, page: str, within: str = "body") -> set[str]:
    """Where the links of `page` (inside the element `within`) lead, as paths from the output root."""
    found = soup(out / page).select_one(within)
    assert found is not None
    return {posixpath.normpath(posixpath.join(posixpath.dirname(page), str(a["href"])))
            for a in found.find_all("a", href=True)}


def test_the_league_is_linked_from_home_year_province_pages_and_navigation(tmp_site: TmpSite) -> None:
    assert tmp_site.build().exit_code == 0
    out, urls = tmp_site.root / "output", SiteUrls("id")
    for lang in ("id", "en"):
        for page, year in ((urls.home(lang), 2023), (urls.year(lang, 2022), 2022), (urls.province(lang, "35"), 2023),
                           (urls.unit(lang, "35-dpmptsp"), 2023)):
            assert urls.provinces(lang, 2023) in targets(out, page, "nav.main-nav"), page
            if "unit/" not in page:
                assert urls.provinces(lang, year) in targets(out, page, "main"), page
        # The league links each province page that exists, and every other year's league.
        league = urls.provinces(lang, 2023)
        assert targets(out, league, "table.league") == {urls.province(lang, code) for code in ("11", "35", "36")}
        assert urls.provinces(lang, 2022) in targets(out, league, "main")


def test_league_pages_are_in_the_sitemap(tmp_site: TmpSite) -> None:
    tmp_site.config('base_url = "https://example.org/"\n')
    assert tmp_site.build().exit_code == 0
    sitemap = (tmp_site.root / "output/sitemap.xml").read_text(encoding="utf-8")
    for year in (2022, 2023):
        assert f"<loc>https://example.org/{year}/provinces/</loc>" in sitemap
        assert f"<loc>https://example.org/en/{year}/provinces/</loc>" in sitemap
