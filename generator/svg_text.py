"""Text in SVG pictures drawn without a font at hand: escaped, measured from known metrics, fitted to its box.

Widths come from Liberation Sans (metric-compatible with Arial and Helvetica, the first fonts the pictures
ask for). Every text element carries its measured width as `textLength`: a reader whose fallback font is wider
or narrower sees the text squeezed or stretched to the same box, never spilling out of it.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from xml.sax.saxutils import escape

FONT_FAMILY = "'Liberation Sans', Arial, Helvetica, 'DejaVu Sans', sans-serif"

# Advance widths in thousandths of an em for the printable ASCII characters (32–126), from Liberation Sans.
_REGULAR = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556,
    556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667,
    556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556,
    556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722,
    500, 500, 500, 334, 260, 334, 584,
)
_BOLD = (
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556,
    556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722,
    611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, 333, 556,
    611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778,
    556, 556, 500, 389, 280, 389, 584,
)
_OTHER = {"…": 1000, "–": 556, "—": 1000, "·": 278, "±": 584, "−": 584, "▲": 1000, "▼": 1000}
# Characters XML 1.0 cannot hold at all: a picture with one would not parse.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _char_width(char: str, table: tuple[int, ...]) -> int:
    code = ord(char)
    if 32 <= code <= 126:
        return table[code - 32]
    if char in _OTHER:
        return _OTHER[char]
    base = unicodedata.normalize("NFD", char)[0]  # é is as wide as e
    if 32 <= ord(base) <= 126:
        return table[ord(base) - 32]
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1000
    return 0 if unicodedata.combining(char) else 600


# Widths by character, filled as characters are met: a site's names use a few hundred characters at most.
_WIDTHS: dict[bool, dict[str, int]] = {False: {}, True: {}}


def _widths(text: str, bold: bool) -> list[int]:
    known = _WIDTHS[bold]
    table = _BOLD if bold else _REGULAR
    out = []
    for char in text:
        width = known.get(char)
        if width is None:
            width = known[char] = _char_width(char, table)
        out.append(width)
    return out


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width `text` takes at `size` px in Liberation Sans (or Arial)."""
    return sum(_widths(text, bold)) * size / 1000


def clip(text: str, size: float, width: float, bold: bool = False) -> str:
    """`text` cut at a word (or a character) with '…' so that it fits `width`; unchanged when it fits."""
    widths = _widths(text, bold)
    if sum(widths) * size / 1000 <= width:
        return text
    room = width * 1000 / size - _widths("…", bold)[0]
    used = kept = 0
    for char_width in widths:
        if used + char_width > room:
            break
        used += char_width
        kept += 1
    cut = text[:kept]
    word_end = cut.rfind(" ")
    if word_end > kept * 2 // 3:  # cut at a word when that loses little
        cut = cut[:word_end]
    return cut.rstrip(" ,·–-") + "…"


def xml_text(text: str) -> str:
    """`text` escaped for an XML element or an attribute in either quotes; characters XML cannot hold dropped."""
    return escape(_NOT_XML.sub("", text), {'"': "&quot;", "'": "&#x27;"})


def text_element(x: float, y: float, text: str, size: float, fill: str, bold: bool = False,
                 anchor: str = "start", width: float | None = None, squeeze: float = 0.85) -> str:
    """A <text> that fits `width` and keeps its measured length in any font: a text up to 1/`squeeze` times
    too long is narrowed to fit, a longer one is also cut with '…'."""
    text = _NOT_XML.sub("", text)
    length = text_width(text, size, bold)
    if width is not None and length > width:
        text = clip(text, size, width / squeeze, bold)
        length = min(text_width(text, size, bold), width)
    weight = ' font-weight="700"' if bold else ""
    return (f'<text x="{x:g}" y="{y:g}" font-size="{size:g}"{weight} fill="{fill}" text-anchor="{anchor}" '
            f'textLength="{length:.1f}" lengthAdjust="spacingAndGlyphs">{xml_text(text)}</text>')


def _luminance(colour: str) -> float:
    digits = colour.lstrip("#")
    if len(digits) in (3, 4):
        digits = "".join(c * 2 for c in digits[:3])
    channels = [int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two hex colours (1 to 21)."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@functools.lru_cache(maxsize=256)  # one answer per grade colour, asked for every badge
def text_on(background: str) -> str:
    """White or near-black text, whichever reads better on `background` (a grade's configured colour)."""
    return "#ffffff" if contrast(background, "#ffffff") >= contrast(background, "#111111") else "#111111"


def wrap(text: str, size: float, width: float, bold: bool = False, lines: int = 2) -> list[str]:
    """`text` broken at spaces into at most `lines` lines of `width`, the last one cut with '…' if need be."""
    out: list[str] = []
    words = text.split()
    while words and len(out) < lines - 1:
        line = words.pop(0)
        while words and text_width(f"{line} {words[0]}", size, bold) <= width:
            line += " " + words.pop(0)
        out.append(line)
    if words:
        out.append(clip(" ".join(words), size, width, bold))
    return out
