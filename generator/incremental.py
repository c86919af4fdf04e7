"""Render only the pages whose inputs changed since the build in the output folder.

Every page's fingerprint hashes what its HTML is made from: its plan (path, template, language, context: the
page's slice of the model and its narrative) and its language's render key (every template's source as the
theme chain resolves it, the messages, the values every page of that language shows, Rapor's version). The
build in the output folder keeps each page's fingerprint, size and search page digest (search.py) in
`.rapor-manifest`; a page whose fingerprint and file size are unchanged is not rendered again but linked from
the previous build (its bytes and modification time stay). Every other file (downloads, static files,
badges...) has its entry in the same manifest, keyed by its inputs where its maker names them and by its bytes
otherwise (catalog.py). `rapor build --force` renders and makes everything.

Correctness rests on one rule the templates keep: a page shows only its plan's context, the common values and
the messages, never data reached some other way (a template global that reads the model would hide a change
from the fingerprint). tests/test_incremental.py compares incremental builds with full ones byte for byte.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import pickle
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from . import __version__
from .deferred import Deferred
from .site_rows import SiteRow

MANIFEST = ".rapor-manifest"
_FORMAT = 3  # 2: each page's entry holds its search page's digest (search.py); 3: other files (catalog.py)


class _DigestPickler(pickle.Pickler):
    """A pickle for hashing: in fast mode, without a memo, so its bytes depend on the values alone and not on
    which of them are one shared object (a memo writes an object met twice once: a page's fingerprint would
    differ between a cold build and a warm one whose equal values are shared differently). A SiteRow
    (site_rows.py) is written as the digest of its items, made once per row; a Deferred value (deferred.py) as
    its fingerprint, without making it."""

    def __init__(self, file: io.BytesIO) -> None:
        super().__init__(file, protocol=_PROTOCOL)
        self.fast = True  # no memo (see above); a cyclic value raises ValueError, none is hashed

    def reducer_override(self, obj: object) -> Any:
        if type(obj) is SiteRow:
            return _row, (row_digest(obj),)
        if isinstance(obj, Deferred):  # hashed as what makes it, never made here (deferred.py)
            return _deferred, (type(obj).__name__, obj.fingerprint())
        return NotImplemented


def _row(digest: str) -> str:
    """The name a hashed SiteRow is written under (its digest is never unpickled)."""
    return digest


def _deferred(kind: str, fingerprint: tuple[object, ...]) -> None:
    """The name a hashed Deferred value is written under (never unpickled)."""


class _StablePickler(_DigestPickler):
    """Pickles a set as its sorted items: a set's own order follows string hashes, which differ per process, and
    a fingerprint must not (the next build is another process). persistent_id is the one hook the C pickler
    calls for every object, sets included."""

    def persistent_id(self, obj: object) -> object:
        if isinstance(obj, set | frozenset):
            return ("set", sorted(obj, key=repr))
        return None


# Protocol 3 names the set types as text (protocol 4 has opcodes for them), so a pickle that holds a set is
# told by a search, and only such a pickle is made again the slower, stable way.
_PROTOCOL = 3
_SET_TYPES = (b"cbuiltins\nset\n", b"cbuiltins\nfrozenset\n")


def stable_digest(value: object) -> str:
    """A hash of `value`'s contents that is the same in every process (sets are hashed as their sorted items)
    and whatever objects it shares."""
    buffer = io.BytesIO()
    _DigestPickler(buffer).dump(value)
    data = buffer.getvalue()
    if b"set\n" in data and any(name in data for name in _SET_TYPES):
        buffer = io.BytesIO()
        _StablePickler(buffer).dump(value)
        data = buffer.getvalue()
    return hashlib.blake2b(data, digest_size=16).hexdigest()


_DATA = (str, int, float, bool, type(None), list, tuple, dict, datetime.date)


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    """The data among the values every page of a language gets, without functions and helper objects (the
    Locale, the chart makers): what those show is covered by the messages and by page_inputs.py, and a helper
    holding the whole model would make every page's fingerprint change with any cell."""
    return {key: value for key, value in values.items() if isinstance(value, _DATA)}


def render_keys(env: jinja2.Environment, common: dict[str, dict[str, Any]], messages: dict[str, dict[str, str]],
                extra: object) -> dict[str, str]:
    """Per language, a hash of everything its pages are rendered with besides their own context."""
    loader = env.loader
    assert loader is not None
    sources = {name: loader.get_source(env, name)[0] for name in sorted(loader.list_templates())}
    shared = stable_digest((__version__, sources, extra))
    return {lang: stable_digest((shared, _plain(values), sorted(messages.get(lang, {}).items())))
            for lang, values in common.items()}


# Marks of the values a page's fingerprint writes as their digests (ValueDigests).
_ROWS = "\x00site rows"
_ROW = "\x00site row"
_VALUE = "\x00value"


_KEYS: dict[tuple[str, ...], str] = {}  # a result row's column names -> their digest


def _row_items_digest(items: dict[str, Any]) -> str:
    """A result row's digest: its values after the digest of its column names, which the rows of a year share
    (hashing them once per row took as long as the values)."""
    names = tuple(items)
    named = _KEYS.get(names)
    if named is None:
        if len(_KEYS) > 256:  # a long `rapor serve` meets new columns now and then
            _KEYS.clear()
        named = _KEYS[names] = stable_digest(names)
    return stable_digest((named, tuple(items.values())))


def row_digest(row: SiteRow) -> str:
    """A result row's digest, made once while the row is unchanged (site_rows.py)."""
    return row.digest(_row_items_digest)


def rows_digest(rows: list[Any] | tuple[Any, ...]) -> str:
    """A list of result rows' digest, made of its rows' own (a SiteRow's is made once: site_rows.py) without
    writing them again; any other item is hashed as a value."""
    digests = [row_digest(row) if type(row) is SiteRow else "-" if row is None else stable_digest(row) for row in rows]
    return hashlib.blake2b("\x00".join(digests).encode(), digest_size=16).hexdigest()


class ValueDigests:
    """The digests of the values in page contexts, each made once per build for all the pages that show the
    very same object: a unit's history, findings and comparison in each language, a ranking's list of pages
    and sections on each of its pages, a year's scopes on each of its rankings. A list of result rows
    (SiteRows: a ranking page's rows, a unit's history) is also kept, with `kept` (a warm session's dict), for
    the next build while it shows the same rows (an unchanged year's rows are kept: site_rows.py).

    Keyed by ids: each entry holds its value, so no other object can take its id while it is kept. Sound
    because a page's context is never changed once planned, nor is a result row (site_rows.py); a value is
    hashed by what it holds, so sharing never changes a digest, only saves making it again."""

    def __init__(self, kept: dict[str, Any] | None = None) -> None:
        kept = {} if kept is None else kept
        self.last: dict[tuple[int, ...], tuple[tuple[object, ...], str]] = kept.get("lists", {})
        self.now: dict[tuple[int, ...], tuple[tuple[object, ...], str]] = {}
        kept["lists"] = self.now  # what this build met, for the next one
        self.values: dict[int, tuple[object, str]] = {}

    def rows(self, rows: list[Any]) -> str:
        key = tuple(map(id, rows))
        found = self.now.get(key)
        if found is None:
            found = self.last.get(key)
            if found is None:
                held = tuple(rows)
                found = (held, rows_digest(held))
            self.now[key] = found
        return found[1]

    def value(self, value: object) -> str:
        found = self.values.get(id(value))
        if found is None:
            found = self.values[id(value)] = (value, stable_digest(self._parts(value)))
        return found[1]

    def _parts(self, value: object) -> object:
        """What `value` is hashed as: a result row as its digest; a list or tuple of rows (None among them: a
        unit's row in each year) as their digest; one of objects that name their digest parts (a unit's
        findings) as those parts; lists, tuples and dicts that hold rows (a ranking page's sections, a regency
        page's units with their rows) item by item. Anything else is pickled whole, faster than a walk here."""
        kind = type(value)
        if kind is SiteRow:
            return _ROW, row_digest(value)  # type: ignore[arg-type]
        if (kind is list or kind is tuple) and value:
            items: list[Any] | tuple[Any, ...] = value  # type: ignore[assignment]
            first = type(items[0])
            if first is SiteRow or (first is type(None) and any(type(item) is SiteRow for item in items)):
                return _ROWS, self.rows(list(items))
            if hasattr(first, "digest_parts"):
                return kind(item.digest_parts() if hasattr(item, "digest_parts") else item
                            for item in items)
            if any(type(item) is list or type(item) is tuple or type(item) is dict for item in items):
                return kind(map(self._parts, items))
        elif kind is dict:
            fields: dict[str, Any] = value  # type: ignore[assignment]
            if any(type(field) is SiteRow or type(field) is list for field in fields.values()):
                return {key: self._parts(field) for key, field in fields.items()}
        return value

    def condensed(self, context: object) -> object:
        """A context dict with its rows, lists, dicts and tuples replaced by their digests (marked)."""
        if type(context) is not dict:
            return context
        return {key: self._condensed(value) for key, value in context.items()}

    def _condensed(self, value: object) -> object:
        kind = type(value)
        if kind is SiteRow or (kind is list and value and type(value[0]) is SiteRow):  # type: ignore[index]
            return self._parts(value)  # a row, or a list of rows, as its digest: kept across builds (rows)
        if (kind is list or kind is dict or kind is tuple) and value:
            return _VALUE, self.value(value)
        return value


def page_fingerprint(render_key: str, path: str, template: str, absolute: bool, context: tuple[object, ...],
                     digests: ValueDigests | None = None) -> str:
    """The hash of what a page is made from: `context` is its plan's context and what it reads beyond it. The
    rows, lists, dicts and tuples among a context dict's values are hashed once each (ValueDigests)."""
    digests = ValueDigests() if digests is None else digests
    return stable_digest((render_key, path, template, absolute, tuple(map(digests.condensed, context))))


@dataclass
class Manifest:
    """Page path -> (fingerprint, size, search page digest) of the build in the output folder, and of the build
    being made. The digest ("" for a page search does not index) lets search.py leave a kept page unread."""

    previous: dict[str, tuple[str, int, str]] = field(default_factory=dict)
    current: dict[str, tuple[str, int, str]] = field(default_factory=dict)
    # Every other file: path -> (input key, content digest, size); catalog.py.
    previous_files: dict[str, tuple[str, str, int]] = field(default_factory=dict)
    current_files: dict[str, tuple[str, str, int]] = field(default_factory=dict)

    @classmethod
    def read(cls, output: Path) -> Manifest:
        """The output's manifest; anything unreadable means no previous build to reuse (a full render)."""
        try:
            raw = json.loads((output / MANIFEST).read_text(encoding="utf-8"))
            if raw.get("format") != _FORMAT:
                return cls()
            pages = {str(path): (str(entry[0]), int(entry[1]), str(entry[2])) for path, entry in raw["pages"].items()}
            files = {str(path): (str(entry[0]), str(entry[1]), int(entry[2])) for path, entry in raw["files"].items()}
        except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
            return cls()
        return cls(previous=pages, previous_files=files)

    def reusable(self, output: Path, path: str, fingerprint: str, mode: int) -> bool:
        """Whether the previous build's file is this page: same fingerprint, same size, a plain file with the
        mode a new file would get (a build under another umask writes every file anew)."""
        old = self.previous.get(path)
        if old is None or old[0] != fingerprint:
            return False
        try:
            info = os.lstat(os.path.join(output, path))  # not a Path per page: 17,000 of them cost 0.1 s
        except OSError:
            return False
        return stat.S_ISREG(info.st_mode) and info.st_size == old[1] and stat.S_IMODE(info.st_mode) == mode

    def record(self, path: str, fingerprint: str, size: int, search: str) -> None:
        self.current[path] = (fingerprint, size, search)

    def reuse(self, path: str) -> str:
        """Keeps the previous build's page; returns its search page's digest."""
        self.current[path] = self.previous[path]
        return self.previous[path][2]

    def as_bytes(self) -> bytes:
        pages = {path: list(entry) for path, entry in sorted(self.current.items())}
        files = {path: list(entry) for path, entry in sorted(self.current_files.items())}
        return (json.dumps({"format": _FORMAT, "pages": pages, "files": files}, ensure_ascii=False,
                           separators=(",", ":"))
                + "\n").encode("utf-8")
