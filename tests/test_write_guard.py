"""The output folder: normal permissions, no overlap with any input, one build at a time, no leftovers."""

from __future__ import annotations

import fcntl
import hashlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from scratch_site import TmpSite


def modes(folder: Path) -> dict[str, int]:
    """The permission bits of `folder` ('.') and of everything under it."""
    found = {".": stat.S_IMODE(folder.stat().st_mode)}
    for path in folder.rglob("*"):
        found[path.relative_to(folder).as_posix()] = stat.S_IMODE(path.lstat().st_mode)
    return found


def tree(folder: Path) -> dict[str, str]:
    """Every file under `folder` with its sha256 (folders as 'dir'), to show nothing changed."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
            for p in sorted(folder.rglob("*"))}


@pytest.fixture
def umask() -> Iterator[None]:
    """Restore the process umask after a test that sets it."""
    previous = os.umask(0o022)
    os.umask(previous)
    yield
    os.umask(previous)


@pytest.mark.parametrize(("mask", "folder_mode", "file_mode"), [(0o022, 0o755, 0o644), (0o027, 0o750, 0o640),
                                                                 (0o002, 0o775, 0o664)])
def test_built_folders_and_files_get_the_modes_the_umask_gives(tmp_site: TmpSite, umask: None, mask: int,
                                                               folder_mode: int, file_mode: int) -> None:
    os.umask(mask)
    assert tmp_site.build().exit_code == 0
    out = tmp_site.root / "output"
    found = modes(out)
    assert found["."] == folder_mode  # tempfile.mkdtemp made it 0700: a web server's workers got 403
    wrong = {path: oct(mode) for path, mode in found.items()
             if mode != (folder_mode if (out / path).is_dir() else file_mode)}
    assert wrong == {}


def test_a_rebuild_under_another_umask_gives_every_file_the_new_mode(tmp_site: TmpSite, umask: None) -> None:
    """Unchanged files are hard-linked from the previous build, but only when their mode is right too."""
    os.umask(0o077)
    assert tmp_site.build().exit_code == 0
    os.umask(0o022)
    assert tmp_site.build().exit_code == 0
    out = tmp_site.root / "output"
    assert {mode for path, mode in modes(out).items() if (out / path).is_file()} == {0o644}
    assert {mode for path, mode in modes(out).items() if (out / path).is_dir()} == {0o755}


def test_the_marker_says_it_holds_nothing_worth_hiding(tmp_site: TmpSite) -> None:
    assert tmp_site.build().exit_code == 0
    marker = (tmp_site.root / "output/.rapor-output").read_text(encoding="utf-8")
    assert "built by rapor" in marker
    assert "holds nothing else and is safe to publish" in " ".join(marker.split())


@pytest.mark.parametrize(("option", "message"), [
    ("data", "data:1:1: the output folder data is the data folder (data), as chosen with -o"),
    ("data/results", "data/results:1:1: the output folder data/results is the results (data/results), "
                     "as chosen with -o"),
    ("data/new-site", "data/new-site:1:1: the output folder data/new-site lies inside the data folder (data), "
                      "as chosen with -o"),
    ("content/x", "content/x:1:1: the output folder content/x lies inside the narrative folder (content), "
                  "as chosen with -o"),
    ("content", "content:1:1: the output folder content is the narrative folder (content), as chosen with -o"),
    ("themes/kota/static", "themes/kota/static:1:1: the output folder themes/kota/static lies inside the themes "
                           "folder (themes), as chosen with -o"),
    (".", ".:1:1: the output folder . contains the project (.), as chosen with -o"),
    ("..", "..:1:1: the output folder {parent} contains the project (.), as chosen with -o"),
])
def test_an_output_folder_that_overlaps_an_input_is_refused(tmp_site: TmpSite, monkeypatch: pytest.MonkeyPatch,
                                                            option: str, message: str) -> None:
    tmp_site.write("themes/kota/static/logo.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>")
    monkeypatch.chdir(tmp_site.root)
    before = tree(tmp_site.root.parent)
    result = tmp_site.build("-o", option)
    assert result.exit_code == 2, result.output
    assert result.output.splitlines()[:2] == [
        message.format(parent=tmp_site.root.parent),
        "  hint: a build replaces its whole output folder: choose a folder that holds no input and lies inside none, "
        "e.g. output/"]
    assert "Traceback" not in result.output
    assert tree(tmp_site.root.parent) == before


@pytest.mark.parametrize(("settings", "message"), [
    ('[build]\noutput = "data/results"\n', "rapor.toml:7:1: the output folder data/results is the results"),
    ('[build]\noutput = "content/site"\n', "rapor.toml:7:1: the output folder content/site lies inside the "
                                           "narrative folder (content)"),
    ('[build]\noutput = "."\n', "rapor.toml:7:1: the output folder . contains the project (.)"),
    ('[build]\noutput = "site"\n[data]\nresults = "site/results"\n',
     "rapor.toml:7:1: the output folder site contains the results (site/results)"),
    ('[data]\nresults = "output/results"\n', "rapor.toml:7:1: the output folder output contains the results "
                                             "(output/results)"),
])
def test_an_overlap_set_in_the_config_is_located_at_its_setting(tmp_site: TmpSite, monkeypatch: pytest.MonkeyPatch,
                                                                settings: str, message: str) -> None:
    tmp_site.config(settings)
    if "site/results" in settings or "output/results" in settings:
        folder = settings.split('results = "')[1].split('"')[0]
        for csv in (tmp_site.root / "data/results").iterdir():
            tmp_site.write(f"{folder}/{csv.name}", csv.read_text(encoding="utf-8"))
    monkeypatch.chdir(tmp_site.root)
    before = tree(tmp_site.root)
    result = tmp_site.build()
    assert result.exit_code == 2, result.output
    assert result.output.startswith(message), result.output
    assert tree(tmp_site.root) == before


def test_an_output_folder_beside_the_inputs_is_fine(tmp_site: TmpSite, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_site.root)
    assert tmp_site.build("-o", "site").exit_code == 0
    assert tmp_site.build("-o", "../published/rapor").exit_code == 0
    assert (tmp_site.root.parent / "published/rapor/index.html").is_file()


def test_leftovers_of_killed_builds_are_removed_and_nothing_else(tmp_site: TmpSite, tmp_path: Path) -> None:
    assert tmp_site.build().exit_code == 0
    parent = tmp_site.root
    # What builds that were killed leave: a staging folder (marker first) and a retired previous output.
    tmp_site.write(".output.new-k1ll3d_0/.rapor-output", "x")
    tmp_site.write(".output.new-k1ll3d_0/unit/a/index.html", "half")
    tmp_site.write(".output.old-a8b7c6d5/.rapor-output", "x")
    tmp_site.write(".output.new-q1w2e3r4/index.html", "made before the marker")
    tmp_site.write(".output.old-by-hand/.rapor-output", "x")
    tmp_site.write(".output.old-123/notes.txt", "a name of Rapor's shape is Rapor's")
    # What is not Rapor's, or not this output's: kept.
    keep = [".output.new-backup.d/a.txt", ".site.new-abcd1234/.rapor-output",
            ".output.new-abcd1234.new-efgh5678/.rapor-output", "output.new-abcd1234/x.txt"]
    for path in keep:
        tmp_site.write(path, "keep")
    tmp_site.write(".output.old-12345678", "a file, not a folder")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / ".rapor-output").write_text("x")
    (parent / ".output.new-87654321").symlink_to(elsewhere)
    assert tmp_site.build().exit_code == 0
    left = sorted(p.name for p in parent.iterdir() if p.name.startswith((".output", "output")))
    assert left == [".output.new-87654321", ".output.new-abcd1234.new-efgh5678", ".output.new-backup.d",
                    ".output.old-12345678", "output", "output.new-abcd1234"]
    assert (elsewhere / ".rapor-output").is_file()
    assert all((parent / path).read_text() == "keep" for path in keep)


def test_a_build_leaves_no_lock_file_behind(tmp_site: TmpSite) -> None:
    assert tmp_site.build().exit_code == 0
    tmp_site.write("data/results/2022.csv", "unit_id,index\n11-dpmptsp,tiga\n")
    assert tmp_site.build().exit_code == 2
    assert sorted(p.name for p in tmp_site.root.iterdir() if "output" in p.name) == ["output"]


def test_a_second_build_of_the_same_output_stops_with_a_clear_error(tmp_site: TmpSite,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The lock is what a running build holds; here the test holds it, as a build in another process would."""
    assert tmp_site.build().exit_code == 0
    out = tmp_site.root / "output"
    before = tree(out)
    monkeypatch.chdir(tmp_site.root)
    with (tmp_site.root / ".output.lock").open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        tmp_site.write("content/pages/baru.md", "---\ntitle: Baru\n---\n\nTeks.\n")
        result = tmp_site.build()
    assert result.exit_code == 2
    assert result.output == ("output:1:1: another build is running into this output folder\n"
                             "  hint: wait for it to finish, or build into another folder with -o DIR\n"
                             "1 error found; nothing was written.\n")
    assert tree(out) == before
    assert tmp_site.build().exit_code == 0  # once it is released
    assert (out / "baru/index.html").is_file()
    assert not (tmp_site.root / ".output.lock").exists()
