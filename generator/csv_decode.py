"""The text of a CSV export, from its bytes: which encoding it is in, or what it is when it is not CSV text.

Read: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252 (Excel on Windows saves "CSV" so).
Anything else is reported as what it is, located where that can be seen, never read into garbled headers:
a workbook, image or archive saved as .csv, binary data, UTF-16 without BOM, UTF-32, a file mixing UTF-8
with another encoding.
"""

from __future__ import annotations

import codecs
import re

from .errors import ProblemList

# A well-formed multi-byte UTF-8 character: in a file that is not UTF-8 as a whole, it shows a mix of encodings.
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
SAVE_UTF8 = "save the file again as 'CSV UTF-8'"
EXPORT_UTF8 = "export the sheet as 'CSV UTF-8'"

# Control bytes that no text export holds in numbers: every C0 control but tab, line ends, vertical tab, form
# feed (some exports write those in cells) and escape (a cell checked later may hold one; it is refused there).
_BINARY_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20)])
_BINARY_CHARS = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\ufffd]")
_SAMPLE = 8192
# Random or compressed bytes hold about 11% of these; a text export with a control character in some cells
# holds well under 1%.
_BINARY_SHARE = 0.03


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _binary_count(sample: bytes) -> int:
    return len(sample) - len(sample.translate(None, _BINARY_BYTES))


def _is_binary(sample: bytes) -> bool:
    return _binary_count(sample) > max(8, len(sample) * _BINARY_SHARE)


def _utf16_without_bom(sample: bytes) -> bool:
    """Whether bytes holding NULs read as UTF-16 text: in UTF-16, ASCII has a NUL in every other byte.

    A binary file holds NULs at both places, and reads as UTF-16 full of NUL and control characters.
    """
    sample = sample[:len(sample) // 2 * 2]
    little = sample[1::2].count(0) >= sample[0::2].count(0)
    if max(sample[1::2].count(0), sample[0::2].count(0)) <= len(sample) // 4:
        return False
    text = sample.decode("utf-16-le" if little else "utf-16-be", errors="replace")
    return len(_BINARY_CHARS.findall(text)) <= max(2, len(text) // 100)


def decode(data: bytes, display: str, problems: ProblemList) -> str | None:
    """The text of a CSV export, or None with the reason reported (see the module's documentation)."""
    kind = _not_csv(data)
    if kind is not None:
        problems.error(display, 1, 1, f"this is {kind}, not a CSV file",
                       "open it and save (or export) the sheet as 'CSV UTF-8'")
        return None
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        problems.error(display, 1, 1, "the file is UTF-32 text, which Rapor does not read", SAVE_UTF8)
        return None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            text = "\x00"
        if "\x00" in text:
            problems.error(display, 1, 1, "the file starts like UTF-16 text but is not", SAVE_UTF8)
            return None
        return text
    sample = data[:_SAMPLE]
    if 0 in sample and _utf16_without_bom(sample):
        problems.error(display, 1, 1, "the file is UTF-16 text without a byte-order mark", SAVE_UTF8)
        return None
    if _is_binary(sample):
        problems.error(display, 1, 1, "this is not a text file (it holds binary data)",
                       f"{EXPORT_UTF8}, and check that this path names the file you meant")
        return None
    nuls = data.count(0)
    if nuls and (0 in data.split(b"\n", 1)[0] or nuls > max(8, len(data) // 100)):
        # (A stray NUL in a cell is left to the cell checks, which refuse it where it is.)
        problems.error(display, _line_of(data, data.index(0)), 1,
                       "this line holds NUL bytes: the file is not a text (CSV) file", EXPORT_UTF8)
        return None
    return _text(data, display, problems)


def _text(data: bytes, display: str, problems: ProblemList) -> str | None:
    """UTF-8 text, or Windows-1252 when no line of it is UTF-8 beyond ASCII."""
    skip = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        return data[skip:].decode("utf-8")
    except UnicodeDecodeError as exc:
        line = _line_of(data, skip + exc.start)
        if skip:
            problems.error(display, line, 1, "the file says it is UTF-8 but this line is not", SAVE_UTF8)
            return None
        if _UTF8_MULTIBYTE.search(data):
            problems.error(display, line, 1, "this line is not UTF-8 but other lines are: the file mixes encodings",
                           SAVE_UTF8 + "; text pasted from another file may have brought the other encoding")
            return None
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        problems.error(display, _line_of(data, exc.start), 1, "the file is neither UTF-8 nor Windows-1252 text",
                       SAVE_UTF8)
        return None


# Files often saved or renamed as .csv by mistake, known by their first bytes.
_SIGNATURES = (
    ((b"PK\x03\x04", b"\xd0\xcf\x11\xe0"), "a spreadsheet workbook"),
    ((b"%PDF",), "a PDF document"),
    ((b"\x89PNG", b"GIF8", b"\xff\xd8\xff"), "an image"),
    ((b"\x1f\x8b", b"BZh", b"7z\xbc\xaf", b"Rar!", b"\xfd7zXZ"), "a compressed archive"),
)
_MARKUP = re.compile(rb"\s*<(?:!doctype html|html|table|\?xml)", re.IGNORECASE)


def _not_csv(data: bytes) -> str | None:
    """What a file is when its first bytes show it is not text at all, or is a web page or XML export."""
    start = data[len(codecs.BOM_UTF8):] if data.startswith(codecs.BOM_UTF8) else data
    for signatures, kind in _SIGNATURES:
        if start.startswith(signatures):
            return kind
    if _MARKUP.match(start[:200]):
        return "a web page or XML export (markup)"
    return None
