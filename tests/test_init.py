"""`rapor init`: a new project that builds at once, never replacing a file unless asked."""

from __future__ import annotations

import errno
import os
import re
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
import pytest
from click.testing import CliRunner

from generator.bundled import REFERENCE_DATA
from generator.cli import main
from generator.scaffold import starter_files

REPO = Path(__file__).resolve().parents[1]
ALREADY = ("already exists; rapor init does not replace files\n  hint: start the project in an empty folder, or pass "
           "--force to replace the starter's files (other files are left alone)")


def rapor(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def files_under(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def page_problems(site: Path) -> list[str]:
    """What the whole-site checks look for, on a small site: HTML that parses with its language set, the
    illustrative notice on every page, relative links and resources that resolve, nothing from another host."""
    problems = []
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site).as_posix()
        root = lxml.html.document_fromstring(page.read_bytes())
        lang = "en" if rel.startswith("en/") else "id"
        if root.get("lang") != lang:
            problems.append(f"{rel}: lang={root.get('lang')!r}")
        notice = "Illustrative example" if lang == "en" else "Contoh ilustratif"
        if notice not in root.text_content():
            problems.append(f"{rel}: no illustrative notice")
        for element, attribute in [(e, a) for e in root.iter() for a in ("href", "src") if e.get(a)]:
            url = element.get(attribute)
            parts = urlsplit(url)
            if parts.scheme in ("http", "https") or url.startswith("//"):
                if element.tag != "a":
                    problems.append(f"{rel}: loads {url} from another host")
                continue
            if parts.scheme or not parts.path or rel.endswith("404.html"):
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file() or not target.is_relative_to(site.resolve()):
                problems.append(f"{rel}: {element.tag} {attribute}={url} leads nowhere")
    return problems


def test_init_writes_a_project_that_validates_strictly_and_builds(tmp_path: Path) -> None:
    project = tmp_path / "kota"
    code, output = rapor("init", str(project))
    assert code == 0, output
    assert output.splitlines()[0] == f"wrote {len(starter_files())} files into {project}"
    code, output = rapor("validate", str(project), "--strict")
    assert (code, output) == (0, "ok: 6 units, 6 result rows, year 2024, 4 content pages; 0 warnings\n")
    code, output = rapor("build", str(project))
    assert code == 0, output
    site = project / "output"
    assert page_problems(site) == []
    home = lxml.html.document_fromstring((site / "index.html").read_bytes())
    assert "data contoh" in home.text_content()
    assert (site / "en/tentang/index.html").is_file() and (site / "2024/rapor-2024.csv").is_file()
    assert len(list((site / "unit").iterdir())) == 6


def test_the_starter_config_explains_every_section(tmp_path: Path) -> None:
    assert rapor("init", str(tmp_path))[0] == 0
    text = (tmp_path / "rapor.toml").read_text(encoding="utf-8")
    sections = re.split(r"^(?=\[)", text, flags=re.MULTILINE)
    assert [s.splitlines()[0] for s in sections[1:]] == ["[site]", "[program]", "[data]", "[columns]", "[build]"]
    for section in sections:
        assert re.search(r"^# \S", section, flags=re.MULTILINE), section  # a comment in every section
    assert "ILLUSTRATIVE" in sections[0]


def test_init_copies_the_reference_lists_with_their_licences(tmp_path: Path) -> None:
    assert rapor("init", str(tmp_path))[0] == 0
    copied = files_under(tmp_path / "data/reference")
    assert {"provinsi.csv", "kabupaten_kota.csv", "README.md", "cahyadsn-wilayah.LICENSE.txt"} <= set(copied)
    assert copied == files_under(REPO / "data/reference") == files_under(REFERENCE_DATA)


def test_init_in_the_current_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, output = rapor("init")
    assert code == 0, output
    ignored = (tmp_path / ".gitignore").read_text().splitlines()
    assert (tmp_path / "rapor.toml").is_file() and "/output/" in ignored and "/.rapor-cache/" in ignored
    rules = [line for line in ignored if line and not line.startswith("#")]
    assert len(rules) == len(set(rules)), f"a rule written twice: {rules}"


def test_init_refuses_to_replace_a_file_and_writes_nothing(tmp_path: Path) -> None:
    project = tmp_path / "kota"
    (project / "content").mkdir(parents=True)
    (project / "rapor.toml").write_text("# mine\n")
    (project / "content/index.md").write_text("Halo\n")
    code, output = rapor("init", str(project))
    assert code == 2
    assert output == (f"{project}/content/index.md:1:1: {ALREADY}\n{project}/rapor.toml:1:1: {ALREADY}\n"
                      "2 errors found; nothing was written.\n")
    assert files_under(project) == {"content/index.md": b"Halo\n", "rapor.toml": b"# mine\n"}


def test_init_force_replaces_only_the_starter_files(tmp_path: Path) -> None:
    project = tmp_path / "kota"
    project.mkdir()
    (project / "rapor.toml").write_text("# mine\n")
    (project / "catatan.txt").write_text("simpan\n")
    code, output = rapor("init", str(project), "--force")
    assert code == 0, output
    assert output.splitlines()[0] == f"wrote {len(starter_files())} files (1 replaced) into {project}"
    assert (project / "rapor.toml").read_text(encoding="utf-8").startswith("# Rapor project, written by `rapor init`")
    assert (project / "catatan.txt").read_text() == "simpan\n"


def test_force_replaces_a_link_instead_of_writing_through_it(tmp_path: Path) -> None:
    project = tmp_path / "kota"
    project.mkdir()
    precious = tmp_path / "precious.toml"
    precious.write_text("# elsewhere\n")
    os.symlink(precious, project / "rapor.toml")
    assert rapor("init", str(project), "--force")[0] == 0
    assert precious.read_text() == "# elsewhere\n"
    assert not (project / "rapor.toml").is_symlink()


def test_a_file_in_the_way_of_a_starter_folder_is_named_once(tmp_path: Path) -> None:
    project = tmp_path / "kota"
    project.mkdir()
    (project / "data").write_text("not a folder\n")
    code, output = rapor("init", str(project), "--force")
    assert code == 2
    assert output == (f"{project}/data:1:1: a file is in the way of the starter's data/reference/README.md\n"
                      "  hint: move it away, or start the project in an empty folder\n"
                      "1 error found; nothing was written.\n")
    assert files_under(project) == {"data": b"not a folder\n"}


@pytest.mark.parametrize(("target", "where"), [
    ("kota", "the project folder"),
    ("kota/baru", "a folder of the project's path {tmp}/kota/baru"),
])
def test_a_file_where_the_project_folder_should_be_is_named(tmp_path: Path, target: str, where: str) -> None:
    (tmp_path / "kota").write_text("a file\n")
    code, output = rapor("init", str(tmp_path / target), "--force")
    assert code == 2
    assert output == (f"{tmp_path}/kota:1:1: this is a file, not a folder, where {where.format(tmp=tmp_path)} "
                      "should be\n  hint: choose a folder (a new one is made), or move the file away\n"
                      "1 error found; nothing was written.\n")
    assert files_under(tmp_path) == {"kota": b"a file\n"}


def test_a_failed_write_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "baru" / "kota"
    made = []
    real_mkstemp = tempfile.mkstemp

    def mkstemp_until_the_disk_is_full(*args: object, **kwargs: object) -> tuple[int, str]:
        if len(made) == 5:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        made.append(1)
        return real_mkstemp(*args, **kwargs)  # type: ignore[call-overload, no-any-return]

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp_until_the_disk_is_full)
    code, output = rapor("init", str(project))
    assert code == 2
    sixth = sorted(starter_files())[5][0]
    assert output == (f"{project}/{sixth}:1:1: cannot write this file (No space left on device)\n"
                      "  hint: check that the folder is writable and that the disk has room, then run rapor init "
                      "again\n1 error found; nothing was written.\n")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", ["build", "validate"])
def test_a_folder_without_a_project_points_to_rapor_init(tmp_path: Path, command: str) -> None:
    code, output = rapor(command, str(tmp_path))
    assert code == 2
    assert output.splitlines()[:2] == [
        f"rapor.toml:1:1: no rapor.toml in {tmp_path.resolve()}",
        "  hint: run rapor in a project folder, or pass the folder: rapor build PROJECT_DIR; to start a new "
        "project there, run: rapor init PROJECT_DIR",
    ]


@pytest.mark.parametrize("command", ["build", "validate", "diff", "serve"])
@pytest.mark.parametrize("below", ["", "/kota"])
def test_a_file_given_as_the_project_folder_is_named(tmp_path: Path, command: str, below: str) -> None:
    (tmp_path / "units.csv").write_text("id\n")
    code, output = rapor(command, str(tmp_path / "units.csv") + below, *(["--port", "0"] if command == "serve" else []))
    assert code == 2
    assert output == (f"{tmp_path.resolve()}/units.csv:1:1: this is a file, not a project folder\n"
                      "  hint: pass the project's folder (the one holding rapor.toml), e.g. rapor build kota/; to "
                      "start a new project, run: rapor init NEW_FOLDER\n1 error found; nothing was written.\n")
