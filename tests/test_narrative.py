"""Narrative Markdown: front matter (date, template, description), heading links, footnotes in the page's
language, page names that would collide with other pages, and narrative that would load or run something."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from scratch_site import TmpSite


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def text(node: Tag | None) -> str:
    assert node is not None
    return " ".join(node.get_text(" ").split())


def test_publication_date_is_shown_in_the_readers_locale(tmp_site: TmpSite) -> None:
    tmp_site.write("content/2023/index.md", "---\ntitle: Tahun 2023\ndate: 2023-12-05\n---\n\nTeks.\n")
    tmp_site.write("content/2023/index.en.md", "---\ntitle: Year 2023\ndate: 2023-12-05\n---\n\nText.\n")
    assert tmp_site.build().exit_code == 0
    out = tmp_site.root / "output"
    indonesian = soup(out / "2023/index.html").select_one(".narrative .meta")
    english = soup(out / "en/2023/index.html").select_one(".narrative .meta")
    assert text(indonesian) == "Diterbitkan 5 Desember 2023"
    assert text(english) == "Published 5 December 2023"
    assert indonesian is not None and indonesian.time is not None and indonesian.time["datetime"] == "2023-12-05"


def test_a_date_that_is_not_a_date_is_located(tmp_site: TmpSite) -> None:
    tmp_site.write("content/2023/index.md", "---\ntitle: Tahun 2023\ndate: kemarin\n---\n\nTeks.\n")
    result = tmp_site.validate()
    assert result.exit_code == 2
    assert result.output.splitlines()[:2] == [
        "content/2023/index.md:3:7: front matter 'date' must be a date",
        "  hint: write it as YYYY-MM-DD, e.g. date: 2024-12-12",
    ]


@pytest.mark.parametrize(("line", "message", "hint"), [
    ("title: [a, b]", "2:8: front matter 'title' must be text",
     "write one line of text after the colon, e.g. title: Tentang situs ini"),
    ("order: .inf", "2:8: front matter 'order' must be a whole number",
     "write a whole number without quotes, e.g. order: 2"),
])
def test_front_matter_of_the_wrong_kind_is_located_with_a_hint(tmp_site: TmpSite, line: str, message: str,
                                                                hint: str) -> None:
    tmp_site.write("content/pages/tentang.md", f"---\n{line}\n---\n\nTeks.\n")
    result = tmp_site.validate()
    assert result.exit_code == 2
    assert result.output.splitlines()[:2] == [f"content/pages/tentang.md:{message}", f"  hint: {hint}"]


def test_description_from_front_matter_becomes_the_meta_description(tmp_site: TmpSite) -> None:
    tmp_site.write("content/2023/index.md", "---\ndescription: Ringkasan <2023> & catatan\n---\n\nTeks.\n")
    assert tmp_site.build().exit_code == 0
    meta = soup(tmp_site.root / "output/2023/index.html").select_one('meta[name="description"]')
    assert meta is not None and meta["content"] == "Ringkasan <2023> & catatan"


def test_front_matter_template_names_a_theme_template(tmp_site: TmpSite) -> None:
    tmp_site.config('theme = "kota"\n')
    tmp_site.write("themes/kota/templates/landing.html",
                   "{% extends 'page.html' %}{% block main %}<h1 class=\"landing\">{{ narrative.title }}</h1>"
                   "{{ narrative.html | safe }}{% endblock %}\n")
    tmp_site.write("content/pages/tentang.md", "---\ntitle: Tentang\ntemplate: landing.html\n---\n\nTeks.\n")
    assert tmp_site.build().exit_code == 0
    page = soup(tmp_site.root / "output/tentang/index.html")
    assert text(page.select_one("h1.landing")) == "Tentang"


def test_unknown_template_is_located(tmp_site: TmpSite) -> None:
    tmp_site.write("content/pages/tentang.md", "---\ntitle: Tentang\ntemplate: lebar.html\n---\n\nTeks.\n")
    result = tmp_site.validate()
    assert result.exit_code == 2
    assert result.output.splitlines()[:2] == [
        "content/pages/tentang.md:3:1: unknown template 'lebar.html'",
        "  hint: use page.html; your own templates go in themes/<name>/templates/",
    ]


def test_a_template_for_another_kind_of_page_is_refused(tmp_site: TmpSite) -> None:
    tmp_site.config('theme = "kota"\n')
    tmp_site.write("themes/kota/templates/landing.html", "{% extends 'page.html' %}\n")
    tmp_site.write("content/pages/tentang.md", "---\ntitle: Tentang\ntemplate: year.html\n---\n\nTeks.\n")
    tmp_site.write("content/2023/index.md", "---\ntemplate: unit.html\n---\n\nTeks.\n")
    result = tmp_site.validate()
    assert result.exit_code == 2
    assert result.output.splitlines()[:4] == [
        "content/2023/index.md:2:1: template 'unit.html' shows another kind of page",
        "  hint: use year.html, landing.html",
        "content/pages/tentang.md:3:1: template 'year.html' shows another kind of page",
        "  hint: use page.html, landing.html",
    ]


def test_a_theme_template_that_does_not_parse_is_located_before_building(tmp_site: TmpSite) -> None:
    tmp_site.config('theme = "kota"\n')
    tmp_site.write("themes/kota/templates/page.html", "{% extends 'base.html' %}\n{% block main %}\n{{ oops( }}\n"
                   "{% endblock %}\n")
    result = tmp_site.validate()
    assert result.exit_code == 2
    assert result.output.splitlines()[:2] == [
        "themes/kota/templates/page.html:3:1: template error: unexpected '}', expected ')'",
        "  hint: fix the Jinja syntax on this line ({{ value }}, {% tag %} ... {% endtag %})",
    ]


TEMPLATE_HINT = ("  hint: the template uses a value or message this kind of page does not have; compare it with the "
                 "default theme's template of the same name")


def test_a_theme_template_that_fails_on_a_page_is_a_located_error_and_the_output_is_kept(tmp_site: TmpSite) -> None:
    assert tmp_site.build().exit_code == 0
    before = sorted((p.relative_to(tmp_site.root / "output").as_posix(), p.read_bytes())
                    for p in (tmp_site.root / "output").rglob("*") if p.is_file())
    tmp_site.config('theme = "kota"\n')
    tmp_site.write("themes/kota/templates/unit.html", "{% extends 'base.html' %}\n{% block main %}\n"
                   "{{ no_such_value.name }}\n{% endblock %}\n")
    result = tmp_site.build()
    assert result.exit_code == 2
    assert result.output.splitlines()[:2] == [
        "themes/kota/templates/unit.html:3:1: template error on unit/11-dpmptsp/index.html: "
        "'no_such_value' is undefined",
        TEMPLATE_HINT,
    ]
    after = sorted((p.relative_to(tmp_site.root / "output").as_posix(), p.read_bytes())
                   for p in (tmp_site.root / "output").rglob("*") if p.is_file())
    assert after == before


def test_any_failure_inside_a_template_is_located(tmp_site: TmpSite) -> None:
    tmp_site.config('theme = "kota"\n')
    tmp_site.write("themes/kota/templates/page.html", "{% extends 'base.html' %}\n{% block main %}\n"
                   "{{ t('no.such.key') }}\n{% endblock %}\n")
    result = tmp_site.build()
    assert result.exit_code == 2
    assert result.output.splitlines()[:2] == [
        "themes/kota/templates/page.html:3:1: template error on metodologi/index.html: "
        "KeyError: \"no message 'no.such.key' for language 'id'\"",
        TEMPLATE_HINT,
    ]


def test_a_template_error_names_the_narrative_that_chose_the_template(tmp_site: TmpSite) -> None:
    tmp_site.config('theme = "kota"\n')
    tmp_site.write("themes/kota/templates/special.html", "{% extends 'year.html' %}\n")
    tmp_site.write("content/units/35.07-dpmptsp.md", "---\ntemplate: special.html\n---\n\nTeks.\n")
    result = tmp_site.build()
    assert result.exit_code == 2
    assert result.output.splitlines()[0] == (
        "themes/kota/templates/special.html:1:1: template error on unit/35.07-dpmptsp/index.html (the template "
        "named in "
        "content/units/35.07-dpmptsp.md): 'year' is undefined")


def test_a_template_entry_that_cannot_be_read_is_located(tmp_site: TmpSite) -> None:
    tmp_site.config('theme = "kota"\n')
    (tmp_site.root / "themes/kota/templates/lama.html").mkdir(parents=True)
    result = tmp_site.validate()
    assert result.exit_code == 2
    assert result.output.splitlines()[:2] == [
        "themes/kota/templates/lama.html:1:1: the template cannot be read (Is a directory)",
        "  hint: make it a readable file, or remove it from the theme",
    ]


def test_an_unreadable_front_matter_value_is_not_called_a_date(tmp_site: TmpSite) -> None:
    tmp_site.write("content/2023/index.md", "---\norder: !!int abc\n---\n\nTeks.\n")
    result = tmp_site.validate()
    assert result.exit_code == 2
    assert result.output.splitlines()[:2] == [
        "content/2023/index.md:2:1: a front matter value cannot be read (invalid literal for int() with base 10: "
        "'abc')",
        "  hint: write one 'key: value' per line, without YAML tags such as !!int",
    ]


def test_an_impossible_date_is_located(tmp_site: TmpSite) -> None:
    tmp_site.write("content/2023/index.md", "---\ntitle: Tahun 2023\ndate: 2024-02-30\n---\n\nTeks.\n")
    result = tmp_site.validate()
    assert result.exit_code == 2
    assert result.output.splitlines()[:2] == [
        "content/2023/index.md:3:7: front matter holds an impossible date (day is out of range for month)",
        "  hint: write a real date as YYYY-MM-DD, e.g. date: 2024-12-12",
    ]


def test_an_english_page_shows_no_indonesian_description(tmp_site: TmpSite) -> None:
    tmp_site.write("content/2023/index.md", "---\ndescription: Ringkasan tahun ini\n---\n\nTeks.\n")
    assert tmp_site.build().exit_code == 0
    meta = soup(tmp_site.root / "output/en/2023/index.html").select_one('meta[name="description"]')
    assert meta is not None and "Ringkasan" not in str(meta["content"])


def test_headings_link_to_themselves_and_footnotes_speak_the_pages_language(tmp_site: TmpSite) -> None:
    tmp_site.write("content/pages/metodologi.md", "---\ntitle: Metodologi\n---\n\n## Bobot\n\nTeks[^1].\n\n"
                   "[^1]: Catatan.\n")
    assert tmp_site.build().exit_code == 0
    out = tmp_site.root / "output"
    indonesian = soup(out / "metodologi/index.html")
    anchor = indonesian.select_one(".narrative h2#h-bobot a.anchor")
    assert anchor is not None and anchor["href"] == "#h-bobot" and anchor["title"] == "Tautan ke bagian ini"
    backlink = indonesian.select_one(".footnote-backref")
    assert backlink is not None and backlink["title"] == "kembali ke catatan 1"
    english = soup(out / "en/metodologi/index.html")
    assert english.select_one("a.anchor")["title"] == "Link to this section"  # type: ignore[index]
    assert english.select_one(".footnote-backref")["title"] == "back to note 1"  # type: ignore[index]


def test_page_names_that_collide_with_other_pages_are_refused(tmp_site: TmpSite) -> None:
    for slug in ("2023", "en", "unit", "province"):
        tmp_site.write(f"content/pages/{slug}.md", "Teks.\n")
    result = tmp_site.validate()
    assert result.exit_code == 2
    hint = ("  hint: use only lower-case ASCII letters (a-z), digits (0-9) and '-', starting with a letter or digit; "
            "not a year, a language code or a reserved name like 'unit', 'province' or 'static'")
    assert result.output.splitlines()[:8] == [
        "content/pages/2023.md:1:1: page name '2023' cannot be used", hint,
        "content/pages/en.md:1:1: page name 'en' cannot be used", hint,
        "content/pages/province.md:1:1: page name 'province' cannot be used", hint,
        "content/pages/unit.md:1:1: page name 'unit' cannot be used", hint,
    ]


LOADS = ("  hint: readers' browsers must load nothing from other sites; copy the file into the theme's "
         "static/ folder and link to it relatively, or link to it with [text](address) instead")
SCRIPTS = ("  hint: narrative is text, tables, images and links: the site runs no script and loads nothing from "
           "elsewhere; put files in the theme's static/ folder")


def test_narrative_may_not_run_scripts_or_load_from_elsewhere(tmp_site: TmpSite) -> None:
    tmp_site.write("content/pages/tentang.md",
                   "---\ntitle: Tentang\n---\n\nLihat [situs resmi](https://menpan.go.id/).\n\n"
                   "![Logo](https://cdn.example.com/logo.png)\n\n<script>alert(1)</script>\n\n"
                   '<iframe src="//video.example.com/x"></iframe>\n')
    result = tmp_site.validate()
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        "content/pages/tentang.md:7:9: narrative loads 'https://cdn.example.com/logo.png' from outside the site",
        LOADS,
        "content/pages/tentang.md:9:1: <script> is not allowed in narrative", SCRIPTS,
        "content/pages/tentang.md:11:1: <iframe> is not allowed in narrative", SCRIPTS,
        "3 errors found; nothing was written.",
    ]
    # A link to another site is fine: it loads nothing until the reader follows it.
    assert "menpan.go.id" not in result.output


def test_narrative_breaches_hidden_in_attributes_are_found(tmp_site: TmpSite) -> None:
    tmp_site.write("content/pages/tentang.md", "\n".join([
        "Teks.",
        '<img src="a.png" onerror="alert(1)">',
        "[klik](javascript:alert(2))",
        '<img srcset="a.png 1x, https://evil.example/b.png 2x">',
        '<img src="&#104;ttps://evil.example/c.png">',
        '<p style="background:url(https://evil.example/d.png)">x</p>',
        '<svg><image href="https://evil.example/e.svg"/></svg>',
        "![lokal](../static/foto.png) ![data](data:image/png;base64,AAAA)",
    ]) + "\n")
    result = tmp_site.validate()
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if not line.startswith("  hint:")][:-1]
    assert errors == [
        "content/pages/tentang.md:2:18: the 'onerror' attribute runs a script; it is not allowed in narrative",
        "content/pages/tentang.md:3:8: a link that runs a script is not allowed in narrative",
        "content/pages/tentang.md:4:24: narrative loads 'https://evil.example/b.png' from outside the site",
        "content/pages/tentang.md:5:6: narrative loads 'https://evil.example/c.png' from outside the site",
        "content/pages/tentang.md:6:4: a style that loads a file is not allowed in narrative",
        "content/pages/tentang.md:7:1: <svg> is not allowed in narrative",
        "content/pages/tentang.md:7:6: <image> is not allowed in narrative",
    ]


def test_comments_and_css_escapes_cannot_hide_a_load(tmp_site: TmpSite) -> None:
    tmp_site.write("content/pages/tentang.md", "\n".join([
        "Teks.",
        "",
        "<!--><img src=https://evil.example/a.png>-->",
        "",
        '<p style="background:u\\rl(https://evil.example/b.png)">x</p>',
        "<p style=\"background-image:image-set('https://evil.example/c.png' 1x)\">x</p>",
        '<p style="color:#a11d2c">merah</p> <!-- catatan biasa -->',
    ]) + "\n")
    result = tmp_site.validate()
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if not line.startswith("  hint:")][:-1]
    assert errors == [
        "content/pages/tentang.md:3:1: an HTML comment that holds markup is not allowed in narrative",
        "content/pages/tentang.md:5:4: a style that loads a file is not allowed in narrative",
        "content/pages/tentang.md:6:4: a style that loads a file is not allowed in narrative",
    ]


def test_a_file_rapor_cannot_place_names_the_languages_suffixes(tmp_site: TmpSite) -> None:
    tmp_site.config('languages = ["en", "id"]\n')
    tmp_site.write("content/catatan.md", "Teks.\n")
    result = tmp_site.validate()
    assert result.exit_code == 2
    assert result.output.splitlines()[:2] == [
        "content/catatan.md:1:1: Rapor does not know where to show this file",
        "  hint: use content/index.md, content/<year>/index.md, content/units/<id>.md or content/pages/<slug>.md "
        "(add .id before .md for id)",
    ]


def test_a_broken_message_file_in_a_theme_is_located(tmp_site: TmpSite) -> None:
    tmp_site.config('theme = "kota"\n')
    tmp_site.write("themes/kota/i18n/en.toml", '[nav]\nhome = "Home\n')
    result = tmp_site.validate()
    assert result.exit_code == 2
    assert result.output.splitlines()[:2] == [
        "themes/kota/i18n/en.toml:2:13: message file is not valid TOML: Illegal character '\\n'",
        "  hint: check quotes and '=' in the theme's i18n file",
    ]


def test_a_page_named_by_its_first_heading_shows_its_plain_text_once(tmp_site: TmpSite) -> None:
    """Without a front matter title, the first level-1 heading names the page: its text without markup in the
    <title>, the navigation and the page's one <h1>; a later level-1 heading stays in the text."""
    tmp_site.write("content/pages/tentang.md", "Pembuka.\n\n# Hello *world* & <b>co</b> #\n\nTeks.\n\n# Kedua\n")
    result = tmp_site.build()
    assert result.exit_code == 0, result.output
    page = soup(tmp_site.root / "output/tentang/index.html")
    assert text(page.title).startswith("Hello world & co · ")
    headings = page.find_all("h1")
    assert len(headings) == 2 and text(headings[0]) == "Hello world & co" and "Kedua" in text(headings[1])
    assert "Pembuka." in text(page.find("div", class_="narrative"))
    home = soup(tmp_site.root / "output/index.html")
    assert "Hello world & co" in [text(a) for a in home.select("nav.main-nav a")]


def test_a_heading_named_page_reports_problems_at_their_lines(tmp_site: TmpSite) -> None:
    tmp_site.write("content/pages/tentang.md", "# Judul\n\nTeks.\n\n[x](javascript:alert(1))\n")
    result = tmp_site.build()
    assert result.exit_code == 2
    assert "content/pages/tentang.md:5:5: a link that runs a script is not allowed in narrative" in result.output


@pytest.mark.parametrize(("languages", "expected"), [
    ('["id"]', ["content/pages/tentang.en.md:1:1: the file is for the language 'en', which site.languages does not "
                "list", '  hint: add "en" to site.languages in rapor.toml, or remove the file']),
    ('["en", "id"]', ["content/pages/tentang.en.md:1:1: the file names the language 'en', the site's first, whose "
                      "files have no language in their name", "  hint: rename it to tentang.md; the other "
                      "languages' files name theirs, e.g. tentang.id.md"]),
])
def test_a_file_named_for_a_language_the_site_does_not_name_so(tmp_site: TmpSite, languages: str,
                                                                 expected: list[str]) -> None:
    tmp_site.config(f"languages = {languages}\n")
    tmp_site.write("content/pages/tentang.en.md", "---\ntitle: About\n---\nHi\n")
    result = tmp_site.validate()
    assert result.exit_code == 2
    lines = result.output.splitlines()
    at = lines.index(expected[0])
    assert lines[at:at + 2] == expected
    assert "page name" not in result.output and "does not know where" not in result.output


def test_a_front_matter_key_given_twice_is_located_at_its_second_use(tmp_site: TmpSite) -> None:
    """YAML readers keep one of the two values silently; quoting the key does not make it another key."""
    tmp_site.write("content/2023/index.md",
                   '---\ntitle: Satu\ndescription: a\n"title": Dua\nTitel: x\ndescription: b\n---\n\nTeks.\n')
    result = tmp_site.validate()
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        "content/2023/index.md:4:1: front matter key 'title' is given twice",
        "  hint: give each key once; the first is on line 2",
        "content/2023/index.md:5:1: unknown front matter key 'Titel'",
        "  hint: did you mean 'title'? use title, description, template, order, date",
        "content/2023/index.md:6:1: front matter key 'description' is given twice",
        "  hint: give each key once; the first is on line 3",
        "3 errors found; nothing was written.",
    ]


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_front_matter_is_read_with_any_line_end(tmp_site: TmpSite, newline: str) -> None:
    """Windows (CRLF) and classic Mac OS (CR alone) line ends: the front matter is read, not shown as text."""
    text = "---\ntitle: Tahun Dua Ribu\n---\n\nTeks *pertama*.\n\nTeks kedua.\n"
    tmp_site.write("content/pages/tentang.md", text.replace("\n", newline))
    assert tmp_site.build("-q").exit_code == 0
    page = soup(tmp_site.root / "output/tentang/index.html")
    assert "Tahun Dua Ribu" in page.get_text() and "title:" not in page.get_text()
    assert [p.get_text() for p in page.select("p") if p.get_text().startswith("Teks")] == ["Teks pertama.",
                                                                                          "Teks kedua."]
