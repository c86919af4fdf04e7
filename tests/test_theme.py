"""A site theme extends the templates it replaces; template names and loops are checked before any page."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator import theme

from scratch_site import TmpSite

UNIT_PAGE = "output/unit/35.07-dpmptsp/index.html"


def unit_page(site: TmpSite) -> BeautifulSoup:
    return BeautifulSoup((site.root / UNIT_PAGE).read_text(encoding="utf-8"), "lxml")


def test_a_theme_unit_html_extends_the_unit_html_it_replaces(tmp_site: TmpSite) -> None:
    tmp_site.config('theme = "kota"\n')
    tmp_site.write("themes/kota/templates/unit.html", '{% extends "unit.html" %}\n{% block main %}\n'
                   '<p class="kota-banner">Pemerintah Kota</p>\n{{ super() }}\n{% endblock %}\n')
    result = tmp_site.build()
    assert result.exit_code == 0, result.output
    main = unit_page(tmp_site).find("main")
    assert main.find("p", class_="kota-banner").get_text() == "Pemerintah Kota"
    assert main.find("h1").get_text() == "DPMPTSP Kabupaten Malang"  # the default unit.html's block, kept
    # The other pages are the default theme's own, untouched.
    year = BeautifulSoup((tmp_site.root / "output/2023/index.html").read_text(encoding="utf-8"), "lxml")
    assert year.find("p", class_="kota-banner") is None


def test_default_prefix_names_the_default_theme_template(tmp_site: TmpSite) -> None:
    tmp_site.config('theme = "kota"\n')
    tmp_site.write("themes/kota/templates/unit.html", '{% extends "default/unit.html" %}\n'
                   '{% block title %}Kota · {{ super() }}{% endblock %}\n')
    assert tmp_site.build().exit_code == 0
    assert unit_page(tmp_site).title.get_text() == "Kota · DPMPTSP Kabupaten Malang · Rapor Uji"


def test_site_theme_project_default_and_rapor_default_each_extend_the_next(tmp_site: TmpSite) -> None:
    tmp_site.config('theme = "kota"\n')
    tmp_site.write("themes/kota/templates/unit.html", '{% extends "unit.html" %}\n{% block main %}'
                   '<p class="site-theme">kota</p>{{ super() }}{% endblock %}\n')
    tmp_site.write("themes/default/templates/unit.html", '{% extends "default/unit.html" %}\n{% block main %}'
                   '<p class="project-default">proyek</p>{{ super() }}{% endblock %}\n')
    tmp_site.write("themes/default/templates/base.html", '{% extends "base.html" %}\n{% block head %}'
                   '<meta name="kota-theme" content="1">{% endblock %}\n')
    result = tmp_site.build()
    assert result.exit_code == 0, result.output
    page = unit_page(tmp_site)
    texts = [p.get_text() for p in page.find("main").find_all("p", class_=["site-theme", "project-default"])]
    assert texts == ["kota", "proyek"]
    assert page.find("h1").get_text() == "DPMPTSP Kabupaten Malang"
    assert page.find("meta", attrs={"name": "kota-theme"}) is not None  # base.html extended the same way


def test_a_template_naming_itself_without_a_parent_is_a_located_error(tmp_site: TmpSite) -> None:
    tmp_site.config('theme = "kota"\n')
    tmp_site.write("themes/kota/templates/landing.html", '{# sampul #}\n{% extends "landing.html" %}\n')
    result = tmp_site.validate()
    assert result.exit_code == 2
    assert result.output.splitlines()[:2] == [
        "themes/kota/templates/landing.html:2:1: template 'landing.html' names itself, and no theme after "
        "themes/kota has a landing.html to extend",
        '  hint: extend or include another template, e.g. "base.html"',
    ]


def test_an_unknown_template_name_is_located_before_building(tmp_site: TmpSite) -> None:
    tmp_site.config('theme = "kota"\n')
    tmp_site.write("themes/kota/templates/page.html", '{% extends "base.html" %}\n{% block main %}\n'
                   '{% include "sampul.html" %}\n{% include "opsional.html" ignore missing %}\n{% endblock %}\n')
    tmp_site.write("themes/kota/templates/unit.html", '{% extends "default/tidak-ada.html" %}\n')
    result = tmp_site.validate()
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if not line.startswith(" ")]
    assert errors[:2] == [
        "themes/kota/templates/page.html:3:1: template 'sampul.html' not found in the theme or the default theme",
        "themes/kota/templates/unit.html:1:1: template 'default/tidak-ada.html' not found in the theme or the "
        "default theme",
    ]


def test_templates_extending_each_other_in_a_loop_are_a_located_error(tmp_site: TmpSite) -> None:
    before = tmp_site.build()
    assert before.exit_code == 0
    index = (tmp_site.root / "output/index.html").read_bytes()
    tmp_site.config('theme = "kota"\n')
    # base.html extends page.html, whose default copy extends base.html: the site theme's again.
    tmp_site.write("themes/kota/templates/base.html", '{% extends "page.html" %}\n')
    result = tmp_site.build()
    assert result.exit_code == 2
    assert result.output.splitlines()[0] == (
        "themes/kota/templates/base.html:1:1: templates use each other in a loop: themes/kota/templates/base.html "
        "→ page.html (Rapor's default theme) → themes/kota/templates/base.html"
    )
    assert "RecursionError" not in result.output
    assert (tmp_site.root / "output/index.html").read_bytes() == index


def test_an_include_under_a_condition_may_name_its_own_template(tmp_site: TmpSite) -> None:
    """A template that includes itself under a condition (a tree of items) is not a loop."""
    tmp_site.config('theme = "kota"\n')
    tmp_site.write("themes/kota/templates/_tree.html", '{% if depth < 2 %}<i>{{ depth }}</i>'
                   '{% with depth = depth + 1 %}{% include "_tree.html" %}{% endwith %}{% endif %}')
    tmp_site.write("themes/kota/templates/page.html", '{% extends "default/page.html" %}\n{% block head %}'
                   '{% with depth = 0 %}{% include "_tree.html" %}{% endwith %}{% endblock %}\n')
    result = tmp_site.build()
    assert result.exit_code == 0, result.output
    page = BeautifulSoup((tmp_site.root / "output/metodologi/index.html").read_text(encoding="utf-8"), "lxml")
    assert [i.get_text() for i in page.find_all("i")] == ["0", "1"]


def test_a_missing_default_theme_is_reported_not_a_crash(tmp_site: TmpSite, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """An installation without Rapor's default theme (the wheel once lacked it) says so, with exit code 2."""
    missing = tmp_path / "site-packages/generator/default_theme"
    monkeypatch.setattr(theme, "DEFAULT_THEME", missing)
    result = tmp_site.build()
    assert result.exit_code == 2
    assert result.output.splitlines()[:2] == [
        f"rapor.toml:1:1: Rapor's default theme is missing from this installation (looked in {missing})",
        "  hint: reinstall Rapor (pip install rapor, or pip install . in its source folder)",
    ]


@pytest.mark.parametrize("body", [
    '{{ cycler.__init__.__globals__.os.system("touch MARKER") }}',
    '{{ "".__class__.__mro__[1].__subclasses__() }}',
    '{% for i in range(99999999999) %}{% endfor %}',
    # One expression asking for gigabytes: refused before it is made, not ended by the out-of-memory killer.
    '{{ "x" * 10**10 }}',
    '{% set n = 10 ** 100 %}{{ n ** n }}',
    '{{ "%999999999d" % 1 }}',
    '{{ "{:>999999999}".format(1) }}',
    '{{ unit.name|center(10**9) }}',
    '{{ range(100000)|join("x" * 1000000) }}',
    '{% set ns = namespace(s="x") %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}{% endfor %}',
])
def test_a_theme_template_cannot_reach_python_internals_or_loop_for_ever(tmp_site: TmpSite, body: str) -> None:
    marker = tmp_site.root / "MARKER"
    body = body.replace("MARKER", str(marker))
    tmp_site.config('theme = "kota"\n')
    tmp_site.write("themes/kota/templates/unit.html", '{% extends "unit.html" %}\n{% block main %}' + body
                   + '{% endblock %}\n')
    result = tmp_site.build()
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    first = result.stderr.splitlines()[0]
    assert first.startswith("themes/kota/templates/unit.html:2:"), first
    assert result.stderr.splitlines()[1].startswith("  hint: templates run in a sandbox"), result.stderr
    assert not marker.exists()
    assert not (tmp_site.root / "output").exists()


def test_only_rapors_own_templates_render_outside_the_sandbox(tmp_path: Path) -> None:
    from jinja2.sandbox import SandboxedEnvironment

    from generator.render import make_environment
    from generator.urls import SiteUrls

    assert not isinstance(make_environment([theme.DEFAULT_THEME], SiteUrls("id")), SandboxedEnvironment)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "unit.html").write_text('{% extends "unit.html" %}', encoding="utf-8")
    assert isinstance(make_environment([tmp_path, theme.DEFAULT_THEME], SiteUrls("id")), SandboxedEnvironment)


def test_the_default_stylesheet_closes_every_block() -> None:
    """An unclosed rule nests every rule after it (browsers read CSS nesting): whole sections stop applying."""
    import re

    css = (Path(__file__).parent.parent / "themes/default/static/rapor.css").read_text(encoding="utf-8")
    depth = 0
    for line_number, line in enumerate(re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), css,
                                              flags=re.S).splitlines(), start=1):
        for char in line:
            depth += {"{": 1, "}": -1}.get(char, 0)
            assert depth >= 0, f"rapor.css:{line_number}: a block closed twice"
        # Only @media (and @supports) blocks hold rules; a plain rule never opens inside another.
        assert depth <= 2, f"rapor.css:{line_number}: a rule opens inside another rule"
    assert depth == 0, "rapor.css ends inside a block"


def test_theme_files_with_a_byte_order_mark_are_read_as_text(tmp_site: TmpSite) -> None:
    """Windows editors start UTF-8 files with a byte-order mark: it is no character of a page (before its
    doctype) nor a TOML error in a message file."""
    tmp_site.config('theme = "kota"\n')
    tmp_site.write("themes/kota/templates/unit.html", "\ufeff" + '{% extends "unit.html" %}\n'
                   '{% block main %}<p class="kota-banner">Kota</p>{{ super() }}{% endblock %}\n')
    tmp_site.write("themes/kota/i18n/id.toml", '\ufeff[share]\ndate_format = "d MMMM y"\n')
    result = tmp_site.build("-q")
    assert result.exit_code == 0, result.output
    page = (tmp_site.root / "output/unit/35.07-dpmptsp/index.html").read_bytes()
    assert page.startswith(b"<!DOCTYPE html>") and "\ufeff".encode() not in page
    assert b'<p class="kota-banner">Kota</p>' in page


@pytest.mark.parametrize(("path", "data", "message"), [
    ("themes/kota/templates/unit.html", b'{% extends "unit.html" %}\n{# caf\xe9 #}\n',
     "themes/kota/templates/unit.html:2:7: the template is not UTF-8 text (invalid continuation byte)"),
    ("themes/kota/i18n/id.toml", b"[share]\n\n# caf\xe9\n",
     "themes/kota/i18n/id.toml:3:6: message file is not UTF-8 text (invalid continuation byte)"),
])
def test_theme_text_that_is_not_utf8_is_located_at_its_first_bad_byte(tmp_site: TmpSite, path: str, data: bytes,
                                                                       message: str) -> None:
    tmp_site.config('theme = "kota"\n')
    tmp_site.write(path, data)
    result = tmp_site.validate()
    assert result.exit_code == 2
    assert result.output.splitlines()[0] == message


def test_a_folder_named_like_a_message_file_is_an_error(tmp_site: TmpSite) -> None:
    tmp_site.config('theme = "kota"\n')
    (tmp_site.root / "themes/kota/i18n/id.toml").mkdir(parents=True)
    result = tmp_site.validate()
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        "themes/kota/i18n/id.toml:1:1: the message file is a folder, not a file",
        "  hint: put the theme's id.toml text file in its place, or remove the folder",
        "1 error found; nothing was written.",
    ]


def test_a_template_name_made_while_rendering_that_names_nothing_is_said_so(tmp_site: TmpSite) -> None:
    """Constant names are checked before building; a name made from page values can only fail on a page."""
    tmp_site.config('theme = "kota"\n')
    tmp_site.write("themes/kota/templates/unit.html", '{% extends "unit.html" %}\n{% block main %}\n'
                   '{% include "kota-" ~ unit.id ~ ".html" %}{% endblock %}\n')
    result = tmp_site.build("-q")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "themes/kota/templates/unit.html:3:1: template error on unit/11-dpmptsp/index.html: template "
        "'kota-11-dpmptsp.html' not found in the theme or the default theme",
        "  hint: a template name made from page values must name a template of the theme or the default theme; add "
        "it, or use {% include ... ignore missing %}",
        "1 error found; nothing was written.",
    ]


def test_a_theme_message_that_cannot_be_filled_in_is_located_in_its_file(tmp_site: TmpSite) -> None:
    """A brace left open or a placeholder the message is not given failed on the first page that wrote it, as
    an error of the default theme's template; a placeholder reaching into a value ({site.__class__}) read Python
    attributes. Now each is an error at its line in the theme's i18n file, before anything is built."""
    tmp_site.config('theme = "kota"\n')
    tmp_site.write("themes/kota/i18n/id.toml", '[share]\ndescription = "{site} {nosuch} {site.__class__} {program!r}"'
                   '\ndate_format = 5\n\n[unit]\ndescription = "{name: predikat"\n')
    result = tmp_site.validate()
    assert result.exit_code == 2
    given = "  hint: use {program}, {site}"
    assert result.output.splitlines() == [
        "themes/kota/i18n/id.toml:2:1: message 'share.description' has the placeholder '{program!r}', which is not "
        "a plain name", given,
        "themes/kota/i18n/id.toml:2:1: message 'share.description' has the placeholder '{site.__class__}', which is "
        "not a plain name", given,
        "themes/kota/i18n/id.toml:2:1: message 'share.description' uses '{nosuch}', a value this message is not given",
        given,
        "themes/kota/i18n/id.toml:3:1: message 'share.date_format' must be text",
        '  hint: write it in quotes, e.g. date_format = "..."',
        "themes/kota/i18n/id.toml:6:1: message 'unit.description' has a brace that is not a placeholder (unmatched "
        "'{' in format spec)",
        "  hint: write a placeholder as {name}, and a brace meant as text twice: {{ or }}",
        "5 errors found; nothing was written.",
    ]
