"""Static chart pictures: Vega-Lite specs drawn to SVG by vl-convert, cached, and made safe to put in a page.

vl-convert costs ~12 ms a chart (far more under load) and its first call ~0.5 s, so only the few year-level
charts are drawn with it, and each picture is cached by a hash of what decides it (spec, number format,
vl-convert's version): in memory for one build and on disk in the project's `.rapor-cache/charts/`, so a
rebuild does not draw an unchanged chart again. A cached file is only an input: it goes through the same
sanitizing as a fresh picture (an allow-list of SVG elements and attributes, every text escaped, no link out
of the picture), so a tampered cache cannot put markup in a page.

vl-convert is imported only when a picture has to be drawn. If charts are ever drawn in a process pool, it
must use the `spawn` context: vl-convert's runtime does not survive a fork.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import tempfile
import time
from dataclasses import dataclass, field
from html import escape
from importlib.metadata import version
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from markupsafe import Markup

CACHE_FOLDER = Path(".rapor-cache") / "charts"
HEX_NAME = re.compile(r"[0-9a-f]{64}")
# Pictures and the script bundle already made in this process, by hash: builds in one process (tests, a
# watching server) share them, whichever project they belong to, since the hash covers all they depend on.
_MEMORY: dict[str, str] = {}
_BUNDLES: dict[str, bytes] = {}
# What a chart picture may hold: the elements and attributes vl-convert's SVG renderer writes, nothing that
# runs, loads or links (no script, foreignObject, image, a, use, style, on* attributes or href).
ELEMENTS = frozenset({"svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text",
                      "tspan", "defs", "clipPath", "linearGradient", "radialGradient", "stop", "title", "desc"})
ATTRIBUTES = frozenset({
    "width", "height", "viewBox", "x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "rx", "ry", "d", "points",
    "transform", "fill", "fill-opacity", "stroke", "stroke-width", "stroke-opacity", "stroke-dasharray",
    "stroke-dashoffset", "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "opacity", "font-family",
    "font-size", "font-weight", "font-style", "font-variant", "text-anchor", "dominant-baseline", "dx", "dy",
    "letter-spacing", "display", "visibility", "clip-path", "clip-rule", "fill-rule", "offset", "stop-color",
    "stop-opacity", "gradientUnits", "gradientTransform", "clipPathUnits", "pointer-events", "shape-rendering",
    "id", "class", "preserveAspectRatio",
})
# Attribute values may point only inside the picture: url(#id); anything else naming an address is dropped.
REFERENCE = re.compile(r"url\(\s*#([A-Za-z][\w.-]*)\s*\)")
LOADS = re.compile(r"url\(|:\s*//|javascript:|data:", re.IGNORECASE)


@functools.cache
def vl_convert_version() -> str:
    return version("vl-convert-python")


@dataclass
class ChartDrawer:
    """Draws specs to SVG through the caches; counts what it did, for the benchmark and the tests."""

    folder: Path | None  # the disk cache (<project>/.rapor-cache/charts), None for memory only
    memory: dict[str, str] = field(default_factory=lambda: _MEMORY)
    drawn: int = 0  # pictures vl-convert drew
    from_disk: int = 0
    seconds: float = 0.0  # time spent drawing and reading the cache

    def svg(self, spec: dict[str, Any], format_locale: dict[str, Any]) -> str:
        """The picture of `spec` as vl-convert draws it (not yet safe: see `inline_svg`)."""
        key = chart_key(spec, format_locale)
        found = self.memory.get(key)
        if found is not None:
            return found
        started = time.perf_counter()
        found = self._read(key)
        if found is None:
            import vl_convert

            found = vl_convert.vegalite_to_svg(spec, format_locale=format_locale, allowed_base_urls=[])
            self.drawn += 1
            self._write(key, found)
        else:
            self.from_disk += 1
        self.seconds += time.perf_counter() - started
        self.memory[key] = found
        return found

    def _read(self, key: str) -> str | None:
        if self.folder is None:
            return None
        try:
            text = (self.folder / f"{key}.svg").read_text(encoding="utf-8")
            inline_svg(text, "cached")  # a damaged or edited picture that cannot be made safe is drawn again
        except (OSError, UnicodeDecodeError, ValueError, ElementTree.ParseError):
            return None
        return text

    def _write(self, key: str, text: str) -> None:
        if self.folder is not None:
            write_atomic(self.folder, f"{key}.svg", text.encode("utf-8"))


def chart_key(spec: dict[str, Any], format_locale: dict[str, Any]) -> str:
    """sha256 of everything that decides a picture: a file name of hex digits only, whatever the data holds."""
    text = json.dumps({"spec": spec, "locale": format_locale, "vl-convert": vl_convert_version()},
                      sort_keys=True, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def write_atomic(folder: Path, name: str, content: bytes) -> None:
    """Write folder/name through a temporary file and a rename, so a reader never sees half a file. A cache that
    cannot be written (a read-only project) only means the next build draws again."""
    assert HEX_NAME.fullmatch(name.split(".")[0]), name
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".part")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(content)
            os.replace(temporary, folder / name)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:
        pass


# Kept for the next builds of a `rapor serve` session too: a year's charts are drawn again after each edit, most of
# them the very same pictures (the drawer's cache gives the same SVG text), which need not be re-written again.
@functools.lru_cache(maxsize=256)
def inline_svg(svg: str, id_prefix: str) -> Markup:
    """vl-convert's SVG as markup safe inside an HTML page: re-written from the parsed tree through the
    allow-list above, every text and value escaped, the XML prolog and namespaces dropped, ids prefixed with
    `id_prefix` (unique per page: the figure's key) and the picture hidden from assistive technology, since
    the figure's `role="img"` box carries its name."""
    if "<!DOCTYPE" in svg.upper() or "<!ENTITY" in svg.upper():
        raise ValueError("a chart picture may not declare entities")
    root = ElementTree.fromstring(re.sub(r"^\s*<\?xml[^>]*\?>", "", svg))
    if _local(root.tag) != "svg":
        raise ValueError("a chart picture must be an <svg> element")
    out: list[str] = []
    _write(root, out, id_prefix, is_root=True)
    return Markup("".join(out))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _write(element: ElementTree.Element, out: list[str], prefix: str, is_root: bool = False) -> None:
    tag = _local(element.tag)
    if tag not in ELEMENTS:
        return
    attributes = []
    for raw_name, value in sorted(element.attrib.items()) if is_root else element.attrib.items():
        name = _local(raw_name)
        if name not in ATTRIBUTES or (is_root and name in ("x", "y")):
            continue
        if name == "id":
            value = f"{prefix}-{value}"
        elif "url(" in value:
            value = REFERENCE.sub(lambda m: f"url(#{prefix}-{m.group(1)})", value)
        if LOADS.search(REFERENCE.sub("", value)):
            continue
        attributes.append(f' {name}="{escape(value, quote=True)}"')
    if is_root:
        attributes.append(' aria-hidden="true"')
    out.append(f"<{tag}{''.join(attributes)}>")
    if element.text and tag in ("text", "tspan", "title", "desc"):
        out.append(escape(element.text, quote=False))
    for child in element:
        _write(child, out, prefix)
        if child.tail and tag in ("text", "tspan"):
            out.append(escape(child.tail, quote=False))
    out.append(f"</{tag}>")


BUNDLE_PATH = "static/vendor/vega-embed.js"


def vega_bundle(folder: Path | None) -> bytes:
    """Vega, Vega-Lite and vega-embed in one classic script (they set window.vegaEmbed), from the vl-convert
    package: the site never loads them from another host. Building the bundle takes seconds, so it is cached
    by vl-convert's version like the pictures."""
    name = hashlib.sha256(f"bundle:{vl_convert_version()}".encode("ascii")).hexdigest()
    if name in _BUNDLES:
        return _BUNDLES[name]
    if folder is not None:
        try:
            _BUNDLES[name] = (folder / f"{name}.js").read_bytes()
            return _BUNDLES[name]
        except OSError:
            pass
    import vl_convert

    header = (f"/* Vega {vl_convert.get_vega_version()}, Vega-Lite and vega-embed {vl_convert.get_vega_embed_version()}"
              " (BSD-3-Clause licences, https://vega.github.io), bundled by vl-convert "
              f"{vl_convert_version()} for this site. */\n")
    bundle = vl_convert.javascript_bundle()  # type: ignore[call-arg]  # the snippet is optional
    content = (header + bundle).encode("utf-8")
    if folder is not None:
        write_atomic(folder, f"{name}.js", content)
    _BUNDLES[name] = content
    return content
