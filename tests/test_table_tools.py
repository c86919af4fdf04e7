"""Ranking pages' table tools as written into the HTML: the figures each row sorts by and the filter values it
matches equal the model's, the rank header is the sorted one, the year switcher links only years that have the
ranking, every ranking page links the year's CSV, and the controls are hidden until the script runs."""

from __future__ import annotations

import posixpath
import re
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from generator import pages as pages_module
from generator.config import Config
from generator.model import build_model
from generator.pipeline import read_inputs
from generator.rounding import round_half_up
from generator.sitedata import Row, SiteData, build_site_data
from generator.table_tools import sort_number

from scratch_site import TmpSite

THEME = Path(__file__).resolve().parents[1] / "themes" / "default"
FILTERS = ("level", "type", "province", "grade")


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def messages(lang: str) -> dict[str, str]:
    return dict(tomllib.loads((THEME / "i18n" / f"{lang}.toml").read_text(encoding="utf-8"))["table_tools"])


def site_data(root: Path) -> tuple[SiteData, Config]:
    """The model's rows as the site gets them, and the project's configuration."""
    inputs = read_inputs(root)
    model = build_model(inputs.results, inputs.units, inputs.provinces, inputs.config.scheme)
    names = dict(zip(inputs.provinces["code"], inputs.provinces["name"], strict=True))
    return build_site_data(model, inputs.config.scheme, names), inputs.config


@pytest.fixture
def built(tmp_site: TmpSite) -> Path:
    result = tmp_site.build()
    assert result.exit_code == 0, result.output
    return tmp_site.root / "output"


def row_unit(tr: Tag) -> str:
    link = tr.select_one("th[scope=row] a")
    assert link is not None
    return str(link["href"]).rstrip("/").split("/")[-2]


def expected_sort(row: Row, scope: str, letters: list[str]) -> list[Decimal | None]:
    """What a row sorts by, from the model: rank, change, grade position, index and aspects as published."""
    if not row["evaluated"]:
        return [None] * (4 + len(row["aspects"]))
    rounded = [round_half_up(v, 2) if v is not None else None for v in [row["index"], *row["aspects"]]]
    move = row[f"move_{scope}"]
    return [Decimal(row[f"rank_{scope}"]), None if move is None else Decimal(move),
            Decimal(letters.index(row["grade"])), *rounded]


def parsed_sort(tr: Tag) -> list[Decimal | None]:
    return [Decimal(field) if field else None for field in str(tr["data-sort"]).split("|")]


RANKINGS = [("2023/ranking/index.html", "national", ""), ("2023/ranking/province/35/index.html", "province", "35"),
            ("2023/ranking/type/dpmptsp/index.html", "type", "dpmptsp"),
            ("2023/ranking/level/kabupaten-kota/index.html", "level", "kabupaten-kota")]


def test_rows_carry_the_models_figures_and_filter_values(built: Path, tmp_site: TmpSite) -> None:
    data, config = site_data(tmp_site.root)
    for lang in ("id", "en"):
        for path, scope, key in RANKINGS:
            check_ranking_rows(built, data, config, lang, path, scope, key)


def check_ranking_rows(built: Path, data: SiteData, config: Config, lang: str, path: str, scope: str,
                       key: str) -> None:
    letters = [g.letter for g in config.scheme.grades]
    level_label = {c.key: c.label(lang) for c in config.levels}
    type_label = {c.key: c.label(lang) for c in config.unit_types}
    rows = {r["unit_id"]: r for r in data.rows_by_year[2023]}
    expected_units = [r["unit_id"] for r in rows.values() if scope == "national" or r[scope] == key]
    page = soup(built / (path if lang == "id" else f"en/{path}"))
    trs = page.select("table.ranking tbody tr")
    assert sorted(row_unit(tr) for tr in trs) == sorted(expected_units)
    options = {str(select["name"]): [o.get_text() for o in select.find_all("option")][1:]
               for select in page.select("form.table-tools select")}
    for tr in trs:
        row = rows[row_unit(tr)]
        assert parsed_sort(tr) == expected_sort(row, scope, letters), row["unit_id"]
        positions = str(tr["data-filter"]).split(" ")
        assert len(positions) == len(FILTERS)
        for name, position in zip(FILTERS, positions, strict=True):
            if not row[name] and name != "grade":
                assert position == "-", (row["unit_id"], name)  # no value: no option can match it
                continue
            if name not in options:
                continue
            shown = options[name][int(position)]
            if name == "level":
                assert shown == level_label[row["level"]]
            elif name == "type":
                assert shown == type_label[row["type"]]
            elif name == "province":
                assert shown == data.province_names[row["province"]]
            elif row["grade"]:
                assert shown == f"{row['grade']} · {config.scheme.band(row['grade']).predikat(lang)}"
            else:
                assert shown == ("tidak dinilai" if lang == "id" else "not evaluated")
    # A filter shows only values the page's rows have, and only when it can tell rows apart.
    for name, values in options.items():
        assert len(values) >= 2 and len(set(values)) == len(values), name
    if scope == "province":
        assert "province" not in options
    if scope == "national":
        assert set(options) == set(FILTERS)


def test_headers_say_what_they_sort_by_and_rank_is_sorted_first(built: Path) -> None:
    for path in ("2023/ranking/index.html", "en/2023/ranking/type/dpmptsp/index.html"):
        page = soup(built / path)
        for table in page.select("table.ranking"):
            headers = table.select("thead th")
            assert all(th.has_attr("data-num") or th.has_attr("data-text") for th in headers)
            assert [th.get("aria-sort") for th in headers] == ["ascending"] + [None] * (len(headers) - 1)
            assert headers[0]["data-num"] == "0"
            numbered = sorted(int(str(th["data-num"])) for th in headers if th.has_attr("data-num"))
            fields = {len(str(tr["data-sort"]).split("|")) for tr in table.select("tbody tr")}
            assert fields == {len(numbered)} and numbered == list(range(len(numbered)))


def test_controls_are_hidden_without_the_script_and_the_script_is_only_on_ranking_pages(built: Path) -> None:
    for lang, prefix in (("id", ""), ("en", "en/")):
        page = soup(built / f"{prefix}2023/ranking/index.html")
        form = page.select_one("form.table-tools")
        assert form is not None and form.has_attr("hidden")
        status = form.select_one("[role=status]")
        assert status is not None and status["aria-live"] == "polite"
        assert form["data-count"] == messages(lang)["count"]
        scripts = [str(s["src"]) for s in page.select("script[src]")]
        assert "../" * (2 + prefix.count("/")) + "static/tables.js" in scripts
        for other in ("index.html", "2023/index.html", "unit/35.07-dpmptsp/index.html", "province/35/index.html"):
            assert not soup(built / f"{prefix}{other}").select("script[src$='tables.js']"), other
    assert (built / "static/tables.js").is_file()
    assert (built / "static/tables.js").stat().st_size < 10_000


def test_every_ranking_page_links_its_years_csv(built: Path) -> None:
    ranking_pages = sorted(p for p in built.rglob("*.html") if "/ranking/" in p.as_posix())
    assert len(ranking_pages) > 20
    for path in ranking_pages:
        year = next(part for part in path.relative_to(built).parts if part.isdigit())
        links = soup(path).select(".csv-link a[href]")
        assert len(links) == 1, path
        target = posixpath.normpath(posixpath.join(path.parent.relative_to(built).as_posix(), str(links[0]["href"])))
        assert target == f"{year}/rapor-{year}.csv", path
        assert (built / target).is_file()


def switcher(path: Path) -> tuple[list[str], str, dict[str, str]]:
    """The years listed, the current one, and each other year's link as a path from the output root."""
    nav = soup(path).select_one("nav.year-switch")
    assert nav is not None
    years = [li.get_text(strip=True) for li in nav.select("li")]
    current = nav.select_one("[aria-current=page]")
    assert current is not None
    output = next(p for p in path.parents if p.name == "output")
    here = path.parent.relative_to(output).as_posix()
    links = {a.get_text(strip=True): posixpath.normpath(posixpath.join(here, str(a["href"]))) for a in nav.select("a")}
    return years, current.get_text(strip=True), links


def test_year_switcher_links_the_same_ranking_only_in_years_that_have_it(built: Path) -> None:
    # 36.74-mpp was first evaluated in 2023: no type/mpp ranking exists for 2022.
    assert not (built / "2022/ranking/type/mpp/index.html").exists()
    assert switcher(built / "2023/ranking/type/mpp/index.html") == (["2023"], "2023", {})
    years, current, links = switcher(built / "2023/ranking/province/35/index.html")
    assert (years, current) == (["2022", "2023"], "2023")
    assert links == {"2022": "2022/ranking/province/35/index.html"}
    years, current, links = switcher(built / "en/2022/ranking/index.html")
    assert (years, current) == (["2022", "2023"], "2022")
    assert links == {"2023": "en/2023/ranking/index.html"}
    for path in built.rglob("*.html"):
        if "/ranking/" not in path.as_posix():
            continue
        for target in switcher(path)[2].values():
            assert (built / target).is_file(), (path, target)


def test_a_paged_ranking_says_its_tools_work_on_this_page(tmp_site: TmpSite, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pages_module, "RANKING_PAGE_ROWS", 3)
    result = tmp_site.build()
    assert result.exit_code == 0, result.output
    built = tmp_site.root / "output"
    data, _ = site_data(tmp_site.root)
    ranked = data.rows_by_year[2023]
    page = soup(built / "en/2023/ranking/page-2/index.html")
    form = page.select_one("form.table-tools")
    assert form is not None
    assert messages("en")["this_page"].format(part="units 4–6 of 8") in form.get_text(" ")
    trs = page.select("table.ranking tbody tr")
    assert [row_unit(tr) for tr in trs] == [r["unit_id"] for r in ranked[3:6]]
    for tr, row in zip(trs, ranked[3:6], strict=True):
        assert parsed_sort(tr)[0] == Decimal(row["rank_national"])
    # The second page's switcher still leads to each year's ranking from its start.
    assert switcher(built / "en/2023/ranking/page-2/index.html")[2] == {"2022": "en/2022/ranking/index.html"}
    single = soup(built / "en/2023/ranking/province/36/index.html").select_one("form.table-tools")
    assert single is not None and messages("en")["whole"] in single.get_text(" ")


def test_hostile_province_names_stay_text(tmp_site: TmpSite) -> None:
    tmp_site.write("data/reference/provinsi.csv",
                   'kode,nama\n11,"Aceh</option><script>alert(1)</script>"\n35,Jawa "Timur" & co\n36,Banten\n')
    result = tmp_site.build()
    assert result.exit_code == 0, result.output
    html = (tmp_site.root / "output/2023/ranking/index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html
    page = soup(tmp_site.root / "output/2023/ranking/index.html")
    options = [o.get_text() for o in page.select("select[name=province] option")]
    assert "Aceh</option><script>alert(1)</script>" in options and 'Jawa "Timur" & co' in options
    # The rows' sort and filter values hold only digits and separators, whatever the names.
    for path in (tmp_site.root / "output").rglob("*.html"):
        for row in soup(path).select("tr[data-sort]"):
            assert re.fullmatch(r"[0-9.|-]*", row["data-sort"]), (path, row["data-sort"])
            assert re.fullmatch(r"[0-9 -]*", row["data-filter"]), (path, row["data-filter"])


@pytest.mark.parametrize(("value", "decimals", "text"), [
    (4.505, 2, "4.51"), (3.5, 2, "3.5"), (4.0, 2, "4"), (-0.001, 2, "0"), (-1.25, 1, "-1.3"), (12, 0, "12"),
    (None, 2, ""), (float("nan"), 2, ""),
])
def test_sort_numbers_are_the_published_figures_with_a_decimal_point(value: float | None, decimals: int,
                                                                      text: str) -> None:
    assert sort_number(value, decimals) == text
