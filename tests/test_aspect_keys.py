"""Aspects live in their own namespace: no aspect key can overwrite what Rapor computes, and the keys that
would be ambiguous in [columns] or the download's header row are refused with a located error."""

from __future__ import annotations

import csv
import io

import pytest
from bs4 import BeautifulSoup

from generator.config import RESULT_FIELDS
from generator.names import RESERVED_ASPECT_KEYS

from scratch_site import TmpSite

# Keys named like the model's own columns: each would have overwritten one of them.
INTERNAL = ("score", "rank", "grade_change", "move_level", "evaluated", "line", "path", "column", "aspects",
            "previous_year", "prev_index", "count_national", "prev_rank_national")


def aspects_config(keys: tuple[str, ...]) -> str:
    weight = 100 / len(keys)
    return "".join(f'[[scheme.aspects]]\nkey = "{k}"\nlabel_id = "Aspek {k}"\nlabel_en = "Aspect {k}"\n'
                   f"weight = {weight!r}\n" for k in keys)


def write_results(site: TmpSite, year: int, keys: tuple[str, ...], rows: list[tuple[str, list[float]]]) -> None:
    lines = [",".join(("unit_id", "index", *keys))]
    for unit_id, values in rows:
        index = sum(values) / len(values)
        lines.append(",".join((unit_id, f"{index:.2f}", *(f"{v:.2f}" for v in values))))
    site.write(f"data/results/{year}.csv", "\n".join(lines) + "\n")


def test_aspects_keyed_like_internal_columns_keep_their_own_values(tmp_site: TmpSite) -> None:
    """An aspect 'score' of 1.50 was shown as 3,35, the unit's rounded index, before."""
    keys = INTERNAL
    tmp_site.config(aspects_config(keys))
    first = [1.00, *([3.00] * (len(keys) - 1))]  # index 2.85 (37 / 13)
    second = [1.50, *([3.50] * (len(keys) - 1))]
    write_results(tmp_site, 2022, keys, [("11-dpmptsp", first), ("35-dpmptsp", second)])
    write_results(tmp_site, 2023, keys, [("11-dpmptsp", second), ("35-dpmptsp", first)])
    result = tmp_site.build()
    assert result.exit_code == 0, result.output
    out = tmp_site.root / "output"

    page = BeautifulSoup((out / "unit/11-dpmptsp/index.html").read_text(encoding="utf-8"), "html.parser")
    table = page.find("h2", id="aspects").find_next("table")
    shown = {row.th.get_text(strip=True): row.find("td").get_text(strip=True) for row in table.tbody.find_all("tr")}
    assert shown == {f"Aspek {k}": ("1,50" if k == "score" else "3,50") for k in keys}
    # The unit's own figures are still Rapor's: index, rank, change.
    figures = page.find("dl", class_="figures").get_text(" ", strip=True)
    assert "3,35" in figures and "1 dari 2" in figures and "+0,50" in figures

    ranking = BeautifulSoup((out / "2023/ranking/index.html").read_text(encoding="utf-8"), "html.parser")
    first_row = [td.get_text(strip=True) for td in ranking.find("table", class_="ranking").tbody.tr.find_all("td")]
    assert first_row[0] == "1" and first_row[-len(keys):] == ["1,50", *(["3,50"] * (len(keys) - 1))]

    year = (out / "2023/index.html").read_text(encoding="utf-8")
    assert "Aspek score" in year

    download = list(csv.reader(io.StringIO((out / "2023/rapor-2023.csv").read_text(encoding="utf-8"))))
    header, top = download[0], dict(zip(download[0], download[1], strict=True))
    assert header.count("score") == 1 and header.count("rank") == 1
    assert top["unit_id"] == "11-dpmptsp" and top["rank_national"] == "1"
    assert top["score"] == "1.50" and top["index"] == "3.35" and top["delta"] == "0.50"


@pytest.mark.parametrize("key", ["index", "grade", "year", "unit_id", "name", "rank_type", "Delta", "compared_year"])
def test_aspect_keys_rapor_uses_for_its_own_columns_are_refused(tmp_site: TmpSite, key: str) -> None:
    tmp_site.config(aspects_config(("kebijakan", key)))
    result = tmp_site.validate()
    assert result.exit_code == 2
    text = tmp_site.root.joinpath("rapor.toml").read_text(encoding="utf-8").splitlines()
    line = next(i for i, t in enumerate(text, 1) if t == f'key = "{key}"')
    assert f"rapor.toml:{line}:1: aspect key '{key}' is a name Rapor uses for its own column" in result.output
    assert f"hint: choose another key, e.g. '{key}_aspect'" in result.output
    assert "Traceback" not in result.output


def test_every_result_field_is_reserved() -> None:
    """[columns] maps Rapor's result fields and the aspect keys in one table: they may not share a name."""
    assert set(RESULT_FIELDS) <= RESERVED_ASPECT_KEYS
