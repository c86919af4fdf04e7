"""A theme may use only files inside the project: links out of it, or to nothing, are located errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.errors import RaporError
from generator.render import static_files

from scratch_site import TmpSite

LINK_HINT = "  hint: copy the file into the project instead of linking to it, or remove the link"
SECRET = "rahasia: tidak untuk diterbitkan\n"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the project, holding files no theme may publish."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "secret.txt").write_text(SECRET, encoding="utf-8")
    (folder / "unit.html").write_text("{% extends 'base.html' %}{% block main %}" + SECRET + "{% endblock %}\n")
    (folder / "en.toml").write_text('[nav]\nhome = "Secret"\n', encoding="utf-8")
    return folder


def link(site: TmpSite, relpath: str, target: Path | str) -> Path:
    path = site.root / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, path)
    return path


def outside_error(relpath: str, target: Path) -> str:
    return (f"{relpath}:1:1: this theme file is a symbolic link to a place outside the project "
            f"({target.resolve().as_posix()})")


def published(root: Path) -> str:
    """Everything under the output folder, as one text to search."""
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in sorted(root.rglob("*")) if p.is_file())


@pytest.mark.parametrize(("relpath", "target_name"), [
    ("themes/kota/static/secret.txt", "secret.txt"),
    ("themes/kota/templates/unit.html", "unit.html"),
    ("themes/kota/i18n/en.toml", "en.toml"),
    ("themes/default/static/secret.txt", "secret.txt"),
])
def test_a_theme_file_linking_out_of_the_project_is_refused_and_output_kept(
        tmp_site: TmpSite, outside: Path, relpath: str, target_name: str) -> None:
    tmp_site.config('theme = "kota"\n')
    tmp_site.write("themes/kota/static/logo.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>")
    assert tmp_site.build().exit_code == 0
    before = {p: p.read_bytes() for p in (tmp_site.root / "output").rglob("*") if p.is_file()}
    link(tmp_site, relpath, outside / target_name)
    result = tmp_site.build()
    assert result.exit_code == 2
    assert result.output.splitlines()[:2] == [outside_error(relpath, outside / target_name), LINK_HINT]
    assert {p: p.read_bytes() for p in (tmp_site.root / "output").rglob("*") if p.is_file()} == before
    assert "rahasia" not in result.output


def test_a_theme_folder_linking_out_of_the_project_is_refused(tmp_site: TmpSite, outside: Path) -> None:
    (outside / "static").mkdir()
    (outside / "static" / "secret.txt").write_text(SECRET, encoding="utf-8")
    tmp_site.config('theme = "kota"\n')
    link(tmp_site, "themes/kota", outside)
    result = tmp_site.validate()
    assert result.exit_code == 2
    assert result.output.splitlines()[:2] == [outside_error("themes/kota", outside), LINK_HINT]


def test_a_static_folder_linking_out_of_the_project_is_refused(tmp_site: TmpSite, outside: Path) -> None:
    tmp_site.config('theme = "kota"\n')
    link(tmp_site, "themes/kota/static", outside)
    result = tmp_site.validate()
    assert result.exit_code == 2
    assert result.output.splitlines()[:2] == [outside_error("themes/kota/static", outside), LINK_HINT]


def test_a_link_to_nothing_and_a_loop_of_links_are_refused(tmp_site: TmpSite) -> None:
    tmp_site.config('theme = "kota"\n')
    link(tmp_site, "themes/kota/static/gone.png", "../../../assets/gone.png")
    link(tmp_site, "themes/kota/templates/a.html", "b.html")
    link(tmp_site, "themes/kota/templates/b.html", "a.html")
    result = tmp_site.validate()
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        "themes/kota/static/gone.png:1:1: this theme file is a symbolic link to nothing "
        "(../../../assets/gone.png does not exist)",
        LINK_HINT,
        "themes/kota/templates/a.html:1:1: this theme file is a symbolic link that cannot be followed (a loop of "
        "links, or a folder that cannot be read)",
        LINK_HINT,
        "themes/kota/templates/b.html:1:1: this theme file is a symbolic link that cannot be followed (a loop of "
        "links, or a folder that cannot be read)",
        LINK_HINT,
        "3 errors found; nothing was written.",
    ]


def test_links_inside_the_project_are_followed(tmp_site: TmpSite) -> None:
    tmp_site.config('theme = "kota"\n')
    tmp_site.write("assets/logo.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>")
    tmp_site.write("assets/icons/peta.svg", "<svg xmlns='http://www.w3.org/2000/svg'><g/></svg>")
    tmp_site.write("shared/templates/404.html", "{% extends 'base.html' %}{% block main %}<h1>Hilang</h1>"
                   "{% endblock %}\n")
    link(tmp_site, "themes/kota/static/logo.svg", "../../../assets/logo.svg")
    link(tmp_site, "themes/kota/static/icons", "../../../assets/icons")
    link(tmp_site, "themes/kota/templates", "../../shared/templates")
    result = tmp_site.build()
    assert result.exit_code == 0, result.output
    out = tmp_site.root / "output"
    assert (out / "static/logo.svg").read_text() == "<svg xmlns='http://www.w3.org/2000/svg'/>"
    assert (out / "static/icons/peta.svg").is_file()
    assert "<h1>Hilang</h1>" in (out / "404.html").read_text(encoding="utf-8")
    assert "rahasia" not in published(out)


def test_static_files_never_publish_a_file_from_outside_the_project(tmp_site: TmpSite, outside: Path) -> None:
    """Even called without the theme check before it, static_files refuses a link out of the project."""
    folder = tmp_site.root / "themes/kota"
    tmp_site.write("themes/kota/static/logo.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>")
    link(tmp_site, "themes/kota/static/secret.txt", outside / "secret.txt")
    with pytest.raises(RaporError) as raised:
        dict(static_files((folder,)))
    assert raised.value.problems[0].message == "this theme file is a symbolic link out of the project"
    assert raised.value.problems[0].path == (folder / "static/secret.txt").as_posix()


def test_theme_files_no_site_can_hold_are_located(tmp_site: TmpSite) -> None:
    """A pipe in static/ was skipped without a word (a content/ pipe is an error), and names with a line break
    or an escape character were copied into the site."""
    tmp_site.config('theme = "kota"\n')
    static = tmp_site.root / "themes/kota/static"
    static.mkdir(parents=True)
    os.mkfifo(static / "pipe.css")
    (static / "new\nline.css").write_text("a")
    (static / "\x1besc.css").write_text("b")
    (static / "ok.css").write_text("c")
    result = tmp_site.build("-q")
    assert result.exit_code == 2
    control = ("the theme file's name holds a control or invisible character",
               "  hint: rename it with printable characters: its name becomes part of the site's addresses")
    assert result.stderr.splitlines() == [
        f"themes/kota/static/\\x1besc.css:1:1: {control[0]}", control[1],
        f"themes/kota/static/new\\nline.css:1:1: {control[0]}", control[1],
        "themes/kota/static/pipe.css:1:1: this theme file is a pipe, device or socket, not a file",
        "  hint: replace it with the file itself, or remove it from the theme",
        "3 errors found; nothing was written.",
    ]
    assert not (tmp_site.root / "output").exists()
