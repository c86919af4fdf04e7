"""Province boundaries: the project's TopoJSON read, checked against the province list, and projected once.

The map is drawn by Rapor itself (map_svg.py) so that it is a static SVG readable without JavaScript. Arcs are
decoded from the TopoJSON, projected with a plain equirectangular projection (Indonesia lies on the equator,
where it hardly distorts) fitted to the picture, and simplified per arc, so that provinces sharing a border
keep sharing it and the page stays light. Projection is cached per process by the file's bytes: two builds in
one process (tests, `rapor serve`) project once.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd

from .config import Config
from .csv_read import link_out_of_project
from .errors import NotUtf8, ProblemList, utf8_text

# The picture's width in SVG units; its height follows the map's shape. Coordinates are whole units, so a
# unit (~5 km) is the finest detail drawn, and points closer than TOLERANCE units to a simplified line go.
WIDTH = 1000
TOLERANCE = 0.9
# Islands smaller than this (in units across) are dropped, except a province's largest shape.
SMALLEST = 2.5

NO_MAP_HINT = 'or set data.province_map = "" in rapor.toml to build without a map'


@dataclass(frozen=True)
class Boundaries:
    """Each province's outline as SVG path data in a WIDTH x height picture, and the file it came from."""

    shown: str  # the file, as error messages name it
    topojson: bytes  # the file as read, published for the interactive map
    feature: str  # the TopoJSON object holding the provinces (Vega-Lite's `format.feature`)
    width: int
    height: int
    paths: dict[str, str]  # province code -> path data


def _located(text: str, needle: re.Pattern[str]) -> tuple[int, int]:
    """Line and column (1-based) of the first match of `needle` in `text`, else 1, 1."""
    found = needle.search(text)
    if found is None:
        return 1, 1
    before = text[:found.start()]
    line = before.count("\n") + 1
    return line, found.start() - (before.rfind("\n") + 1) + 1


def _code(geometry: dict[str, Any]) -> str | None:
    """A geometry's province code: its `id`, else the `kode` property; numbers are read as text (11, not 11.0)."""
    value = geometry.get("id")
    if value is None and isinstance(geometry.get("properties"), dict):
        value = geometry["properties"].get("kode")
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def load_boundaries(config: Config, provinces: pd.DataFrame, problems: ProblemList) -> Boundaries | None:
    """The boundaries named by data.province_map, checked: one shape per province of data.provinces and no
    other. None when the project has no map (the setting is "" or left at its default with no file) or the file
    cannot be used (reported)."""
    path = config.data.province_map
    if path is None or (config.data.province_map_optional and not path.exists()):
        return None
    shown = config.rel(path)
    refused = link_out_of_project(path, config.root)
    if refused is not None:
        problems.error(shown, 1, 1, *refused)
        return None
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.error(shown, 1, 1, f"cannot read the province map: {exc.strerror or exc}",
                       "check that data.province_map names a readable TopoJSON file, " + NO_MAP_HINT)
        return None
    try:
        text = utf8_text(raw)
        topology = json.loads(text)
    except NotUtf8 as bad:
        problems.error(shown, bad.line, bad.column, "the province map is not UTF-8 text",
                       "save it as UTF-8 TopoJSON, " + NO_MAP_HINT)
        return None
    except json.JSONDecodeError as exc:
        problems.error(shown, exc.lineno, exc.colno, f"the province map is not valid JSON: {exc.msg}",
                       "fix the file or take it again from data/reference, " + NO_MAP_HINT)
        return None
    found = _collection(topology)
    if found is None:
        problems.error(shown, 1, 1, "the province map is not a TopoJSON topology with one collection of "
                       "province shapes", "use a TopoJSON file such as data/reference/provinsi-38-kemendagri."
                       "topo.json, " + NO_MAP_HINT)
        return None
    feature, geometries = found
    known = dict(zip(provinces["code"], provinces["name"], strict=True))
    by_code: dict[str, dict[str, Any]] = {}
    before = len(problems.errors)
    for geometry in geometries:
        code = _code(geometry)
        if code is None:
            name = (geometry.get("properties") or {}).get("nama", "?")
            line, column = _located(text, re.compile(re.escape(json.dumps(str(name), ensure_ascii=False))))
            problems.error(shown, line, column, f"a shape of the province map ('{name}') has no province code",
                           "give each geometry an id that is its Kemendagri province code, " + NO_MAP_HINT)
            continue
        line, column = _located(text, re.compile(r'"id"\s*:\s*"?' + re.escape(code) + r'"?\s*[,}]'))
        if code in by_code:
            problems.error(shown, line, column, f"province code '{code}' has two shapes in the province map",
                           "keep one geometry per province (a MultiPolygon holds its islands)")
        elif known and code not in known:
            problems.error(shown, line, column, f"province code '{code}' of the province map is not in "
                           f"{config.rel(config.data.provinces)}",
                           "the map's geometry ids must be the codes of data.provinces, " + NO_MAP_HINT)
        by_code[code] = geometry
    for code, name in known.items():
        if code not in by_code:
            problems.error(shown, 1, 1, f"province '{name}' ({code}) of {config.rel(config.data.provinces)} has no "
                           "shape in the province map", f"add a geometry with id \"{code}\", " + NO_MAP_HINT)
    if len(problems.errors) > before:
        return None
    width, height, paths = project(raw, feature)
    return Boundaries(shown, raw, feature, width, height, paths)


def _collection(topology: Any) -> tuple[str, list[dict[str, Any]]] | None:
    """The object of a topology that holds the provinces: `provinsi` if present, else its only object."""
    if not isinstance(topology, dict) or topology.get("type") != "Topology":
        return None
    objects, arcs = topology.get("objects"), topology.get("arcs")
    if not isinstance(objects, dict) or not isinstance(arcs, list) or not objects:
        return None
    name = "provinsi" if "provinsi" in objects else next(iter(objects)) if len(objects) == 1 else None
    chosen = objects.get(name) if name is not None else None
    if not isinstance(chosen, dict) or chosen.get("type") != "GeometryCollection":
        return None
    geometries = chosen.get("geometries")
    if not isinstance(geometries, list) or not all(isinstance(g, dict) and _rings(g) is not None
                                                   for g in geometries):
        return None
    if not all(isinstance(i, int) and not isinstance(i, bool) and -len(arcs) <= i < len(arcs)
               for g in geometries for polygon in (_rings(g) or []) for ring in polygon for i in ring):
        return None
    transform = topology.get("transform")
    if transform is not None and not (isinstance(transform, dict) and _pair(transform.get("scale"))
                                      and _pair(transform.get("translate"))):
        return None
    if not all(isinstance(arc, list) and arc and all(_pair(p) for p in arc) for arc in arcs):
        return None
    return str(name), geometries


def _pair(value: Any) -> bool:
    """A position or a transform's scale or translate: at least two finite numbers."""
    return (isinstance(value, list) and len(value) >= 2
            and all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in value[:2]))


def _rings(geometry: dict[str, Any]) -> list[list[list[int]]] | None:
    """A geometry's polygons, each a list of rings of arc indexes; None if it is not a (Multi)Polygon."""
    kind, arcs = geometry.get("type"), geometry.get("arcs")
    if not isinstance(arcs, list):
        return None
    polygons = [arcs] if kind == "Polygon" else arcs if kind == "MultiPolygon" else None
    if polygons is None or not all(isinstance(p, list) and all(isinstance(r, list) for r in p) for p in polygons):
        return None
    return polygons


def _decode(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """Every arc as (longitude, latitude) points: quantized arcs are delta-encoded and scaled by `transform`."""
    transform = topology.get("transform")
    scale, translate = ((transform["scale"], transform["translate"]) if isinstance(transform, dict)
                        else ((1.0, 1.0), (0.0, 0.0)))
    decoded = []
    for arc in topology["arcs"]:
        points, x, y = [], 0.0, 0.0
        for position in arc:
            if transform is None:
                x, y = float(position[0]), float(position[1])
            else:
                x, y = x + position[0], y + position[1]
            points.append((x * scale[0] + translate[0], y * scale[1] + translate[1]))
        decoded.append(points)
    return decoded


def _simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Ramer-Douglas-Peucker, iterative; the end points stay (they are where arcs meet)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy)
        farthest, index = -1.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            distance = (abs(dy * (px - x1) - dx * (py - y1)) / length) if length else math.hypot(px - x1, py - y1)
            if distance > farthest:
                farthest, index = distance, i
        if farthest > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


@lru_cache(maxsize=4)
def project(raw: bytes, feature: str) -> tuple[int, int, dict[str, str]]:
    """Width, height and each province's SVG path data, from a checked TopoJSON file (cached per process)."""
    topology = json.loads(raw)
    arcs = _decode(topology)
    used = [(code, polygons) for g in topology["objects"][feature]["geometries"]
            if (code := _code(g)) is not None and (polygons := _rings(g)) is not None]
    points = [arcs[i if i >= 0 else ~i] for _, polygons in used for polygon in polygons for ring in polygon
              for i in ring]
    lons = [p[0] for arc in points for p in arc]
    lats = [p[1] for arc in points for p in arc]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    factor = WIDTH / max(east - west, 1e-9)
    height = math.ceil((north - south) * factor)
    projected = [_simplify([((lon - west) * factor, (north - lat) * factor) for lon, lat in arc], TOLERANCE)
                 for arc in arcs]
    paths = {}
    for code, polygons in sorted(used):
        rings = []
        for polygon in polygons:
            for ring in polygon:
                points_of_ring: list[tuple[int, int]] = []
                for i in ring:
                    arc = projected[i] if i >= 0 else projected[~i][::-1]
                    for x, y in arc[1:] if points_of_ring else arc:
                        point = (round(x), round(y))
                        if not points_of_ring or point != points_of_ring[-1]:
                            points_of_ring.append(point)
                if len(points_of_ring) >= 4:
                    rings.append(points_of_ring)
        rings.sort(key=_extent, reverse=True)
        kept = [ring for position, ring in enumerate(rings) if position == 0 or _extent(ring) >= SMALLEST]
        paths[code] = "".join(_path(ring) for ring in kept)
    return WIDTH, height, paths


def _extent(ring: list[tuple[int, int]]) -> int:
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    return max(max(xs) - min(xs), max(ys) - min(ys))


def _path(ring: list[tuple[int, int]]) -> str:
    """A closed ring as compact path data: an absolute start, then relative steps."""
    if ring[-1] == ring[0]:
        ring = ring[:-1]
    steps = " ".join(f"{x2 - x1} {y2 - y1}" for (x1, y1), (x2, y2) in itertools.pairwise(ring))
    return f"M{ring[0][0]} {ring[0][1]}l{steps}z".replace(" -", "-")
