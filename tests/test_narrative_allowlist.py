"""Narrative HTML passes an allow-list (elements, attributes, values, CSS, addresses), each refusal located in the
Markdown; `unit:` links are resolved wherever they are written; relative paths stay inside the site."""

from __future__ import annotations

import posixpath

import pytest
from bs4 import BeautifulSoup

from generator import urls
from generator.content import Narrative, Page, convert
from generator.errors import ProblemList

from scratch_site import TmpSite

LABELS = {"narrative.permalink": "Tautan", "narrative.footnote_back": "kembali"}


def narrative() -> Narrative:
    return Narrative(frozenset({"35-dpmptsp", "35.07-dpmptsp"}), urls.SiteUrls("id"), {"id": LABELS, "en": LABELS},
                     {"35-bpmpt": "35-dpmptsp"})


def errors(body: str, kind: str = "page", key: str = "tentang") -> list[str]:
    """The first line of every problem converting `body` (on the page content/pages/tentang.md) reports."""
    problems = ProblemList()
    page = Page(kind, key, "id", "T", "", "", 100, None, "", "", 0, "content/pages/tentang.md", body, 1)
    convert(page, "id", narrative(), problems)
    return [problem.format().splitlines()[0] for problem in problems.items]


def html_of(body: str, lang: str = "id") -> str:
    problems = ProblemList()
    page = Page("page", "tentang", "id", "T", "", "", 100, None, "", "", 0, "content/pages/tentang.md", body, 1)
    converted = convert(page, lang, narrative(), problems)
    assert problems.items == []
    return converted.html


SOURCE = "content/pages/tentang.md"


@pytest.mark.parametrize(("body", "expected"), [
    # SVG animation could set an href to javascript: (the example); no SVG or MathML at all.
    ('<svg><a><animate attributeName="href" to="javascript:alert(1)"/><text>x</text></a></svg>',
     [f"{SOURCE}:1:1: <svg> is not allowed in narrative", f"{SOURCE}:1:9: <animate> is not allowed in narrative"]),
    ('<p>x <set attributeName="href" to="javascript:alert(1)"/></p>',
     [f"{SOURCE}:1:6: <set> is not allowed in narrative"]),
    ('<math><mi href="javascript:alert(1)">x</mi></math>',
     [f"{SOURCE}:1:1: <math> is not allowed in narrative", f"{SOURCE}:1:7: <mi> is not allowed in narrative"]),
    ("<form action=x><input name=q></form>",
     [f"{SOURCE}:1:1: <form> is not allowed in narrative", f"{SOURCE}:1:16: <input> is not allowed in narrative"]),
    ('<base href="https://evil.example/">', [f"{SOURCE}:1:1: <base> is not allowed in narrative"]),
    ('<p><marquee>x</marquee> <video src="a.mp4"></video></p>',
     [f"{SOURCE}:1:4: <marquee> is not allowed in narrative", f"{SOURCE}:1:25: <video> is not allowed in narrative"]),
])
def test_elements_outside_the_allow_list_are_refused_at_their_place(body: str, expected: list[str]) -> None:
    found = errors(body)
    assert found[:len(expected)] == expected
    assert all("is not allowed in narrative" in line for line in found)


def test_attributes_outside_the_allow_list_are_named_and_located() -> None:
    assert errors('Teks.\n\n<p data-x="1" formaction="x" onclick="y" style="color: red">a</p>\n') == [
        f"{SOURCE}:3:4: the 'data-x' attribute is not allowed on <p> in narrative",
        f"{SOURCE}:3:15: the 'formaction' attribute is not allowed on <p> in narrative",
        f"{SOURCE}:3:30: the 'onclick' attribute runs a script; it is not allowed in narrative",
    ]
    # attr_list writes attributes from Markdown too; they pass the same allow-list.
    assert errors('# Judul {: onmouseover="alert(1)" }\n') == [
        f"{SOURCE}:1:12: the 'onmouseover' attribute runs a script; it is not allowed in narrative"]


def test_css_is_an_allow_list_of_properties_and_values() -> None:
    assert errors('<p style="position: fixed">a</p>\n\n<p style="color: red; width: expression(1)">b</p>\n\n'
                  '<p style="color: var(--x)">c</p>\n') == [
        f"{SOURCE}:1:4: the style property 'position' is not allowed in narrative",
        f"{SOURCE}:3:4: a style that loads a file is not allowed in narrative",
        f"{SOURCE}:5:4: the style value 'var(--x)' is not allowed for 'color'",
    ]
    html = html_of('<p style="color: #a11d2c; font-weight: bold; text-align: center">a</p>\n\n| a |\n|:-:|\n| 1 |\n')
    cell = BeautifulSoup(html, "html.parser").select_one("td")
    assert cell is not None and cell["style"] == "text-align: center;"


@pytest.mark.parametrize(("body", "message"), [
    ("[x](data:text/html,<script>alert(1)</script>)", "1:5: a link may not use 'data:' addresses in narrative"),
    ('<a href="java&#x09;script:alert(1)">x</a>', "1:4: a link that runs a script is not allowed in narrative"),
    ("[x](file:///etc/passwd)", "1:5: a link may not use 'file:' addresses in narrative"),
    ("![x](data:image/svg+xml;base64,PHN2Zz4=)", "1:6: narrative loads 'data:image/svg+xml;base64,PHN2Zz4=' from "
                                                 "outside the site"),
    ('<img src="//evil.example/a.png">', "1:11: narrative loads '//evil.example/a.png' from outside the site"),
    ("[x](/etc/passwd)", "1:5: the link '/etc/passwd' starts at the server's root"),
    ("[x](../../../etc/passwd)", "1:5: the link '../../../etc/passwd' climbs out of the site"),
    ('<img src="..\\..\\secret.png">', "1:11: the image '..\\..\\secret.png' climbs out of the site"),
    ("[x](%2e%2e/%2E%2E/x.html)", "1:5: the link '%2e%2e/%2E%2E/x.html' climbs out of the site"),
    ('<img src="a.png" width="100%">', "1:25: the 'width' attribute of <img> may not be '100%'"),
    ('<a href="a.html" href="javascript:alert(1)">x</a>', "1:4: the 'href' attribute is given twice on <a>"),
    ("<![CDATA[ ><img src=x onerror=alert(1)> ]]>", "1:1: '<!' markup is not allowed in narrative"),
    ("<?php echo 1; ?>", "1:1: '<?' markup is not allowed in narrative"),
])
def test_addresses_and_values_outside_the_allow_list_are_refused(body: str, message: str) -> None:
    assert f"{SOURCE}:{message}" in errors(body)


def test_what_markdown_writes_passes() -> None:
    body = ("# Judul\n\n## Bagian\n\nTeks *miring* **tebal** `kode` H~2~O<sup>2</sup> <abbr title=\"x\">y</abbr>"
            "[^1].\n\n- a\n- b\n\n1. c\n\n> kutipan\n\n    kode\n\n---\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n\n"
            "![foto](../static/foto.png \"judul\") [situs](https://menpan.go.id/) [surel](mailto:a@b.id) "
            "[telepon](tel:+62211234) [bagian](#h-bagian) [tahun](../2023/index.html)\n\n"
            "<details><summary>Lihat</summary>\n<p class=\"catatan\">isi</p>\n</details>\n\n"
            "<figure><img src=\"../static/a.png\" alt=\"a\" width=\"320\" height=\"240\"><figcaption>a</figcaption>"
            "</figure>\n\n[^1]: Catatan.\n")
    soup = BeautifulSoup(html_of(body), "html.parser")
    assert soup.select_one("img[src='../static/foto.png']") is not None
    assert soup.select_one(".footnote li p") is not None


def test_unit_links_are_resolved_in_markdown_reference_links_and_raw_html() -> None:
    body = ("[a](unit:35-dpmptsp) [b][malang] <a href=\"unit:35.07-dpmptsp#h-catatan\" class=\"k\">c</a>\n\n"
            "<div><a href=\"UNIT:35-dpmptsp\">d</a></div>\n\n[malang]: unit:35.07-dpmptsp\n")
    links = [a["href"] for a in BeautifulSoup(html_of(body), "html.parser").select("a")]
    assert links == ["../unit/35-dpmptsp/index.html", "../unit/35.07-dpmptsp/index.html",
                     "../unit/35.07-dpmptsp/index.html#h-catatan", "../unit/35-dpmptsp/index.html"]
    # The English page lives under en/, and its links lead to the English unit pages.
    english = [a["href"] for a in BeautifulSoup(html_of(body, "en"), "html.parser").select("a")]
    assert [posixpath.normpath(posixpath.join("en/tentang", href)) for href in english[:2]] == [
        "en/unit/35-dpmptsp/index.html", "en/unit/35.07-dpmptsp/index.html"]


def test_unknown_units_are_located_in_raw_html_and_reference_links() -> None:
    assert errors('Teks.\n\n<p><a href="unit:99-tidak-ada">x</a></p>\n\n[y][r]\n\n[r]: unit:98-lain\n') == [
        f"{SOURCE}:3:13: link to unknown unit '99-tidak-ada'",
        f"{SOURCE}:7:6: link to unknown unit '98-lain'",
    ]


def test_an_empty_or_prefix_unit_link_is_located_where_it_is_written() -> None:
    # 'unit:35' is the start of the good link 'unit:35-dpmptsp': the bad ones are found as whole ids.
    assert errors("abc [x](unit:35-dpmptsp) [w](unit:) [v](unit:35)\n") == [
        f"{SOURCE}:1:30: a unit: link names no unit",
        f"{SOURCE}:1:41: link to unknown unit '35'",
    ]


def test_a_link_to_a_former_id_leads_to_the_units_page() -> None:
    links = [a["href"] for a in BeautifulSoup(html_of("[lama](unit:35-bpmpt#riwayat)\n"), "html.parser").select("a")]
    assert links == ["../unit/35-dpmptsp/index.html#riwayat"]


def test_a_page_deeper_in_the_site_may_climb_further() -> None:
    # A unit page is two folders deep: ../../ leads to the root, one more climbs out.
    problems = ProblemList()
    page = Page("unit", "35-dpmptsp", "id", "T", "", "", 100, None, "", "", 0, "content/units/35-dpmptsp.md",
                "![a](../../static/a.png) ![b](../../../b.png)\n", 1)
    convert(page, "id", narrative(), problems)
    assert [p.format().splitlines()[0] for p in problems.items] == [
        "content/units/35-dpmptsp.md:1:31: the image '../../../b.png' climbs out of the site"]


def test_a_repeated_breach_is_located_at_each_place() -> None:
    assert errors("<b onclick=x>a</b>\n\nTeks.\n\n<b onclick=x>a</b>\n") == [
        f"{SOURCE}:1:4: the 'onclick' attribute runs a script; it is not allowed in narrative",
        f"{SOURCE}:5:4: the 'onclick' attribute runs a script; it is not allowed in narrative",
    ]


def test_each_refused_address_is_located_at_its_own_link() -> None:
    """An address found inside an earlier, longer one, or written earlier in other letter cases, or with
    Markdown's backslash escapes, is still located at its own link."""
    body = ("[js](javascript:alert(1)) and ![up](../../../etc/passwd)\n\n[js2](JaVaScRiPt:alert(1))\n\n"
            "![abs](/etc/passwd)\n\n[bs](..\\\\..\\\\..\\\\x)\n")
    assert errors(body) == [
        f"{SOURCE}:1:6: a link that runs a script is not allowed in narrative",
        f"{SOURCE}:1:37: the image '../../../etc/passwd' climbs out of the site",
        f"{SOURCE}:3:7: a link that runs a script is not allowed in narrative",
        f"{SOURCE}:5:8: the image '/etc/passwd' starts at the server's root",
        f"{SOURCE}:7:6: the link '..\\..\\..\\x' climbs out of the site",
    ]


def test_a_text_shown_on_a_shallower_page_is_checked_there_too(tmp_site: TmpSite) -> None:
    # The English page lives at en/tentang/ (two folders deep); the Indonesian page that shows the same text as a
    # fallback lives at tentang/, one folder deep, where ../../ leaves the site.
    tmp_site.write("content/pages/tentang.en.md", "# About\n\n![logo](../../static/logo.png)\n")
    result = tmp_site.validate()
    assert result.exit_code == 2
    assert result.output.splitlines()[:2] == [
        "content/pages/tentang.en.md:3:9: the image '../../static/logo.png' climbs out of the site (on the id page, "
        "which shows this text)",
        "  hint: this page is 1 folder(s) below the site's root, so at most 1 '../' may lead back to it",
    ]


def test_markup_a_browser_reads_differently_is_refused_by_the_second_check() -> None:
    # Python's parser reads "&region" in an attribute as "®ion", a browser keeps "&region": the check must not
    # pass an address the browser sees differently. A cell outside any table is dropped by browsers.
    assert errors('Teks.\n\n<a href="?a=1&region=35">x</a>\n\n<td>sel</td>\n') == [
        f"{SOURCE}:3:4: the 'href' attribute of <a> holds an '&' that browsers read differently",
        f"{SOURCE}:5:1: a browser would drop or move <td> here",
    ]
    assert errors('<a href="?a=1&amp;region=35">x</a> <span title="x>y">z</span> <b><p>x</b>y</p>\n') == []


def test_every_refused_part_of_a_srcset_or_style_is_reported() -> None:
    """An attribute of several parts (a srcset's pictures, a style's declarations) is checked whole: every part
    refused is reported in the one run, not only the first."""
    assert errors('<img src="a.png" srcset="a.png 1x, /b.png 2x, ../../../c.png 3x, https://x.org/d.png 4x">\n\n'
                  '<p style="color: red; position: fixed; top: 0; font-weight: url">x</p>\n') == [
        f"{SOURCE}:1:36: the image '/b.png' starts at the server's root",
        f"{SOURCE}:1:47: the image '../../../c.png' climbs out of the site",
        f"{SOURCE}:1:66: narrative loads 'https://x.org/d.png' from outside the site",
        f"{SOURCE}:3:4: the style property 'position' is not allowed in narrative",
        f"{SOURCE}:3:4: the style property 'top' is not allowed in narrative",
        f"{SOURCE}:3:4: the style value 'url' is not allowed for 'font-weight'",
    ]
