"""datapackage.json (validated by `frictionless validate`), the data page listing every file and column, the
links to downloads from other pages, and the data licence settings."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from download_site import Built, build, three_year_site

YEARS = (2022, 2023, 2024)
MESSAGES = Path(__file__).resolve().parents[1] / "themes/default/i18n"
TERMS = ('[program]\ndata_license = "CC-BY-4.0"\ndata_license_url = "https://creativecommons.org/licenses/by/4.0/"\n'
         'source_url = "https://example.org/hasil"\npublisher = "Kementerian Contoh"\n')


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(three_year_site(tmp_path_factory.mktemp("package") / "site", TERMS))


def messages(lang: str) -> dict[str, Any]:
    return tomllib.loads((MESSAGES / f"{lang}.toml").read_text(encoding="utf-8"))


def package(built: Built) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(built.text("datapackage.json"))
    return loaded


def header(built: Built, path: str) -> list[str]:
    raw = (built.output / path).read_bytes()
    if path.endswith(".json"):
        return list(json.loads(raw)[0])
    excel = raw.startswith(b"\xef\xbb\xbf")
    text = raw[3:].decode("utf-8") if excel else raw.decode("utf-8")
    return next(csv.reader(io.StringIO(text, newline=""), delimiter=";" if excel else ","))


def test_frictionless_validate_passes_on_the_built_package(built: Built) -> None:
    """Every resource read and checked row by row against its schema, bytes and hash included."""
    frictionless = Path(sys.executable).with_name("frictionless")
    run = subprocess.run([str(frictionless), "validate", "--json", "datapackage.json"], cwd=built.output,
                         capture_output=True, text=True, timeout=300, check=False)
    report = json.loads(run.stdout)
    assert run.returncode == 0 and report["valid"], run.stdout[:3000]
    tasks = report["tasks"]
    assert len(tasks) == 3 * len(YEARS) + 3
    assert all(task["valid"] and not task["errors"] for task in tasks)
    rows = {task["name"]: task["stats"]["rows"] for task in tasks}
    assert rows["rapor-all"] == rows["rapor-all-json"] == rows["rapor-all-excel"] == len(built.model.results)
    assert rows["rapor-2023"] == len(built.model.year_results(2023))


def test_package_describes_every_file_and_column_in_both_languages(built: Built) -> None:
    descriptor = package(built)
    english, indonesian = messages("en")["data_column"], messages("id")["data_column"]
    paths = {r["path"] for r in descriptor["resources"]}
    assert paths == {f"{y}/rapor-{y}{s}" for y in YEARS for s in (".csv", ".json", "-excel.csv")} | {
        "data/rapor.csv", "data/rapor.json", "data/rapor-excel.csv"}
    aspects = {a.key: a for a in built.inputs.config.scheme.aspects}
    for resource in descriptor["resources"]:
        fields = resource["schema"]["fields"]
        assert [f["name"] for f in fields] == header(built, resource["path"]), resource["path"]
        for field in fields:
            assert field["description"] and field["description_id"], field["name"]
        machine = [f for f in fields if f["name"] in english or f["name"] in aspects]
        for field in machine:
            if field["name"] in aspects:
                assert aspects[field["name"]].label_en in field["description"]
                assert aspects[field["name"]].label_id in field["description_id"]
            elif resource["format"] == "csv" and resource["dialect"]["delimiter"] == ",":
                assert (field["description"], field["description_id"]) == (english[field["name"]],
                                                                           indonesian[field["name"]])
    whole = next(r for r in descriptor["resources"] if r["path"] == "data/rapor.csv")
    assert whole["schema"]["primaryKey"] == ["year", "unit_id"]
    assert whole["per_unit_path"] == "unit/{unit_id}/rapor-{unit_id}.csv"
    assert (built.output / whole["per_unit_path"].format(unit_id="35.07-dpmptsp")).is_file()


def test_package_carries_the_scheme_and_the_terms_from_the_config(built: Built) -> None:
    descriptor = package(built)
    scheme = built.inputs.config.scheme
    assert descriptor["licenses"] == [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}]
    assert descriptor["sources"] == [{"title": "Kementerian Contoh", "path": "https://example.org/hasil"}]
    assert [a["key"] for a in descriptor["scheme"]["aspects"]] == list(scheme.aspect_keys)
    assert descriptor["scheme"]["weights"] == {str(y): scheme.weights_for(y) for y in YEARS}
    assert [(g["letter"], g["min"], g["max"], g["predikat_label_id"]) for g in descriptor["scheme"]["grades"]] == [
        (g.letter, g.min, g.max, g.predikat_id) for g in scheme.grades]
    assert descriptor["scheme"]["precision"] == scheme.precision


def soup(built: Built, path: str) -> BeautifulSoup:
    return BeautifulSoup(built.text(path), "html.parser")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_data_page_lists_every_file_and_every_column(built: Built, lang: str) -> None:
    page_path = "data/index.html" if lang == "id" else "en/data/index.html"
    page = soup(built, page_path)
    root = "../" if lang == "id" else "../../"
    texts = messages(lang)
    links = {a["href"][len(root):]: a for a in page.select("main a[href]") if a["href"].startswith(root)}
    for resource in package(built)["resources"]:
        assert resource["path"] in links, resource["path"]
        size = len((built.output / resource["path"]).read_bytes())
        cell = links[resource["path"]].find_parent("td").get_text(" ", strip=True)
        shown = f"{size / 1024:.1f}".replace(".", "," if lang == "id" else ".")
        assert texts["data"]["size_kb"].format(n=shown) in cell or size < 1024, (cell, size)
    assert "datapackage.json" in links
    rows = page.select("#columns ~ div table tbody tr, section[aria-labelledby=columns] tbody tr")
    names = [row.select_one("th code").get_text() for row in rows]
    assert names == header(built, "data/rapor.csv") == header(built, "data/rapor.json")
    excel = [row.select("td")[1].get_text() for row in rows]
    assert [e for e in excel if e != "–"] == header(built, "data/rapor-excel.csv")
    described = {row.select_one("th code").get_text(): row.select("td")[2].get_text() for row in rows}
    assert described["delta"] == texts["data_column"]["delta"]
    assert "Kebijakan Pelayanan" in described["kebijakan"] if lang == "id" else "Service policy" in described[
        "kebijakan"]
    assert "CC-BY-4.0" in page.get_text() and page.select_one('a[href="https://example.org/hasil"]') is not None


def test_pages_link_the_downloads_and_the_data_page(built: Built) -> None:
    home = soup(built, "index.html")
    assert home.select_one('footer a[href="data/index.html"]') is not None
    year = soup(built, "2023/index.html")
    hrefs = {a["href"] for a in year.select("main a[href]")}
    assert {f"../2023/rapor-2023{s}" for s in (".csv", ".json", "-excel.csv")} | {"../data/index.html"} <= hrefs
    ranking = soup(built, "en/2023/ranking/index.html")
    hrefs = {a["href"] for a in ranking.select("main a[href]")}
    assert {"../../../2023/rapor-2023.json", "../../../2023/rapor-2023-excel.csv",
            "../../../en/data/index.html"} <= hrefs
    unit = soup(built, "unit/35.07-dpmptsp/index.html")
    hrefs = {a["href"] for a in unit.select("main a[download]")}
    assert hrefs == {f"../../unit/35.07-dpmptsp/rapor-35.07-dpmptsp.{kind}" for kind in ("csv", "json")}
    for href in hrefs:
        assert (built.output / href[len("../../"):]).is_file()


@pytest.mark.parametrize(("setting", "value", "message"), [
    ("data_license", "CC BY 4.0", "data_license 'CC BY 4.0' is not a licence identifier"),
    ("data_license_url", "javascript:alert(1)",
     "data_license_url 'javascript:alert(1)' is not an absolute http(s) address"),
    ("source_url", "example.org/hasil", "source_url 'example.org/hasil' is not an absolute http(s) address"),
])
def test_bad_terms_are_refused_with_their_line(tmp_path: Path, setting: str, value: str, message: str) -> None:
    site = three_year_site(tmp_path / "site", f'[program]\n{setting} = "{value}"\n')
    result = site.build()
    assert result.exit_code == 2, result.output
    line = next(n for n, text in enumerate((site.root / "rapor.toml").read_text().splitlines(), 1)
                if text.startswith(setting))
    first, hint = result.output.splitlines()[:2]
    assert first == f"rapor.toml:{line}:1: {message}"
    assert hint.startswith("  hint: ")
    assert not (site.root / "output").exists()


def test_a_content_page_cannot_take_the_data_pages_name(tmp_path: Path) -> None:
    site = three_year_site(tmp_path / "site")
    site.write("content/pages/data.md", "Teks.\n")
    result = site.validate()
    assert result.exit_code == 2
    assert result.output.splitlines()[0] == "content/pages/data.md:1:1: page name 'data' cannot be used"


def test_aspects_keyed_like_added_columns_get_their_own_header(tmp_path: Path) -> None:
    """Columns added to the downloads were not reserved when sites chose aspect keys: such an aspect is headed
    aspect_<key> (made unique), and Rapor's column keeps its name."""
    keys = ("evaluated", "regency", "aspect_regency")
    site = three_year_site(tmp_path / "site", "".join(
        f'[[scheme.aspects]]\nkey = "{k}"\nlabel_id = "Aspek {k}"\nlabel_en = "Aspect {k}"\nweight = {w}\n'
        for k, w in zip(keys, (50, 30, 20), strict=True)))
    (site.root / "data/results/2024.csv").unlink()
    for year, values in ((2022, (3.0, 4.0, 2.0)), (2023, (3.5, 4.5, 1.5))):
        index = sum(v * w for v, w in zip(values, (0.5, 0.3, 0.2), strict=True))
        site.write(f"data/results/{year}.csv", "unit_id,index,evaluated,regency,aspect_regency\n"
                   f"35.07-dpmptsp,{index:.2f},{values[0]:.2f},{values[1]:.2f},{values[2]:.2f}\n")
    built = build(site)
    rows = built.csv_rows("data/rapor.csv")
    head = header(built, "data/rapor.csv")
    assert len(head) == len(set(head))
    assert head[9:12] == ["aspect_evaluated", "aspect_regency_", "aspect_regency"]
    assert [(r["evaluated"], r["aspect_evaluated"], r["regency"], r["aspect_regency_"], r["aspect_regency"])
            for r in rows] == [("True", "3.00", "35.07", "4.00", "2.00"), ("True", "3.50", "35.07", "4.50", "1.50")]
    frictionless = Path(sys.executable).with_name("frictionless")
    run = subprocess.run([str(frictionless), "validate", "--json", "datapackage.json"], cwd=built.output,
                         capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stdout[:3000]
