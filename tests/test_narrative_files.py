"""Narrative files: symbolic links that leave the project, point at nothing or at a folder, folders named like
Markdown files, pipes and text that is not UTF-8 are located errors, never followed, published or a crash."""

from __future__ import annotations

import os

from scratch_site import TmpSite


def test_links_folders_pipes_and_bad_text_in_content_are_located(tmp_site: TmpSite) -> None:
    outside = tmp_site.root.parent / "rahasia.txt"
    outside.write_text("kata sandi\n", encoding="utf-8")
    content = tmp_site.root / "content"
    tmp_site.write("content/pages/asli.md", "Teks asli.\n")
    (content / "pages/keluar.md").symlink_to(outside)
    (content / "pages/hilang.md").symlink_to(content / "pages/tidak-ada.md")
    (content / "pages/folder.md").symlink_to(content / "pages", target_is_directory=True)
    (content / "pages/salinan.md").symlink_to(content / "pages/asli.md")  # inside the project: fine
    (content / "pages/map.md").mkdir()
    os.mkfifo(content / "pages/pipa.md")
    tmp_site.write("content/pages/rusak.md", "Baris satu.\nBaris d\xe9ua.\n".encode("latin-1"))
    result = tmp_site.validate()
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if not line.startswith("  hint:")]
    assert lines == [
        "content/pages/folder.md:1:1: the symbolic link points at a folder",
        "content/pages/hilang.md:1:1: the symbolic link points at "
        f"'{content / 'pages/tidak-ada.md'}', which does not exist",
        f"content/pages/keluar.md:1:1: the symbolic link points outside the project ('{outside}')",
        "content/pages/map.md:1:1: this is a folder, not a Markdown file",
        "content/pages/pipa.md:1:1: this is not a regular file",
        "content/pages/rusak.md:2:8: the file is not UTF-8 text (invalid continuation byte)",
        "6 errors found; nothing was written.",
    ]
    assert "kata sandi" not in result.output


def test_a_content_folder_linked_from_outside_the_project_is_refused(tmp_site: TmpSite) -> None:
    elsewhere = tmp_site.root.parent / "narasi-lain"
    (tmp_site.root / "content").rename(elsewhere)
    (tmp_site.root / "content").symlink_to(elsewhere, target_is_directory=True)
    result = tmp_site.validate()
    assert result.exit_code == 2
    assert result.output.splitlines()[0] == (
        f"content:1:1: the symbolic link points outside the project ('{elsewhere}')")


def test_a_content_file_or_dangling_link_instead_of_the_folder_is_located(tmp_site: TmpSite) -> None:
    content = tmp_site.root / "content"
    content.rename(tmp_site.root / "lama")
    content.write_text("bukan folder\n", encoding="utf-8")
    result = tmp_site.validate()
    assert result.exit_code == 2
    assert result.output.splitlines()[0] == "content:1:1: this is a file, not the folder of narrative files"
    content.unlink()
    content.symlink_to(tmp_site.root / "hilang", target_is_directory=True)
    result = tmp_site.validate()
    assert result.exit_code == 2
    assert result.output.splitlines()[0] == (
        f"content:1:1: the symbolic link points at '{tmp_site.root / 'hilang'}', which does not exist")
