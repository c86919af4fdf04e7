"""What narrative HTML may hold: an allow-list of elements, attributes, attribute values, CSS and addresses. Pure.

Narrative is written by the publishing team, but the site promises readers that it runs no script, works the
same with JavaScript off and makes no request to another host. So narrative may hold only what Markdown makes
(and a few harmless text elements); anything else is refused, not stripped, so the page says what its author
wrote. Each check answers with a refusal (message and hint) or None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Attributes every allowed element may carry; `style` is checked against STYLE_PROPERTIES below.
GLOBAL_ATTRIBUTES = frozenset({"id", "class", "title", "lang", "dir", "style"})
# Element -> the attributes it may carry besides the global ones. Nothing from SVG or MathML, no forms, no
# embedded documents, no scripts or styles: only text structure, tables, links and local images.
ALLOWED_ELEMENTS: dict[str, frozenset[str]] = {
    **{tag: frozenset() for tag in (
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "blockquote", "pre", "code", "kbd", "samp", "var", "em",
        "strong", "b", "i", "u", "s", "del", "ins", "mark", "small", "sup", "sub", "abbr", "dfn", "q", "cite",
        "hr", "br", "wbr", "span", "div", "section", "article", "aside", "figure", "figcaption", "dl", "dt", "dd",
        "summary", "table", "caption", "thead", "tbody", "tfoot", "tr", "ruby", "rt", "rp", "bdi")},
    "a": frozenset({"href"}),
    "img": frozenset({"src", "alt", "width", "height", "srcset", "loading"}),
    "ol": frozenset({"start", "reversed", "type"}),
    "li": frozenset({"value"}),
    "th": frozenset({"colspan", "rowspan", "scope", "abbr"}),
    "td": frozenset({"colspan", "rowspan"}),
    "colgroup": frozenset({"span"}),
    "col": frozenset({"span"}),
    "details": frozenset({"open"}),
    "time": frozenset({"datetime"}),
}
VOID_ELEMENTS = frozenset({"br", "hr", "img", "wbr", "col"})

_WHOLE_NUMBER = re.compile(r"\d{1,5}")
ATTRIBUTE_VALUES: dict[str, tuple[re.Pattern[str], str]] = {
    "width": (_WHOLE_NUMBER, "a whole number of pixels, e.g. 320"),
    "height": (_WHOLE_NUMBER, "a whole number of pixels, e.g. 240"),
    "colspan": (_WHOLE_NUMBER, "a whole number, e.g. 2"),
    "rowspan": (_WHOLE_NUMBER, "a whole number, e.g. 2"),
    "span": (_WHOLE_NUMBER, "a whole number, e.g. 2"),
    "start": (re.compile(r"-?\d{1,9}"), "a whole number, e.g. 3"),
    "value": (re.compile(r"-?\d{1,9}"), "a whole number, e.g. 3"),
    "dir": (re.compile(r"ltr|rtl|auto"), "ltr, rtl or auto"),
    "lang": (re.compile(r"[a-z]{2,3}(-[a-z0-9]{1,8})*", re.IGNORECASE), "a language code, e.g. id or en"),
    "loading": (re.compile(r"lazy|eager"), "lazy or eager"),
    "type": (re.compile(r"[1aAiI]"), "1, a, A, i or I"),
    "scope": (re.compile(r"row|col|rowgroup|colgroup"), "row, col, rowgroup or colgroup"),
    "reversed": (re.compile(r"(reversed)?"), "no value: write just reversed"),
    "open": (re.compile(r"(open)?"), "no value: write just open"),
    "id": (re.compile(r"[^\s]{1,200}"), "one word without spaces"),
}

_COLOUR = (r"#[0-9a-f]{3,4}|#[0-9a-f]{6}|#[0-9a-f]{8}|[a-z]{3,20}"
           r"|(rgb|rgba|hsl|hsla)\(\s*[0-9.]+(%|deg)?(\s*[,/\s]\s*[0-9.]+%?){2,3}\s*\)")
_LENGTH = r"0|auto|[0-9]{1,4}(\.[0-9]{1,3})?(px|em|rem|%|ch|ex)"
STYLE_PROPERTIES: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern) for name, pattern in {
        "text-align": r"left|right|center|justify|start|end",
        "vertical-align": r"top|middle|bottom|baseline|sub|super|text-top|text-bottom",
        "color": _COLOUR,
        "background-color": _COLOUR,
        "font-weight": r"normal|bold|bolder|lighter|[1-9]00",
        "font-style": r"normal|italic|oblique",
        "text-decoration": r"none|underline|line-through|overline",
        "white-space": r"normal|nowrap|pre|pre-wrap|pre-line",
        "width": _LENGTH,
        "min-width": _LENGTH,
        "max-width": _LENGTH,
    }.items()}
# CSS that fetches a file; refused whatever the property, with the hint that says where files go.
STYLE_LOADS = re.compile(r"url\s*\(|image-set|image\s*\(|cross-fade|element\s*\(|@import|expression\s*\(|\\|/\*",
                         re.IGNORECASE)

LINK_SCHEMES = ("http", "https", "mailto", "tel")
SCRIPT_SCHEMES = ("javascript", "vbscript")
# Pictures that may be written inline: they load nothing and cannot hold a script (unlike SVG).
INLINE_PICTURE = re.compile(r"data:image/(png|jpeg|gif|webp|avif)[;,]", re.IGNORECASE)

TAG_HINT = ("narrative is text, tables, images and links: the site runs no script and loads nothing from "
            "elsewhere; put files in the theme's static/ folder")
LOAD_HINT = ("readers' browsers must load nothing from other sites; copy the file into the theme's static/ "
             "folder and link to it relatively, or link to it with [text](address) instead")
STYLE_HINT = "a style may set only " + ", ".join(STYLE_PROPERTIES) + ", e.g. style=\"color: #a11d2c\""


@dataclass(frozen=True)
class Refusal:
    message: str
    hint: str
    at: str = ""  # the part of the attribute's value it is about, when that is not the whole value


def attribute_hint(tag: str) -> str:
    own = sorted(ALLOWED_ELEMENTS[tag])
    return f"<{tag}> may carry " + ", ".join([*own, *sorted(GLOBAL_ATTRIBUTES)])


def check_attribute_value(tag: str, name: str, value: str, page_depth: int) -> list[Refusal]:
    """Why the allowed attribute `name` may not have `value` on `tag`: every reason (a srcset's or a style's
    parts each), or none."""
    if name == "style":
        return check_style(value)
    if name == "href":
        return _listed(check_link(value, page_depth))
    if name == "src":
        return _listed(check_picture(value, page_depth))
    if name == "srcset":
        refusals = []
        for candidate in value.split(","):
            url = candidate.strip().split(" ")[0]
            refusal = check_picture(url, page_depth)
            if refusal is not None:
                refusals.append(Refusal(refusal.message, refusal.hint, url))
        return refusals
    rule = ATTRIBUTE_VALUES.get(name)
    if rule is not None and not rule[0].fullmatch(value.strip() if name != "id" else value):
        return [Refusal(f"the '{name}' attribute of <{tag}> may not be '{_short(value)}'", f"write {rule[1]}")]
    return []


def _listed(refusal: Refusal | None) -> list[Refusal]:
    return [] if refusal is None else [refusal]


def check_style(value: str) -> list[Refusal]:
    if STYLE_LOADS.search(value):
        return [Refusal("a style that loads a file is not allowed in narrative", LOAD_HINT)]
    refusals = []
    for declaration in value.split(";"):
        if not declaration.strip():
            continue
        name, colon, setting = declaration.partition(":")
        name, setting = name.strip().lower(), setting.strip().lower()
        pattern = STYLE_PROPERTIES.get(name)
        if not colon or pattern is None:
            refusals.append(Refusal(f"the style property '{_short(name)}' is not allowed in narrative", STYLE_HINT))
        elif not pattern.fullmatch(setting):
            refusals.append(Refusal(f"the style value '{_short(setting)}' is not allowed for '{name}'", STYLE_HINT))
    return refusals


def browser_url(value: str) -> str:
    """The address as a browser reads it: outer spaces and control characters dropped, tabs and newlines removed."""
    return re.sub(r"[\t\n\r]", "", value.strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f\x10\x11"
                                                 "\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f "))


def scheme_of(url: str) -> str:
    found = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", url)
    return found.group(1).lower() if found else ""


def check_link(value: str, page_depth: int) -> Refusal | None:
    url = browser_url(value)
    scheme = scheme_of(url)
    if scheme in SCRIPT_SCHEMES:
        return Refusal("a link that runs a script is not allowed in narrative", TAG_HINT)
    if scheme == "unit" or scheme in LINK_SCHEMES:
        return None  # a unit link is resolved, or reported as an unknown unit, by the conversion
    if scheme:
        return Refusal(f"a link may not use '{scheme}:' addresses in narrative",
                       "link with " + ", ".join(f"{s}:" for s in LINK_SCHEMES) + " or a path relative to the page")
    return _check_relative(url, page_depth, "link")


def check_picture(value: str, page_depth: int) -> Refusal | None:
    url = browser_url(value)
    if INLINE_PICTURE.match(url):
        return None
    if scheme_of(url) or url.startswith(("//", "\\\\", "/\\", "\\/")):
        return Refusal(f"narrative loads '{_short(value)}' from outside the site", LOAD_HINT)
    return _check_relative(url, page_depth, "image")


def _check_relative(url: str, page_depth: int, what: str) -> Refusal | None:
    """A path relative to the page must stay inside the site: no root-relative path, no climbing above the root."""
    path = re.split(r"[?#]", url, maxsplit=1)[0].replace("\\", "/")
    if path.startswith("/"):
        return Refusal(f"the {what} '{_short(url)}' starts at the server's root",
                       "write the path relative to this page (e.g. ../static/foto.png): the site may be served "
                       "under a sub-path")
    level = page_depth
    for segment in path.split("/"):
        # Browsers read %2e as a dot in a path segment.
        plain = re.sub("%2e", ".", segment, flags=re.IGNORECASE)
        if plain == "..":
            level -= 1
            if level < 0:
                return Refusal(f"the {what} '{_short(url)}' climbs out of the site",
                               f"this page is {page_depth} folder(s) below the site's root, so at most "
                               f"{page_depth} '../' may lead back to it")
        elif plain not in ("", "."):
            level += 1
    return None


def _short(text: str) -> str:
    """`text` cut to fit in a message; its control characters are escaped when the message is printed."""
    return text if len(text) <= 80 else text[:77] + "..."
