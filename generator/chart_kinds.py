"""The year-level chart kinds and what a chart shows (its Selection). Pure and light: narrative checking
imports it without loading Altair."""

from __future__ import annotations

from dataclasses import dataclass

# The chart kinds a narrative block may name, with the parameters each takes besides `kind`.
KINDS: dict[str, tuple[str, ...]] = {
    "grade-distribution": ("year", "level", "type", "province"),
    "national-trend": ("year", "level", "type", "province"),
    "aspect-averages": ("year", "level", "type", "province"),
    "index-distribution": ("year", "level", "type", "province"),
}
# Kinds that show one group's averages: at most one of level, type and province.
ONE_GROUP = frozenset({"national-trend", "aspect-averages"})
YEAR_KINDS = ("grade-distribution", "national-trend", "aspect-averages", "index-distribution")
HOME_KINDS = ("national-trend", "grade-distribution")


@dataclass(frozen=True)
class Selection:
    """What a chart shows: a year and, optionally, a level, a unit type and a province (all must match)."""

    year: int
    level: str = ""
    type: str = ""
    province: str = ""

    def average_group(self) -> tuple[str, str]:
        """The group whose averages a trend or aspect chart shows: (group, key) as in SiteData.average."""
        for group in ("province", "level", "type"):
            if getattr(self, group):
                return group, str(getattr(self, group))
        return "all", ""
