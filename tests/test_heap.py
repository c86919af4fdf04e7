"""A cold build keeps what its stages made out of the garbage collector's walks (heap.py) while it runs, and
gives everything back to the collector when it ends, failed or not; a warm session's build freezes nothing."""

from __future__ import annotations

import gc
from collections.abc import Iterable
from pathlib import Path

import pytest

from generator.build import build_site
from generator.errors import RaporError
from generator.heap import long_lived
from generator.pages import PagePlan
from generator.session import BuildSession

from scratch_site import TmpSite


class FreezeCounts:
    """A build's progress that notes how many objects were frozen when each stage started."""

    def __init__(self) -> None:
        self.frozen: dict[str, int] = {}

    def stage_started(self, name: str) -> None:
        self.frozen[name] = gc.get_freeze_count()

    def stage_done(self, name: str, seconds: float) -> None:
        pass

    def pages(self, plans: list[PagePlan]) -> Iterable[PagePlan]:
        return plans


def test_settle_freezes_until_the_context_ends_also_on_an_error() -> None:
    assert gc.get_freeze_count() == 0
    with long_lived(True) as settle:
        kept = [object() for _ in range(10)]  # noqa: F841 (alive when settled)
        settle()
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0
    with pytest.raises(ValueError), long_lived(True) as settle:
        settle()
        raise ValueError
    assert gc.get_freeze_count() == 0
    with long_lived(False) as settle:
        settle()
        assert gc.get_freeze_count() == 0


def test_a_cold_build_settles_each_stage_and_leaves_nothing_frozen(tmp_site: TmpSite, tmp_path: Path) -> None:
    counts = FreezeCounts()
    build_site(tmp_site.root, output=tmp_path / "out", progress=counts, force=True, jobs=1)
    assert counts.frozen["read and check"] == 0
    # Each stage starts with what the stages before it made frozen, more at each step.
    assert 0 < counts.frozen["model"] < counts.frozen["plan"] < counts.frozen["render and write"]
    assert gc.get_freeze_count() == 0


def test_a_failed_cold_build_leaves_nothing_frozen(tmp_site: TmpSite, tmp_path: Path) -> None:
    (tmp_site.root / "data" / "results" / "2023.csv").write_text("unit_id,index\n", encoding="utf-8")
    with pytest.raises(RaporError):
        build_site(tmp_site.root, output=tmp_path / "out", force=True, jobs=1)
    assert gc.get_freeze_count() == 0


def test_a_warm_session_build_freezes_nothing(tmp_site: TmpSite, tmp_path: Path) -> None:
    counts = FreezeCounts()
    build_site(tmp_site.root, output=tmp_path / "out", progress=counts, jobs=1, session=BuildSession())
    assert set(counts.frozen.values()) == {0}
