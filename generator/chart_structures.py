"""The year charts' structures (marks, encodings, titles; charts._finish), kept on disk between builds.

Making a structure with Altair costs ~10 ms (far more under load) and a site has a few dozen, made again by
every build although they change only with the messages or the code. Each is kept in the project's
`.rapor-cache/charts/` as JSON, named by a SHA-256 hash of what decides it: the structure's key (its kind,
titles, colours and language), Rapor's and Altair's versions and the source of charts.py, which makes it.
A cached structure is only an input like the cached pictures (chart_svg.py): one that does not parse, or that
names an address to load data from, is made again; the page's JSON escapes whatever it holds.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

from . import __version__
from .chart_svg import write_atomic

Spec = dict[str, Any]


class StructureStore:
    def __init__(self) -> None:
        self.folder: Path | None = None  # set per build (chart_build.site_charts); None: made every time
        self._code: dict[str, str] = {}

    def _name(self, key: str, maker: str) -> str:
        code = self._code.get(maker)
        if code is None:
            source = (Path(__file__).with_name(maker)).read_bytes()
            code = self._code[maker] = f"{__version__}\n{version('altair')}\n{hashlib.sha256(source).hexdigest()}\n"
        return hashlib.sha256((code + key).encode("utf-8")).hexdigest() + ".json"

    def get(self, key: str, make: Callable[[], Spec], maker: str = "charts.py") -> Spec:
        """The structure made by `make` for `key`: from the cache folder if it is there. `maker`: the module
        (in this package) whose code makes it, part of the cached file's name."""
        if self.folder is None:
            return make()
        name = self._name(key, maker)
        try:
            text = (self.folder / name).read_text(encoding="utf-8")
            if '"url"' not in text:
                found = json.loads(text)
                # A damaged or edited file is no structure: made again (a Vega-Lite view has one of these).
                if isinstance(found, dict) and "$schema" in found and not VIEW_KEYS.isdisjoint(found):
                    return found
        except (OSError, ValueError):
            pass
        made = make()
        try:
            text = json.dumps(made, ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError):  # not plain JSON: made again next time
            return made
        write_atomic(self.folder, name, text.encode("utf-8"))
        return made


VIEW_KEYS = frozenset({"mark", "layer", "facet", "hconcat", "vconcat", "concat", "repeat"})
STRUCTURES = StructureStore()
