"""Cite, share, embed on built pages: meta tags, canonical addresses, "data as of", citations, badges, previews."""

from __future__ import annotations

import json
import re
import struct
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from share_site import BASE_URL, HOSTILE, share_site

import generator.previews
from generator.badges import badge_facts
from generator.cite import bibtex_text
from generator.model import build_model
from generator.pipeline import read_inputs
from generator.sitedata import build_site_data

from scratch_site import TmpSite

SVG = "{http://www.w3.org/2000/svg}"
PAGES = ["index.html", "2023/index.html", "2022/index.html", "2023/ranking/index.html",
         "2023/ranking/province/35/index.html", "unit/35.07-dpmptsp/index.html", "province/35/index.html",
         "metodologi/index.html"]


@pytest.fixture(scope="module")
def with_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = share_site(tmp_path_factory.mktemp("with-base") / "site")
    result = site.build()
    assert result.exit_code == 0, result.output
    return site.root


@pytest.fixture(scope="module")
def without_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = share_site(tmp_path_factory.mktemp("without-base") / "site", base_url="", published="")
    result = site.build()
    assert result.exit_code == 0, result.output
    return site.root


def page(root: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((root / "output" / path).read_text(encoding="utf-8"), "lxml")


def meta(soup: BeautifulSoup, key: str) -> list[str]:
    """The content of every <meta property=key> or <meta name=key>."""
    found = soup.find_all("meta", attrs={"property": key}) + soup.find_all("meta", attrs={"name": key})
    return [str(tag["content"]) for tag in found]


def canonical(soup: BeautifulSoup) -> list[str]:
    return [str(link["href"]) for link in soup.find_all("link", rel="canonical")]


def folder(path: str) -> str:
    return path.removesuffix("index.html")


def model_row(root: Path, unit_id: str) -> dict[str, Any]:
    inputs = read_inputs(root)
    model = build_model(inputs.results, inputs.units, inputs.provinces, inputs.config.scheme)
    data = build_site_data(model, inputs.config.scheme, {})
    row = data.latest_row(unit_id)
    assert row is not None
    return row


# --- meta on every page -------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_title_description_open_graph_and_twitter_meta(with_base: Path, path: str, lang: str) -> None:
    path = ("en/" if lang == "en" else "") + path
    soup = page(with_base, path)
    title = soup.title.get_text() if soup.title else ""
    description = meta(soup, "description")
    assert title and description and description[0]
    assert meta(soup, "og:title") == meta(soup, "twitter:title") == [title]
    assert meta(soup, "og:description") == meta(soup, "twitter:description") == description
    assert meta(soup, "og:type") == ["website"]
    assert meta(soup, "og:site_name") == ["Rapor Uji" if lang == "id" else "Test Report"]
    assert meta(soup, "og:locale") == ["id_ID" if lang == "id" else "en_US"]
    assert meta(soup, "og:locale:alternate") == ["en_US" if lang == "id" else "id_ID"]
    assert canonical(soup) == meta(soup, "og:url") == [BASE_URL + folder(path)]
    assert meta(soup, "twitter:card") == ["summary_large_image"]
    year = re.match(r"(?:en/)?(\d{4})/", path)
    picture = f"{'en/' if lang == 'en' else ''}share/preview{'-' + year.group(1) if year else ''}.png"
    assert meta(soup, "og:image") == meta(soup, "twitter:image") == [BASE_URL + picture]
    assert (with_base / "output" / picture).is_file()
    assert meta(soup, "og:image:alt") and meta(soup, "og:image:alt") == meta(soup, "twitter:image:alt")


def test_the_404_page_has_meta_but_no_address_of_its_own(with_base: Path) -> None:
    soup = page(with_base, "404.html")
    assert meta(soup, "og:title") and not canonical(soup) and not meta(soup, "og:url")


def test_a_former_id_page_keeps_its_one_canonical_pointing_at_the_unit(with_base: Path) -> None:
    soup = page(with_base, "unit/kl-imigrasi-lama/index.html")
    assert canonical(soup) == ["../../unit/kl-imigrasi/index.html"]
    assert not meta(soup, "og:url")


def test_without_base_url_there_is_no_canonical_url_or_picture(without_base: Path) -> None:
    for path in PAGES:
        soup = page(without_base, path)
        assert not canonical(soup) and not meta(soup, "og:url"), path
        assert not meta(soup, "og:image") and not meta(soup, "twitter:image"), path
        assert meta(soup, "twitter:card") == ["summary"], path
        assert meta(soup, "og:title"), path
    # The pictures are still drawn: a site that sets its address later links them.
    assert (without_base / "output/share/preview-2023.png").is_file()


def test_a_hostile_unit_name_is_escaped_in_every_meta_value(with_base: Path) -> None:
    html = (with_base / "output/unit/35.07-dpmptsp/index.html").read_text(encoding="utf-8")
    assert "</script><b>" not in html and '"Kutip"' not in html
    soup = BeautifulSoup(html, "lxml")
    assert meta(soup, "og:title") == [f"{HOSTILE} · Rapor Uji"]
    assert meta(soup, "og:description")[0].startswith(HOSTILE + ":")


# --- data as of --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "shown"), [
    ("2023/index.html", "Data per 11 Desember 2023"),
    ("en/2023/index.html", "Data as of 11 December 2023"),
    ("2023/ranking/index.html", "Data per 11 Desember 2023"),
    ("en/2023/ranking/province/35/index.html", "Data as of 11 December 2023"),
    ("unit/35.07-dpmptsp/index.html", "Data per 11 Desember 2023"),
])
def test_data_as_of_in_the_page_language(with_base: Path, path: str, shown: str) -> None:
    found = page(with_base, path).select("p.as-of")
    assert [p.get_text() for p in found] == [shown]
    assert found[0].time is not None and found[0].time["datetime"] == "2023-12-11"


@pytest.mark.parametrize("path", ["2022/index.html", "2022/ranking/index.html", "unit/35-samsat/index.html"])
def test_no_date_is_shown_for_a_year_without_one(with_base: Path, path: str) -> None:
    """2022 has no [program.published] date; 35-samsat's latest result is from 2022."""
    assert not page(with_base, path).select("p.as-of")


# --- cite this page ----------------------------------------------------------------------------------------------


def citations(soup: BeautifulSoup) -> tuple[str, str, dict[str, Any]]:
    block = soup.select_one("details.share-block.cite")
    assert isinstance(block, Tag)
    texts = [pre.get_text() for pre in block.select("pre")]
    assert len(texts) == 3
    items = json.loads(texts[2])
    assert len(items) == 1
    return texts[0], texts[1], items[0]


def bibtex_field(entry: str, name: str) -> str:
    found = re.search(rf"^  {name} = \{{(.*)\}},?$", entry, flags=re.MULTILINE)
    assert found, entry
    return found.group(1)


def test_unit_citation_in_three_formats(with_base: Path) -> None:
    text, bibtex, item = citations(page(with_base, "unit/35.07-dpmptsp/index.html"))
    url = BASE_URL + "unit/35.07-dpmptsp/"
    title = f"{HOSTILE}: hasil evaluasi 2023"
    assert text == (f"Kementerian {{Uji}} & Co (2023). {title}. Evaluasi Pelayanan Publik KemenPANRB. Rapor Uji. "
                    f"Diterbitkan 11 Desember 2023. {url}")
    assert bibtex.count("{") == bibtex.count("}")
    assert bibtex.startswith("@misc{pekppp:unit:35.07-dpmptsp:2023,\n")
    assert bibtex_field(bibtex, "title") == "{" + bibtex_text(title) + "}"
    assert bibtex_field(bibtex, "author") == r"{Kementerian \textbraceleft{}Uji\textbraceright{} \& Co}"
    assert (bibtex_field(bibtex, "year"), bibtex_field(bibtex, "date")) == ("2023", "2023-12-11")
    assert bibtex_field(bibtex, "url") == url
    assert item["title"] == title and item["URL"] == url
    assert item["issued"] == {"date-parts": [[2023, 12, 11]]}
    assert item["author"] == [{"literal": "Kementerian {Uji} & Co"}] and item["language"] == "id-ID"


def test_year_and_ranking_citations_name_their_page_and_year(with_base: Path) -> None:
    soup = page(with_base, "en/2022/index.html")
    text, bibtex, item = citations(soup)
    assert soup.h1 is not None and item["title"] == soup.h1.get_text() and "2022" in item["title"]
    assert item["URL"] == BASE_URL + "en/2022/" and item["issued"] == {"date-parts": [[2022]]}
    assert "date" not in re.findall(r"^  (\w+) =", bibtex, flags=re.MULTILINE)
    assert text.endswith(BASE_URL + "en/2022/") and "(2022)" in text
    soup = page(with_base, "2023/ranking/province/35/index.html")
    heading = soup.h1.get_text() if soup.h1 else ""
    text, bibtex, item = citations(soup)
    assert item["title"] == heading and item["URL"] == BASE_URL + "2023/ranking/province/35/"
    assert bibtex_field(bibtex, "url") == item["URL"]


def test_without_base_url_citations_hold_no_address_and_say_why(without_base: Path) -> None:
    soup = page(without_base, "unit/35.07-dpmptsp/index.html")
    text, bibtex, item = citations(soup)
    assert "URL" not in item and "url =" not in bibtex and "https://" not in text
    assert item["issued"] == {"date-parts": [[2023]]}
    block = soup.select_one("details.share-block.cite")
    assert block is not None and "site.base_url" in block.get_text()


def test_cite_block_is_closed_and_copy_script_is_shipped(with_base: Path) -> None:
    soup = page(with_base, "2023/index.html")
    block = soup.select_one("details.share-block.cite")
    assert block is not None and not block.has_attr("open")
    scripts = [str(s["src"]) for s in soup.find_all("script", src=True)]
    assert "../static/share.js" in scripts
    assert (with_base / "output/static/share.js").is_file()


# --- badges ------------------------------------------------------------------------------------------------------


def badge_texts(path: Path) -> tuple[ET.Element, list[str]]:
    svg = ET.fromstring(path.read_bytes())  # parses as XML
    return svg, [text.text or "" for text in svg.iter(f"{SVG}text")]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_badge_shows_the_models_grade_and_index_and_escapes_the_name(with_base: Path, lang: str) -> None:
    row = model_row(with_base, "35.07-dpmptsp")
    prefix = "en/" if lang == "en" else ""
    index = f"{row['index']:.2f}".replace(".", "," if lang == "id" else ".")
    predikat = {"id": "Sangat Baik", "en": "Very good"}[lang]
    for name, background in (("badge.svg", "#ffffff"), ("badge-dark.svg", "#1b1e22")):
        svg, texts = badge_texts(with_base / f"output/{prefix}unit/35.07-dpmptsp/{name}")
        assert (svg.get("width"), svg.get("height")) == ("400", "72")
        assert texts[0] == row["grade"] == "A-"
        assert texts[1].startswith(HOSTILE[:20])
        assert texts[2] == f"{predikat} · {'Indeks' if lang == 'id' else 'Index'} {index}"
        assert texts[3].startswith(f"{row['year']} · ")
        title = svg.find(f"{SVG}title")
        assert title is not None and title.text is not None and title.text.startswith(HOSTILE + ": A- (")
        assert svg.get("aria-label") == title.text
        assert svg.find(f"{SVG}rect") is not None and svg.find(f"{SVG}rect").get("fill") == background  # type: ignore[union-attr]


def test_a_badge_shows_the_latest_evaluated_year(with_base: Path) -> None:
    """35-samsat was not evaluated in 2023: its badge shows 2022."""
    row = model_row(with_base, "35-samsat")
    _svg, texts = badge_texts(with_base / "output/unit/35-samsat/badge.svg")
    assert row["year"] == 2022 and texts[0] == row["grade"] and texts[3].startswith("2022 · ")


def test_no_badge_without_an_evaluated_result() -> None:
    assert badge_facts(None, None, {"name": "x"}, None) is None  # type: ignore[arg-type]
    assert badge_facts(None, None, {"name": "x"}, {"evaluated": False, "grade": None}) is None  # type: ignore[arg-type]


def snippet_links(soup: BeautifulSoup) -> list[tuple[str, str, str]]:
    block = soup.select_one("details.share-block.badge-embed")
    assert block is not None
    found = []
    for pre in block.select("pre"):
        pasted = BeautifulSoup(pre.get_text(), "lxml")
        assert pasted.a is not None and pasted.img is not None
        found.append((str(pasted.a["href"]), str(pasted.img["src"]), str(pasted.img["alt"])))
    return found


def test_badge_snippet_with_absolute_addresses(with_base: Path) -> None:
    soup = page(with_base, "unit/35.07-dpmptsp/index.html")
    unit = BASE_URL + "unit/35.07-dpmptsp/"
    links = snippet_links(soup)
    assert [(href, src) for href, src, _alt in links] == [(unit, unit + "badge.svg"), (unit, unit + "badge-dark.svg")]
    svg_title = ET.fromstring((with_base / "output/unit/35.07-dpmptsp/badge.svg").read_bytes()).find(f"{SVG}title")
    assert svg_title is not None and all(alt == svg_title.text for _h, _s, alt in links)
    pictures = [str(img["src"]) for img in soup.select("details.badge-embed .badge-preview img")]
    assert pictures == ["../../unit/35.07-dpmptsp/badge.svg", "../../unit/35.07-dpmptsp/badge-dark.svg"]


def test_badge_snippet_without_base_url_is_relative_and_says_so(without_base: Path) -> None:
    soup = page(without_base, "en/unit/35.07-dpmptsp/index.html")
    assert [(h, s) for h, s, _a in snippet_links(soup)] == [
        ("en/unit/35.07-dpmptsp/", "en/unit/35.07-dpmptsp/badge.svg"),
        ("en/unit/35.07-dpmptsp/", "en/unit/35.07-dpmptsp/badge-dark.svg")]
    block = soup.select_one("details.badge-embed")
    assert block is not None and "site.base_url" in block.get_text()


# --- preview pictures --------------------------------------------------------------------------------------------


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def pictures(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root / "output").as_posix(): p.read_bytes()
            for p in sorted((root / "output").rglob("preview*.png"))}


def test_preview_pictures_are_deterministic_and_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    drawn: list[str] = []
    draw = generator.previews._draw_png

    def counting(svg: str) -> bytes:
        drawn.append(svg)
        return draw(svg)

    monkeypatch.setattr(generator.previews, "_draw_png", counting)
    site = share_site(tmp_path / "site")
    assert site.build().exit_code == 0
    first = pictures(site.root)
    # The site's and each year's picture, in both languages.
    assert sorted(first) == sorted(f"{lang}share/preview{suffix}.png" for lang in ("", "en/")
                                   for suffix in ("", "-2022", "-2023"))
    assert all(png_size(data) == (1200, 630) for data in first.values())
    assert len(drawn) == 6
    cache = site.root / ".rapor-cache/previews"
    assert len(list(cache.glob("*.png"))) == 6

    drawn.clear()
    assert site.build().exit_code == 0
    assert drawn == [] and pictures(site.root) == first  # unchanged figures: nothing redrawn

    for path in cache.iterdir():
        path.unlink()
    assert site.build().exit_code == 0
    assert len(drawn) == 6 and pictures(site.root) == first  # drawn again: the same bytes

    drawn.clear()
    site.results(2022, [("11-dpmptsp", 3.10), ("35-dpmptsp", 3.90)])
    assert site.build().exit_code == 0
    assert len(drawn) == 2  # only 2022's picture changed, in each language
    changed = pictures(site.root)
    assert [path for path in first if changed[path] != first[path]] == ["en/share/preview-2022.png",
                                                                         "share/preview-2022.png"]
    assert len(list(cache.glob("*.png"))) == 6  # the old 2022 pictures were pruned
    assert not list(cache.glob(".tmp-*"))


def test_a_cache_that_cannot_be_written_only_costs_the_drawing(tmp_path: Path) -> None:
    site = share_site(tmp_path / "site")
    (site.root / ".rapor-cache").write_text("not a folder")
    result = site.build()
    assert result.exit_code == 0, result.output
    assert all(png_size(data) == (1200, 630) for data in pictures(site.root).values())


def test_the_share_blocks_render_in_the_sandbox_of_a_project_with_its_own_templates(tmp_path: Path) -> None:
    """A project template switches every template into Jinja's sandbox: the partials use only what it allows."""
    site = share_site(tmp_path / "site")
    site.write("themes/kota/templates/page.html",
               '{% extends "page.html" %}{% block main %}<p>Kota</p>{{ super() }}{% endblock %}\n')
    config = site.root / "rapor.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("[site]\n", '[site]\ntheme = "kota"\n', 1),
                      encoding="utf-8")
    result = site.build()
    assert result.exit_code == 0, result.output
    soup = page(site.root, "unit/35.07-dpmptsp/index.html")
    assert soup.select("details.cite pre") and soup.select("details.badge-embed pre") and soup.select("p.as-of")
    assert canonical(soup) == [BASE_URL + "unit/35.07-dpmptsp/"]


def test_a_content_page_cannot_take_the_preview_pictures_folder(tmp_site: TmpSite) -> None:
    tmp_site.write("content/pages/share.md", "Teks.\n")
    result = tmp_site.validate()
    assert result.exit_code == 2
    assert "content/pages/share.md:1:1: page name 'share' cannot be used\n" in result.output
