"""What every build pays before rendering, made cheaper without changing what it makes: the province map's
spec kept in the chart cache (no Altair import when every chart is cached), badge keys hashed as text."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator import league_pages
from generator.badges import BadgeFacts, facts_key
from generator.catalog import text_key
from generator.chart_structures import STRUCTURES


@pytest.fixture
def fresh_template(tmp_path: Path) -> Iterator[Path]:
    before = STRUCTURES.folder
    league_pages._map_spec_template.cache_clear()
    yield tmp_path
    STRUCTURES.folder = before
    league_pages._map_spec_template.cache_clear()


def test_the_map_spec_read_from_the_cache_is_the_one_altair_makes(fresh_template: Path) -> None:
    STRUCTURES.folder = None
    made = league_pages._map_spec_template()
    STRUCTURES.folder = fresh_template
    league_pages._map_spec_template.cache_clear()
    assert league_pages._map_spec_template() == made  # made, and written to the cache
    cached = list(fresh_template.glob("*.json"))
    assert len(cached) == 1 and '"url"' not in cached[0].read_text(encoding="utf-8")
    league_pages._map_spec_template.cache_clear()
    assert league_pages._map_spec_template() == made  # read back
    spec = json.loads(made)
    assert spec["data"] == {} and spec["mark"]["type"] == "geoshape"
    assert list(spec)[:3] == ["config", "data", "mark"]  # each page's data goes where Altair put it


def test_a_cached_map_spec_that_was_tampered_with_is_made_again(fresh_template: Path) -> None:
    STRUCTURES.folder = fresh_template
    made = league_pages._map_spec_template()
    cached = next(fresh_template.glob("*.json"))
    cached.write_text('{"data": {"url": "https://elsewhere.example/x.json"}}', encoding="utf-8")
    league_pages._map_spec_template.cache_clear()
    assert league_pages._map_spec_template() == made


def test_planning_the_pages_imports_no_altair() -> None:
    code = ("import sys, generator.build, generator.league_pages, generator.pages, generator.badges;"
            "print('altair' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_a_badge_key_changes_with_every_thing_the_badge_shows() -> None:
    facts = BadgeFacts("Dinas X", "A", "#1a7f37", "Sangat Baik · Indeks 4,21", "2024 · Program", "alt text")
    keys = {facts_key(facts)}
    for field, value in [("name", "Dinas Y"), ("grade", "B"), ("colour", "#000000"), ("result_line", "x"),
                         ("program_line", "y"), ("alt", "z"), ("width", 401), ("height", 73)]:
        changed = BadgeFacts(**{**facts.__dict__, field: value})
        keys.add(facts_key(changed))
    assert len(keys) == 9
    assert facts_key(facts) == facts_key(BadgeFacts(**facts.__dict__))
    # parts are told apart, not run together
    assert text_key("ab", "c") != text_key("a", "bc") and text_key(1) != text_key("1")
    with pytest.raises(TypeError):
        text_key(1.5)  # type: ignore[arg-type]
