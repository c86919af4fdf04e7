"""Page fingerprints hash each context value once per build (incremental.ValueDigests), by what it holds.

A fingerprint must change with any value a page shows, however deep (a row inside a ranking page's sections, a
regency page's unit rows, a finding inside a finding), and must not change with which objects are shared or
copied: a warm build keeps objects that a cold one makes anew.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

import generator.incremental as incremental
from generator.findings import Finding, Param
from generator.incremental import ValueDigests, page_fingerprint, row_digest
from generator.site_rows import SiteRow


def _row(unit: str, index: float, **extra: Any) -> SiteRow:
    return SiteRow({"unit_id": unit, "index": index, "grade": "B", "evaluated": True, **extra})


def _finding(diff: float, n: int = 3) -> Finding:
    inner = Finding("findings.change.up", {"diff": Param("diff", diff)})
    return Finding("findings.unit_rank.while_so", {"own": Param("message", inner), "n": Param("count", n)})


def _context() -> dict[str, Any]:
    rows = [_row("u1", 3.61), _row("u2", 3.5), _row("u3", 3.2)]
    return {
        "rows": rows,
        "latest": rows[0],
        "sections": [("provinsi", rows[:2]), ("kabupaten-kota", rows[2:])],
        "regency": [{"unit_id": "u1", "latest": rows[0], "years": [None, rows[0]]},
                    {"unit_id": "u2", "latest": None, "years": [None, None]}],
        "findings": [_finding(0.06), _finding(0.01, 5)],
        "comparison": [{"aspect": "sdm", "value": 3.1}],
        "links": {"national": "/2024/ranking/"},
        "years": [2023, 2024],
        "empty": [],
        "total": 3,
    }


def _fingerprint(context: dict[str, Any], digests: ValueDigests | None = None) -> str:
    return page_fingerprint("key", "p/index.html", "ranking.html", False, (context, None), digests)


def _copied(value: Any, change: str = "") -> Any:
    """A deep copy made of new objects, rows staying SiteRows (copy.deepcopy makes them plain dicts, as a
    worker process gets them); the rows of unit `change` get a corrected index."""
    if type(value) is SiteRow:
        fresh = SiteRow(value)
        if value["unit_id"] == change:
            fresh["index"] += 0.01
        return fresh
    if type(value) is list:
        return [_copied(item, change) for item in value]
    if type(value) is tuple:
        return tuple(_copied(item, change) for item in value)
    if type(value) is dict:
        return {key: _copied(item, change) for key, item in value.items()}
    return copy.deepcopy(value)


def test_equal_values_give_equal_fingerprints_whether_shared_or_copied() -> None:
    context = _context()
    assert _fingerprint(_copied(context)) == _fingerprint(context)
    shared = ValueDigests()
    first = _fingerprint(context, shared)
    assert _fingerprint(context, shared) == first == _fingerprint(context)


@pytest.mark.parametrize("unit", ["u1", "u2", "u3"])
def test_a_changed_row_anywhere_in_a_context_changes_the_fingerprint(unit: str) -> None:
    """u1 is in the rows, latest, a section and a regency entry's years; u2 in the rows and a section; u3 in
    the rows and the other section."""
    context = _context()
    assert _fingerprint(_copied(context, unit)) != _fingerprint(context)


def test_only_a_nested_row_changed_is_still_seen() -> None:
    context = _context()
    for key, changed in [
        ("sections", [("provinsi", [context["rows"][0], _row("u2", 3.51)]), ("kabupaten-kota", context["rows"][2:])]),
        ("regency", [context["regency"][0], {"unit_id": "u2", "latest": None, "years": [None, _row("u2", 3.5)]}]),
        ("findings", [_finding(0.06), _finding(0.02, 5)]),  # a finding inside a finding
        ("findings", [_finding(0.06), _finding(0.01, 6)]),
        ("comparison", [{"aspect": "sdm", "value": 3.2}]),
        ("years", [2023, 2025]),
        ("empty", [None]),
    ]:
        assert _fingerprint(context | {key: changed}) != _fingerprint(context), key


def test_a_value_shown_by_many_pages_is_hashed_once_per_build(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[object] = []
    real = incremental.stable_digest

    def counting(value: object) -> str:
        made.append(value)
        return real(value)

    monkeypatch.setattr(incremental, "stable_digest", counting)
    context = _context()
    digests = ValueDigests()
    _fingerprint(context, digests)
    first = len(made)
    _fingerprint(context, digests)
    _fingerprint(dict(context), digests)  # another page showing the same objects
    # Each further page hashes only its own tuple of digests: every list, dict and row digest is kept.
    assert len(made) == first + 2
    # A page with an equal copy hashes its values again, and gets the same fingerprint.
    assert _fingerprint(_copied(context), digests) == _fingerprint(context)
    assert len(made) > first + 3


def test_a_rows_digest_is_made_once_and_shared_with_the_downloads() -> None:
    row = _row("u1", 3.61, name="DPMPTSP Kota Malang")
    digest = row_digest(row)
    assert row_digest(row) is digest  # kept on the row
    assert row_digest(SiteRow(row)) == digest
    assert row_digest(_row("u1", 3.61, name="DPMPTSP Kota Malang ")) != digest
    row["index"] = 3.62  # a change forgets the kept digest
    assert row_digest(row) != digest
    # Names and values are told apart: the same values under other names differ.
    assert row_digest(SiteRow({"a": 1, "b": 2})) != row_digest(SiteRow({"b": 1, "a": 2}))
    assert row_digest(SiteRow({"a": 1})) != row_digest(SiteRow({"a": 1.0})) != row_digest(SiteRow({"a": True}))


def test_findings_are_hashed_by_their_parts() -> None:
    assert _finding(0.06).digest_parts() == _finding(0.06).digest_parts()
    assert _finding(0.06).digest_parts() != _finding(0.07).digest_parts()
    # Nested findings are plain parts too: no object is left for the pickle's slower path.
    parts = _finding(0.06).digest_parts()
    assert "Finding" not in repr(parts) and "Param" not in repr(parts)
