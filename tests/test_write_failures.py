"""Operating-system failures while reading or writing: one located line with a hint, exit 2, never a traceback,
the previous output kept and nothing left beside it."""

from __future__ import annotations

import errno
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scratch_site import TmpSite

REPO = Path(__file__).resolve().parents[1]


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def beside_output(site: TmpSite) -> list[str]:
    return sorted(p.name for p in site.root.iterdir() if "output" in p.name)


def assert_clean_failure(output: str) -> None:
    assert "Traceback" not in output
    assert "internal error" not in output
    assert output.endswith(" found; nothing was written.\n"), output


def test_a_file_where_the_output_folder_should_go(tmp_site: TmpSite, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_site.root)
    tmp_site.write("public", "a file, not a folder")
    result = tmp_site.build("-o", "public/rapor")
    assert result.exit_code == 2
    assert result.output.splitlines()[:2] == [
        "public:1:1: cannot write the output: a part of this path is a file, not a folder",
        "  hint: rename or remove the file that stands where a folder is expected in public"]
    assert_clean_failure(result.output)


def test_a_broken_link_where_the_output_folder_should_go(tmp_site: TmpSite, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_site.root)
    (tmp_site.root / "public").symlink_to(tmp_path / "unplugged-disk")
    result = tmp_site.build("-o", "public/rapor")
    assert result.exit_code == 2
    assert result.output.splitlines()[:2] == [
        f"public:1:1: cannot write the output: a symbolic link to {tmp_path / 'unplugged-disk'}, which does not exist",
        "  hint: fix or remove the link public"]
    assert_clean_failure(result.output)


def test_a_file_too_large_for_the_disk_keeps_the_previous_output(tmp_site: TmpSite) -> None:
    """A real write failure: the file-size limit (RLIMIT_FSIZE) makes write() fail with EFBIG."""
    assert tmp_site.build().exit_code == 0
    out = tmp_site.root / "output"
    before = snapshot(out)
    tmp_site.write("content/pages/baru.md", "---\ntitle: Baru\n---\n\n" + "Teks panjang. " * 2000 + "\n")
    limited = ("import resource, sys\n"
               "resource.setrlimit(resource.RLIMIT_FSIZE, (16384, 16384))\n"
               "from generator.cli import main\n"
               "main(sys.argv[1:])\n")
    result = subprocess.run([sys.executable, "-c", limited, "build", str(tmp_site.root), "-q"], cwd=tmp_site.root,
                            capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 2, result.stderr
    first, hint = result.stderr.splitlines()[:2]
    assert first.startswith("output/") and first.endswith(
        ":1:1: cannot write the output: the file is too large for this file system"), first
    assert hint == "  hint: build onto another disk with -o DIR"
    assert_clean_failure(result.stderr)
    assert snapshot(out) == before
    assert beside_output(tmp_site) == ["output"]


def test_a_full_disk_while_writing_keeps_the_previous_output(tmp_site: TmpSite,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """write() fails with ENOSPC, an error that names no file: the message names the file being written."""
    assert tmp_site.build().exit_code == 0
    out = tmp_site.root / "output"
    before = snapshot(out)
    tmp_site.write("content/pages/baru.md", "---\ntitle: Baru\n---\n\nTeks.\n")
    real_write = Path.write_bytes

    def full(self: Path, data: bytes) -> int:
        if self.name == "index.html" and self.parent.name == "baru":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(self, data)

    monkeypatch.setattr(Path, "write_bytes", full)
    monkeypatch.chdir(tmp_site.root)
    result = tmp_site.build()
    assert result.exit_code == 2
    assert result.output.splitlines()[:2] == [
        "output/baru/index.html:1:1: cannot write the output: no space left on the disk",
        "  hint: free some disk space, or build onto another disk with -o DIR"]
    assert_clean_failure(result.output)
    assert snapshot(out) == before
    assert beside_output(tmp_site) == ["output"]


@pytest.mark.parametrize(("code", "expected"), [
    (errno.EACCES, ("permission denied", "give the user running rapor access to {parent} and the folders above it")),
    (errno.EROFS, ("the file system is read-only", "build onto a writable disk, e.g. rapor build -o /tmp/site")),
    (errno.ENOSPC, ("no space left on the disk", "free some disk space, or build onto another disk with -o DIR")),
])
def test_a_folder_the_output_cannot_be_written_in(tmp_site: TmpSite, monkeypatch: pytest.MonkeyPatch, code: int,
                                                  expected: tuple[str, str]) -> None:
    """The first thing a build writes beside the output (its lock) fails as in a read-only or full folder."""
    parent = tmp_site.root.parent / "www"
    parent.mkdir()
    real_open = os.open

    def refused(path: str | os.PathLike[str], flags: int, mode: int = 0o777, **kwargs: object) -> int:
        if Path(path).parent == parent and flags & os.O_CREAT:
            raise OSError(code, os.strerror(code), os.fspath(path))
        return real_open(path, flags, mode)

    monkeypatch.setattr("generator.output_guard.os.open", refused)
    result = tmp_site.build("-o", str(parent / "rapor"))
    assert result.exit_code == 2
    reason, hint = expected
    assert result.output.splitlines()[:2] == [f"{parent}:1:1: cannot write the output: {reason}",
                                              f"  hint: {hint.format(parent=parent)}"]
    assert_clean_failure(result.output)
    assert list(parent.iterdir()) == []


@pytest.mark.parametrize(("error", "expected"), [
    (IsADirectoryError(errno.EISDIR, "Is a directory", "data/units.csv"),
     ["data/units.csv:1:1: this is a folder where a file is expected",
      "  hint: replace the folder data/units.csv with a file"]),
    (NotADirectoryError(errno.ENOTDIR, "Not a directory", "data/units.csv/x"),
     ["data/units.csv/x:1:1: a part of this path is a file, not a folder",
      "  hint: rename or remove the file that stands where a folder is expected in data/units.csv/x"]),
    (PermissionError(errno.EACCES, "Permission denied", "data/reference/provinsi.csv"),
     ["data/reference/provinsi.csv:1:1: permission denied",
      "  hint: give the user running rapor access to data/reference/provinsi.csv and the folders above it"]),
    (OSError(errno.EIO, "Input/output error", "data/results/2023.csv", None, "data/results/2022.csv"),
     ["data/results/2023.csv:1:1: input/output error (with data/results/2022.csv)",
      "  hint: check the disk (it may be failing or unplugged)"]),
    (OSError(errno.ENOSPC, "No space left on device"),
     ["rapor: no space left on the disk", "  hint: free some disk space, or build onto another disk with -o DIR"]),
    (FileNotFoundError(errno.ENOENT, "No such file", "data/\x1b[31mred\x07.csv"),
     ["data/\\x1b[31mred\\x07.csv:1:1: no such file or folder",
      "  hint: check the path, in rapor.toml or on the command line"]),
])
def test_any_unlocated_os_error_is_a_located_line_never_an_internal_error(
        tmp_site: TmpSite, monkeypatch: pytest.MonkeyPatch, error: OSError, expected: list[str]) -> None:
    """The safety net in the command: an OSError that a stage did not turn into a problem itself."""
    def failing(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr("generator.pipeline.check_registry", failing)
    monkeypatch.chdir(tmp_site.root)
    for command in (tmp_site.validate, tmp_site.build):
        result = command()
        assert result.exit_code == 2
        assert result.output == "\n".join([*expected, "1 error found; nothing was written.\n"])
    assert beside_output(tmp_site) == []


@pytest.mark.parametrize("case", ["page is a broken link", "page is a folder"])
def test_unreadable_narrative_files_are_located(tmp_site: TmpSite, monkeypatch: pytest.MonkeyPatch,
                                                case: str) -> None:
    if case == "page is a broken link":
        (tmp_site.root / "content/pages/hilang.md").symlink_to(tmp_site.root / "nowhere.md")
        expected = "content/pages/hilang.md:1:1: "
    else:
        (tmp_site.root / "content/pages/folder.md").mkdir()
        expected = "content/pages/folder.md:1:1: "
    monkeypatch.chdir(tmp_site.root)
    result = tmp_site.build()
    assert result.exit_code == 2
    assert result.output.startswith(expected), result.output
    assert_clean_failure(result.output)
    assert beside_output(tmp_site) == []


def test_a_reader_that_stops_early_is_not_an_error_report(tmp_site: TmpSite) -> None:
    """`rapor validate | head -0`: the pipe closes before rapor writes; no traceback, no error message."""
    reader = subprocess.Popen([sys.executable, "-m", "generator", "validate", str(tmp_site.root)], cwd=REPO,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert reader.stdout is not None and reader.stderr is not None
    reader.stdout.close()
    stderr = reader.stderr.read()
    reader.stderr.close()
    assert reader.wait(timeout=300) == 141
    assert stderr == b""


def test_a_link_loop_where_the_output_folder_should_go(tmp_site: TmpSite, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_site.root)
    (tmp_site.root / "public").symlink_to(tmp_site.root / "public")
    result = tmp_site.build("-o", "public/rapor")
    assert result.exit_code == 2
    assert result.output.splitlines()[:2] == ["public:1:1: cannot write the output: a symbolic link that leads back "
                                              "to itself", "  hint: fix or remove the link public"]
    assert_clean_failure(result.output)


def test_a_failed_build_into_new_folders_leaves_none_of_them(tmp_site: TmpSite, tmp_path: Path) -> None:
    """A template that fails while pages are written: the folders made for the output are removed again."""
    tmp_site.write("themes/default/templates/404.html", "{{ undefined_value.attribute }}\n")
    target = tmp_path / "new" / "deeper" / "site"
    result = tmp_site.build("-o", str(target))
    assert result.exit_code == 2, result.output
    assert_clean_failure(result.output)
    assert not (tmp_path / "new").exists()
