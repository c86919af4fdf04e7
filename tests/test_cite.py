"""cite.py and svg_text.py on their own: escaping per format, citation keys, addresses, fitted SVG text."""

from __future__ import annotations

import datetime
import json
import re
import xml.etree.ElementTree as ET

import pytest

from generator.cite import CitedWork, bibtex, bibtex_key, bibtex_text, citation, csl_json, page_address, plain_text
from generator.settings import DEFAULT_GRADES
from generator.svg_text import clip, contrast, text_element, text_on, text_width, wrap, xml_text

HOSTILE = 'Unit "Q" </script><b> & {open 100% _x_ \\ ~^ #1 $'


def balanced(text: str) -> bool:
    """BibTeX counts every brace, escaped or not: a field's braces must pair up."""
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def work(**changes: object) -> CitedWork:
    values: dict[str, object] = {
        "key": "pekppp:unit:35.07-dpmptsp:2024", "title": "DPMPTSP Kabupaten Malang: hasil evaluasi 2024",
        "author": "Rapor", "site": "Rapor Pelayanan Publik", "program": "Evaluasi Pelayanan Publik", "year": 2024,
        "published": datetime.date(2024, 12, 10), "published_text": "10 Desember 2024",
        "url": "https://rapor.example.id/rapor/unit/35.07-dpmptsp/", "language": "id-ID"}
    values.update(changes)
    return CitedWork(**values)  # type: ignore[arg-type]


def bibtex_fields(entry: str) -> dict[str, str]:
    return dict(re.findall(r"^  (\w+) = \{(.*)\},?$", entry, flags=re.MULTILINE))


def test_bibtex_escapes_every_special_character_with_balanced_braces() -> None:
    escaped = bibtex_text(HOSTILE)
    assert balanced(escaped)
    assert escaped == ('Unit "Q" </script><b> \\& \\textbraceleft{}open 100\\% \\_x\\_ \\textbackslash{} '
                       '\\textasciitilde{}\\textasciicircum{} \\#1 \\$')
    assert bibtex_text("a\n  b\tc") == "a b c"


def test_bibtex_entry_holds_title_year_url_and_date() -> None:
    entry = bibtex(work(title=HOSTILE), "Diterbitkan")
    assert entry.startswith("@misc{pekppp:unit:35.07-dpmptsp:2024,\n") and entry.endswith("\n}")
    assert balanced(entry)
    fields = bibtex_fields(entry)
    assert fields["title"] == "{" + bibtex_text(HOSTILE) + "}"
    assert fields["author"] == "{Rapor}"
    assert fields["year"] == "2024"
    assert fields["date"] == "2024-12-10"
    assert fields["url"] == "https://rapor.example.id/rapor/unit/35.07-dpmptsp/"
    assert fields["note"] == "Evaluasi Pelayanan Publik. Diterbitkan 10 Desember 2024"
    assert fields["langid"] == "indonesian"


def test_bibtex_without_date_or_address() -> None:
    fields = bibtex_fields(bibtex(work(published=None, published_text="", url=""), "Diterbitkan"))
    assert "date" not in fields and "url" not in fields
    assert fields["year"] == "2024" and fields["note"] == "Evaluasi Pelayanan Publik"


def test_csl_json_parses_and_holds_the_work() -> None:
    items = json.loads(csl_json(work(title=HOSTILE)))
    assert items == [{
        "id": "pekppp:unit:35.07-dpmptsp:2024", "type": "dataset", "title": HOSTILE,
        "author": [{"literal": "Rapor"}], "publisher": "Rapor", "container-title": "Rapor Pelayanan Publik",
        "collection-title": "Evaluasi Pelayanan Publik",
        "issued": {"date-parts": [[2024, 12, 10]]}, "language": "id-ID",
        "URL": "https://rapor.example.id/rapor/unit/35.07-dpmptsp/"}]


def test_csl_json_without_date_gives_the_year_and_no_address() -> None:
    item = json.loads(csl_json(work(published=None, published_text="", url="")))[0]
    assert item["issued"] == {"date-parts": [[2024]]} and "URL" not in item


def test_plain_text() -> None:
    assert plain_text(work(), "Diterbitkan") == (
        "Rapor (2024). DPMPTSP Kabupaten Malang: hasil evaluasi 2024. Evaluasi Pelayanan Publik. "
        "Rapor Pelayanan Publik. Diterbitkan 10 Desember 2024. https://rapor.example.id/rapor/unit/35.07-dpmptsp/")
    # Results of 2024 published in January 2025 are cited as 2025's publication.
    late = work(published=datetime.date(2025, 1, 20), published_text="20 Januari 2025", url="",
                author="Rapor Pelayanan Publik")
    assert plain_text(late, "Diterbitkan") == (
        "Rapor Pelayanan Publik (2025). DPMPTSP Kabupaten Malang: hasil evaluasi 2024. Evaluasi Pelayanan Publik. "
        "Diterbitkan 20 Januari 2025.")


def test_citation_bundles_the_three_formats() -> None:
    cited = citation(work(), "Published")
    assert cited.text.endswith(".id/rapor/unit/35.07-dpmptsp/") and cited.bibtex.startswith("@misc{")
    assert json.loads(cited.csl_json)[0]["title"] == work().title


def test_citation_keys_hold_only_safe_characters() -> None:
    assert bibtex_key("pekppp", "unit", "35.07-dpmptsp", "2024") == "pekppp:unit:35.07-dpmptsp:2024"
    assert bibtex_key("my program {x}", "2024") == "my-program-x:2024"
    assert re.fullmatch(r"[A-Za-z0-9_.:-]+", bibtex_key(HOSTILE, "2024"))


@pytest.mark.parametrize(("base", "path", "expected"), [
    ("https://x.id/rapor/", "unit/a/index.html", "https://x.id/rapor/unit/a/"),
    ("https://x.id/", "index.html", "https://x.id/"),
    ("https://x.id/rapor/", "en/share/preview-2024.png", "https://x.id/rapor/en/share/preview-2024.png"),
    ("", "unit/a/index.html", ""),
])
def test_page_address(base: str, path: str, expected: str) -> None:
    assert page_address(base, path) == expected


# --- svg_text ------------------------------------------------------------------------------------------------


def test_text_is_escaped_and_parses_as_xml() -> None:
    element = text_element(10, 20, HOSTILE + "\x01", 12, "#000")
    parsed = ET.fromstring(element)
    assert parsed.text == HOSTILE
    assert float(parsed.get("textLength", "0")) == pytest.approx(text_width(HOSTILE, 12), abs=0.1)
    assert xml_text('"<&>') == "&quot;&lt;&amp;&gt;"


def test_long_text_is_narrowed_then_cut_to_fit() -> None:
    name = "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kabupaten Kepulauan Siau Tagulandang Biaro"
    element = ET.fromstring(text_element(0, 0, name, 15, "#000", bold=True, width=300))
    assert element.text is not None and element.text.endswith("…")
    assert float(element.get("textLength", "0")) <= 300
    slightly_long = "A" * 25  # 25 × 0.722 × 15 = 271 px, within 1/0.85 of 240
    narrowed = ET.fromstring(text_element(0, 0, slightly_long, 15, "#000", bold=True, width=240))
    assert narrowed.text == slightly_long and float(narrowed.get("textLength", "0")) == 240
    assert clip("short", 12, 500) == "short"


def test_wrap_keeps_to_the_line_count() -> None:
    lines = wrap("Rapor Pelayanan Publik Kabupaten dan Kota se-Indonesia tahun anggaran berjalan", 60, 600, lines=2)
    assert len(lines) == 2 and lines[1].endswith("…")
    assert all(text_width(line, 60) <= 600 for line in lines)
    assert wrap("Hasil 2024", 60, 1000) == ["Hasil 2024"]


def test_grade_text_reads_on_every_default_grade_colour_and_on_light_ones() -> None:
    for grade in DEFAULT_GRADES:
        assert contrast(grade["color"], text_on(grade["color"])) >= 4.5, grade
    assert text_on("#ffe066") == "#111111" and text_on("#14632e") == "#ffffff"
    assert text_on("#fff") == "#111111"
