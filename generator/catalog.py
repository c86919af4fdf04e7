"""The outputs besides pages (downloads, static files, badges, the chart bundle, sitemap, feeds), each named in
the manifest with the key of what it is made from, so that an unchanged one is neither made again nor compared.

Every file gets an entry in the manifest's `files` map: [input key, content digest, size]. The input key, when
the maker gives one, hashes everything the file's bytes are made from (with Rapor's version); when it and the
previous build's file are unchanged, the file is not made at all but linked from the previous build (write.REUSE).
A file made anyway is compared with the previous build's by its content digest, without reading the old file.
As with pages (incremental.py), a file is reused only if it is still a plain file of the recorded size and the
mode a new file would get; `rapor build --force` starts from an empty manifest, so every file is made.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .incremental import Manifest, stable_digest

if TYPE_CHECKING:
    import pandas as pd

Item = tuple[str, bytes | None]


def content_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def input_key(*parts: object) -> str:
    """The key of a file made from `parts` (values a pickle holds the same way in every process)."""
    return stable_digest((__version__, parts))


def text_key(*parts: str | int) -> str:
    """input_key for parts that are all texts and whole numbers, without a pickle: their repr is the same in
    every process."""
    for part in parts:
        if type(part) not in (str, int):
            raise TypeError(f"text_key takes texts and whole numbers, not {type(part).__name__}")
    return hashlib.blake2b(repr((__version__, parts)).encode("utf-8"), digest_size=16).hexdigest()


def frame_digest(frame: pd.DataFrame) -> str:
    """A table's contents, names and types as one hash (pandas' own row hashes, which use a fixed key)."""
    import pandas as pd  # here: the render workers import this module but never call this (parallel.py)

    rows = pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes()
    head = repr((list(frame.columns), [str(t) for t in frame.dtypes])).encode("utf-8")
    return hashlib.blake2b(head + rows, digest_size=16).hexdigest()


class FileCatalog:
    """The non-page files of the build being made, against those of the build in the output folder."""

    def __init__(self, manifest: Manifest, output: Path, mode: int) -> None:
        self.previous = manifest.previous_files
        self.current = manifest.current_files
        self.output = output
        self.mode = mode
        # Paths are relative (write.safe_relative): joined by hand, a file's check costs no Path or os.path.join
        # (17,000 per build for the sample, 220,000 at 20,000 units).
        self._prefix = os.path.join(os.fspath(output), "")

    def _on_disk(self, path: str, size: int) -> bool:
        try:
            info = os.lstat(self._prefix + path)
        except OSError:
            return False
        return stat.S_ISREG(info.st_mode) and info.st_size == size and stat.S_IMODE(info.st_mode) == self.mode

    def unchanged(self, path: str, key: str) -> bool:
        """Whether the previous build's file was made from inputs with this key and is still there as made."""
        old = self.previous.get(path)
        return old is not None and bool(key) and old[0] == key and self._on_disk(path, old[2])

    def content(self, path: str) -> bytes | None:
        """The previous build's file as it recorded it (the same size and content digest), or None: what a maker
        may take its unchanged part from (download.py)."""
        old = self.previous.get(path)
        if old is None or not self._on_disk(path, old[2]):
            return None
        try:
            with open(self._prefix + path, "rb") as file:
                data = file.read()
        except OSError:
            return None
        return data if len(data) == old[2] and content_digest(data) == old[1] else None

    def size(self, path: str) -> int:
        """The size of a file this build keeps or made."""
        return self.current[path][2]

    def keep(self, path: str) -> Item:
        self.current[path] = self.previous[path]
        return path, None

    def made(self, path: str, data: bytes, key: str = "") -> Item:
        """A file made in this build: linked from the previous build if it has the same bytes."""
        digest = content_digest(data)
        old = self.previous.get(path)
        self.current[path] = (key, digest, len(data))
        if old is not None and old[1] == digest and self._on_disk(path, len(data)):
            return path, None
        return path, data

    def keyed(self, path: str, key: str, make: Callable[[], bytes]) -> Item:
        """The file made by `make` from inputs with `key`: made only if they changed since the previous build."""
        if self.unchanged(path, key):
            return self.keep(path)
        return self.made(path, make(), key)

    def all_made(self, items: Iterable[tuple[str, bytes]], key: str = "") -> Iterator[Item]:
        for path, data in items:
            yield self.made(path, data, key)

    def group_unchanged(self, paths: Sequence[str], key: str) -> bool:
        """Whether every one of `paths` is unchanged under `key` (files made together, in one pass)."""
        return all(self.unchanged(path, key) for path in paths)
