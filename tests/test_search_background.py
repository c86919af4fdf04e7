"""Pagefind indexes in the background once the last page is in (search.SearchIndex.start), while the build makes
its other files; a build that fails meanwhile ends the program and leaves no scratch folder."""

from __future__ import annotations

import os
import stat
import threading
import time
from pathlib import Path

import pytest

import generator.search
from generator.search import BUNDLE, STAMP, SearchIndex


def page(name: str) -> bytes:
    return (f'<!doctype html><html lang="id"><head><title>{name}</title></head><body>'
            f'<main data-pagefind-body><h1>{name}</h1><p>Pelayanan {name}</p></main></body></html>').encode()


def test_indexing_starts_with_the_last_page_and_runs_in_another_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[threading.Thread] = []
    original = generator.search._index

    def counted(site: Path, bundle: Path) -> int:
        threads.append(threading.current_thread())
        return original(site, bundle)

    monkeypatch.setattr(generator.search, "_index", counted)
    with SearchIndex() as search:
        search.add("unit/a/index.html", page("Kota A"))
        search.add("unit/b/index.html", page("Kota B"))
        search.start()
        deadline = time.monotonic() + 60
        while not threads and time.monotonic() < deadline:  # started before files() is asked for
            time.sleep(0.01)
        assert threads and threads[0] is not threading.main_thread()
        bundle = dict(search.files())
    assert len(threads) == 1  # files() after start() does not index again
    assert bundle[f"{BUNDLE}/{STAMP}"]
    assert f"{BUNDLE}/pagefind-entry.json" in bundle


def test_the_same_bundle_whether_started_early_or_not() -> None:
    bundles = []
    for early in (True, False):
        with SearchIndex() as search:
            for name in ("Kota A", "Kota B", "Kabupaten C"):
                search.add(f"unit/{name.replace(' ', '-').lower()}/index.html", page(name))
            if early:
                search.start()
            bundles.append(dict(search.files()))
    assert bundles[0] == bundles[1]


def test_a_failure_after_the_start_ends_pagefind_and_removes_the_scratch_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pagefind.service

    slow = tmp_path / "pagefind-slow"
    slow.write_text("#!/bin/sh\nexec sleep 60\n", encoding="utf-8")
    slow.chmod(slow.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setattr(pagefind.service, "get_executable", lambda: slow)
    started = time.monotonic()
    with pytest.raises(RuntimeError, match="a later output failed"), SearchIndex() as search:
        search.add("unit/a/index.html", page("Kota A"))
        search.start()
        deadline = time.monotonic() + 30
        while not generator.search._programs and time.monotonic() < deadline:
            time.sleep(0.01)
        program = next(iter(generator.search._programs.values()))
        scratch = search.site.parent
        raise RuntimeError("a later output failed")
    assert time.monotonic() - started < 30  # not the program's 60 s
    assert program.poll() is not None
    assert not generator.search._programs
    assert not os.path.exists(scratch)
