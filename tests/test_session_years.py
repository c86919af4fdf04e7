"""What a warm session keeps per year (site_rows.py: the site data's rows; the ranking tables' values are made
only for the pages rendered: table_tools.py) and the memo-free fingerprints (incremental.stable_digest): kept only
while their inputs are the same, and warm output always equal to a cold build's."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest
from test_incremental import edit
from test_session import cold, tree

from generator.build import build_site
from generator.incremental import ValueDigests, page_fingerprint, stable_digest
from generator.session import BuildSession
from generator.site_rows import SiteRow
from generator.table_tools import TableValues

from scratch_site import TmpSite

CELL_2023 = ("35.07-dpmptsp,," + "4.20," * 7 + "A-", "35.07-dpmptsp,," + "3.60," * 7 + "B")


def kept_rows(session: BuildSession) -> dict[int, list[SiteRow]]:
    return {year: rows for year, (_key, rows) in session.scratch("site rows")["years"].items()}


def same_objects(a: list[Any], b: list[Any]) -> bool:
    return len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))


def test_an_edit_in_one_year_then_another_keeps_only_the_untouched_years(tmp_site: TmpSite, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[tuple[int, str, str]] = []
    compute = TableValues.compute

    def counted(self: TableValues, year: int, scope: str, key: str, rows: list[Any]) -> dict[str, Any]:
        made.append((year, scope, key))
        return compute(self, year, scope, key, rows)

    monkeypatch.setattr(TableValues, "compute", counted)
    session = BuildSession()
    warm = tmp_path / "warm"
    build_site(tmp_site.root, output=warm, jobs=1, session=session)
    first = kept_rows(session)
    assert sorted(first) == [2022, 2023] and all(type(row) is SiteRow for row in first[2022])
    assert {year for year, _, _ in made} == {2022, 2023}

    # The latest year's cell: 2022's rows are last build's very objects; its ranking pages are not rendered,
    # so their table values are not made.
    made.clear()
    edit(tmp_site, "data/results/2023.csv", *CELL_2023)
    build_site(tmp_site.root, output=warm, jobs=1, session=session)
    second = kept_rows(session)
    assert same_objects(second[2022], first[2022]) and not same_objects(second[2023], first[2023])
    assert made and {year for year, _, _ in made} == {2023}
    assert tree(warm) == cold(tmp_site, tmp_path / "cold-2023")

    # The correction logged: the unit's pages show it, the rows (made from the results alone) stay.
    tmp_site.write("data/corrections.csv", "date,year,unit_id,field,old_value,new_value,reason_id,reason_en\n"
                   "2024-03-12,2023,35.07-dpmptsp,index,4.20,3.60,Salah ketik.,\n")
    build_site(tmp_site.root, output=warm, jobs=1, session=session)
    assert all(same_objects(kept_rows(session)[year], second[year]) for year in second)
    assert "Salah ketik." in (warm / "unit/35.07-dpmptsp/index.html").read_text(encoding="utf-8")
    assert tree(warm) == cold(tmp_site, tmp_path / "cold-log")

    # A cell of 2022: 2023's rows compare with 2022 (prev_index, delta, moves), so both years are made again.
    edit(tmp_site, "data/results/2022.csv", "35.07-dpmptsp,," + "3.40," * 7, "35.07-dpmptsp,," + "3.45," * 7)
    build_site(tmp_site.root, output=warm, jobs=1, session=session)
    third = kept_rows(session)
    assert not same_objects(third[2022], second[2022]) and not same_objects(third[2023], second[2023])
    assert tree(warm) == cold(tmp_site, tmp_path / "cold-2022")

    # A unit renamed: its name is in every year's rows, none is kept.
    edit(tmp_site, "data/units.csv", "DPMPTSP Kota Surabaya", "DPMPTSP Kota Surabaya Baru")
    build_site(tmp_site.root, output=warm, jobs=1, session=session)
    fourth = kept_rows(session)
    assert not any(same_objects(fourth[year], third[year]) for year in fourth)
    assert any(row["name"] == "DPMPTSP Kota Surabaya Baru" for row in fourth[2022])
    assert tree(warm) == cold(tmp_site, tmp_path / "cold-rename")

    # A template edit: the rows stay (the data did not change), every page shows the new template.
    tmp_site.write("themes/default/templates/ranking.html",
                   '{% extends "default/ranking.html" %}{% block main %}<p>Baru</p>{{ super() }}{% endblock %}')
    build_site(tmp_site.root, output=warm, jobs=1, session=session)
    assert all(same_objects(kept_rows(session)[year], fourth[year]) for year in fourth)
    assert "<p>Baru</p>" in (warm / "2023/ranking/index.html").read_text(encoding="utf-8")
    assert tree(warm) == cold(tmp_site, tmp_path / "cold-template")

    # A unit leaving with its results, then the change undone: each build equals a cold one.
    texts = {name: (tmp_site.root / name).read_text(encoding="utf-8")
             for name in ("data/units.csv", "data/results/2022.csv", "data/results/2023.csv")}
    for name, text in texts.items():
        tmp_site.write(name, "".join(line for line in text.splitlines(keepends=True)
                                     if not line.startswith("36.74-mpp,")))
    build_site(tmp_site.root, output=warm, jobs=1, session=session)
    assert not any(row["unit_id"] == "36.74-mpp" for rows in kept_rows(session).values() for row in rows)
    assert tree(warm) == cold(tmp_site, tmp_path / "cold-leaving")
    for name, text in texts.items():
        tmp_site.write(name, text)
    build_site(tmp_site.root, output=warm, jobs=1, session=session)
    assert tree(warm) == cold(tmp_site, tmp_path / "cold-back")


def test_a_site_row_forgets_its_digest_when_changed_and_travels_as_a_dict() -> None:
    row = SiteRow({"unit_id": "a", "index": 3.5, "aspects": [1.0, None]})
    before = stable_digest({"row": row})
    assert before == stable_digest({"row": SiteRow({"unit_id": "a", "index": 3.5, "aspects": [1.0, None]})})
    for change in (lambda r: r.__setitem__("index", 3.6), lambda r: r.update(index=3.7),
                   lambda r: r.pop("aspects"), lambda r: r.setdefault("new", 1), lambda r: r.__delitem__("unit_id"),
                   lambda r: r.__ior__({"grade": "B"}), lambda r: r.clear()):
        digest = stable_digest({"row": row})
        change(row)
        assert stable_digest({"row": row}) != digest
    assert stable_digest({"row": row}) != before
    copy = pickle.loads(pickle.dumps(SiteRow({"unit_id": "b"})))  # to a render worker: a plain dict
    assert type(copy) is dict and copy == {"unit_id": "b"}


def test_a_digest_depends_on_values_not_on_which_objects_are_shared() -> None:
    """A memo-free pickle: the same values give the same fingerprint however they are shared (a warm build
    keeps objects a cold one makes anew)."""
    name = "DPMPTSP " + "Kota Malang".lower()
    shared = {"a": name, "b": name, "rows": [[1, 2]] * 2}
    separate = {"a": "DPMPTSP kota malang", "b": "DPMPTSP " + "kota malang", "rows": [[1, 2], [1, 2]]}
    assert stable_digest(shared) == stable_digest(separate)
    assert stable_digest({"s": {"b", "a"}}) == stable_digest({"s": {"a", "b"}}) != stable_digest({"s": {"a"}})
    assert stable_digest(shared) != stable_digest(separate | {"b": "other"})


def test_a_list_of_rows_is_hashed_by_its_values_once_and_kept_only_while_its_rows_are() -> None:
    rows = [SiteRow({"unit_id": f"u{i}", "index": 3.0 + i / 100}) for i in range(3)]
    context = ({"rows": rows, "total": 3, "history": rows[:1]}, None)
    fresh = page_fingerprint("key", "p/index.html", "ranking.html", False, context)
    kept: dict[str, Any] = {}
    lists = ValueDigests(kept)
    assert page_fingerprint("key", "p/index.html", "ranking.html", False, context, lists) == fresh
    # The same rows in another list: the kept digest; equal rows that are other objects: the same fingerprint.
    assert page_fingerprint("key", "p/index.html", "ranking.html", False,
                            ({"rows": list(rows), "total": 3, "history": rows[:1]}, None), lists) == fresh
    copies = [SiteRow(row) for row in rows]
    assert page_fingerprint("key", "p/index.html", "ranking.html", False,
                            ({"rows": copies, "total": 3, "history": copies[:1]}, None)) == fresh
    # The next build's lists start from this build's; a changed row changes the fingerprint.
    following = ValueDigests(kept)
    assert (tuple(map(id, rows)) in following.last) and not following.now
    changed = [*rows[:2], SiteRow(rows[2] | {"index": 9.0})]
    assert page_fingerprint("key", "p/index.html", "ranking.html", False,
                            ({"rows": changed, "total": 3, "history": rows[:1]}, None), following) != fresh
    # A list of rows is hashed as its digest, not as the rows written one by one: still told from other values.
    assert page_fingerprint("key", "p/index.html", "ranking.html", False,
                            ({"rows": [], "total": 3, "history": rows[:1]}, None)) != fresh
