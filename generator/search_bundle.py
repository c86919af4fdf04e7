"""Make Pagefind's bundle byte-identical from build to build.

Pagefind (1.5) writes its filter indexes and their list in the language's metadata file in hash-map order,
which changes from run to run, and names each file after its content; everything else it writes is stable.
Here each filter's values and each metadata file's filter list are sorted, and the files renamed after their
new content, the way Pagefind names them (language, '_', the start of a content hash), with the references to
them (metadata file -> filter files, pagefind-entry.json -> metadata file) updated.

Both formats are gzip-compressed CBOR after a 12-byte signature, made only of unsigned integers, text and arrays;
the small codec below handles exactly that and refuses anything else, so a future Pagefind format fails loudly
instead of being written back wrong.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from typing import Any

SIGNATURE = b"pagefind_dcd"
Cbor = int | str | list[Any]


class BundleFormatError(ValueError):
    """The bundle is not laid out as this module expects (another Pagefind version)."""


def _decode(data: bytes, at: int) -> tuple[Cbor, int]:
    head = data[at]
    major, info = head >> 5, head & 0x1F
    at += 1
    if info < 24:
        value = info
    elif info in (24, 25, 26, 27):
        size = 1 << (info - 24)
        value = int.from_bytes(data[at:at + size], "big")
        at += size
    else:
        raise BundleFormatError(f"unexpected CBOR item 0x{head:02x}")
    if major == 0:
        return value, at
    if major == 3:
        return data[at:at + value].decode("utf-8"), at + value
    if major == 4:
        items = []
        for _ in range(value):
            item, at = _decode(data, at)
            items.append(item)
        return items, at
    raise BundleFormatError(f"unexpected CBOR major type {major}")


def _head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([major << 5 | value])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if value < 1 << (8 * size):
            return bytes([major << 5 | info]) + value.to_bytes(size, "big")
    raise BundleFormatError("integer too large")


def _encode(item: Cbor) -> bytes:
    if isinstance(item, int):
        return _head(0, item)
    if isinstance(item, str):
        raw = item.encode("utf-8")
        return _head(3, len(raw)) + raw
    return _head(4, len(item)) + b"".join(_encode(part) for part in item)


def read(content: bytes) -> Cbor:
    data = gzip.decompress(content)
    if not data.startswith(SIGNATURE):
        raise BundleFormatError("no Pagefind signature")
    item, end = _decode(data, len(SIGNATURE))
    if end != len(data) or _encode(item) != data[len(SIGNATURE):]:
        raise BundleFormatError("the file does not read back as written")
    return item


def write(item: Cbor) -> bytes:
    return gzip.compress(SIGNATURE + _encode(item), compresslevel=9, mtime=0)


def _name(lang: str, content: bytes, length: int) -> str:
    return f"{lang}_{hashlib.sha256(content).hexdigest()[:length]}"


def normalise(files: dict[str, bytes]) -> dict[str, bytes]:
    """The bundle (paths relative to it -> bytes) with filters in a stable order and files named to match."""
    entry = json.loads(files["pagefind-entry.json"])
    result = dict(files)
    for lang in sorted(entry["languages"]):
        language = entry["languages"][lang]
        meta_path = f"pagefind.{language['hash']}.pf_meta"
        meta = read(result.pop(meta_path))
        if not (isinstance(meta, list) and len(meta) == 6 and isinstance(meta[3], list)):
            raise BundleFormatError(f"unexpected layout of {meta_path}")
        filters = []
        for name, digest in meta[3]:
            values = read(result.pop(f"filter/{digest}.pf_filter"))
            if not (isinstance(values, list) and len(values) == 2 and isinstance(values[1], list)):
                raise BundleFormatError(f"unexpected layout of filter {name}")
            content = write([values[0], sorted(values[1], key=lambda value: str(value[0]))])
            new_digest = _name(lang, content, len(digest) - len(lang) - 1)
            result[f"filter/{new_digest}.pf_filter"] = content
            filters.append([name, new_digest])
        meta[3] = sorted(filters)
        content = write(meta)
        language["hash"] = _name(lang, content, len(language["hash"]) - len(lang) - 1)
        result[f"pagefind.{language['hash']}.pf_meta"] = content
    entry["languages"] = {lang: entry["languages"][lang] for lang in sorted(entry["languages"])}
    result["pagefind-entry.json"] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return result
