"""Every message quotes an input value one way: as written, only control and invisible characters escaped
(errors.shown), never accents, backslashes or other printable text; hints say exactly which characters a name
may hold.
"""

from __future__ import annotations

import os

import pytest
from click.testing import Result

from generator.errors import quoted

from scratch_site import PROVINCES, UNITS, TmpSite

ID_HINT = ("use only ASCII letters (A-Z, a-z), digits (0-9), '.', '-' and '_', starting with a letter or digit, "
           "at most 128 characters and no '..' (e.g. 35.07-dpmptsp)")


def problem(result: Result, where_what: str, hint: str) -> None:
    assert result.exit_code == 2, result.output
    assert f"{where_what}\n  hint: {hint}\n" in result.output, result.output


def test_ids_with_letters_beyond_ascii_are_quoted_as_written(tmp_site: TmpSite) -> None:
    """The registry, a result file and a former id, as in the tester's reproduction."""
    tmp_site.units([("ünï", "Unit Ü", "provinsi", "dpmptsp", "35", "", "ölD\\id", ""), *UNITS])
    results = (tmp_site.root / "data/results/2023.csv").read_text(encoding="utf-8")
    tmp_site.write("data/results/2023.csv", results.replace("11-dpmptsp,", "ünï,", 1))
    result = tmp_site.validate()
    problem(result, "data/units.csv:2:1: unit id 'ünï' is not allowed", ID_HINT)
    problem(result, "data/units.csv:2:7: former id 'ölD\\id' is not allowed", ID_HINT)
    problem(result, "data/results/2023.csv:3:1: unit id 'ünï' is not allowed", ID_HINT)
    assert "\\x" not in result.output and "\\\\" not in result.output, result.output


def test_an_empty_id_hint_says_the_rule_once(tmp_site: TmpSite) -> None:
    tmp_site.units([*UNITS, ("", "Unit X", "provinsi", "dpmptsp", "35", "", "", "")])
    problem(tmp_site.validate(), "data/units.csv:10:1: this row has no unit id", "give every unit an id: " + ID_HINT)


def test_control_characters_in_an_id_are_still_escaped(tmp_site: TmpSite) -> None:
    tmp_site.units([*UNITS, ("é\u202e\x1b", "Unit X", "provinsi", "dpmptsp", "35", "", "", "")])
    problem(tmp_site.validate(), "data/units.csv:10:1: unit id 'é\\u202e\\x1b' is not allowed", ID_HINT)


def test_a_province_code_is_quoted_as_written(tmp_site: TmpSite) -> None:
    tmp_site.write("data/reference/provinsi.csv", PROVINCES + "3ü,Provinsi Ü\n")
    problem(tmp_site.validate(), "data/reference/provinsi.csv:5:1: province code '3ü' is not allowed",
            "use the Kemendagri code: digits, e.g. 35")


@pytest.mark.parametrize(("toml", "shown"), [
    ('"dua ü"', "'dua ü'"), ('"C:\\\\data"', "'C:\\data'"), ("true", "true"), ('["2"]', "['2']"),
])
def test_a_config_value_is_quoted_like_a_cell(tmp_site: TmpSite, toml: str, shown: str) -> None:
    tmp_site.config(f"[scheme]\nprecision = {toml}\n")
    result = tmp_site.validate()
    assert result.exit_code == 2, result.output
    assert f"'precision' must be a whole number, not {shown}\n" in result.output, result.output


def test_quoted() -> None:
    assert [quoted(v) for v in ("ü\\", True, False, 2.5, ["a"])] == ["'ü\\'", "true", "false", "2.5", "['a']"]


def test_link_targets_are_escaped_like_every_message(tmp_site: TmpSite) -> None:
    """A theme link and a narrative link to nothing: escapes as \\u...., not \\x followed by four digits or '?'."""
    tmp_site.config('theme = "kota"\n')
    (tmp_site.root / "themes/kota/static").mkdir(parents=True)
    os.symlink("gone\u202e\x1bé.png", tmp_site.root / "themes/kota/static/gone.png")
    os.symlink("hilang\u202e\x1bé.md", tmp_site.root / "content/pages/hilang.md")
    result = tmp_site.validate()
    assert result.exit_code == 2, result.output
    assert ("themes/kota/static/gone.png:1:1: this theme file is a symbolic link to nothing "
            "(gone\\u202e\\x1bé.png does not exist)") in result.output, result.output
    assert "content/pages/hilang.md:1:1: the symbolic link points at 'hilang\\u202e\\x1bé.md', which does not " \
        "exist" in result.output, result.output


def test_a_theme_name_hint_says_ascii(tmp_site: TmpSite) -> None:
    tmp_site.config('theme = "kotä"\n')
    result = tmp_site.validate()
    assert result.exit_code == 2, result.output
    assert "theme name 'kotä' is not a plain folder name\n  hint: use only ASCII letters (A-Z, a-z), digits (0-9), " \
        "'-' and '_'; the theme lives in themes/<name>/\n" in result.output, result.output
