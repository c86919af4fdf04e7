"""Plain-language findings: what the figures of a unit, a province and a year say, as data. Pure.

A `Finding` names a message of the theme's i18n files (section `[findings.*]`) and the values that fill its
placeholders; the theme writes the sentence in the page's language and number format (findings_text.py). No
sentence is built here: which message is chosen is the only wording decided in Python.

Every number a finding compares or states is a published (rounded) figure the page shows, or the difference of
two such figures rounded by the site's one rule (rounding.py), so a sentence never contradicts a number on the
page; a difference that rounds to zero is "equal". Everything is computed once per build from SiteData, with
constant work per unit, province and year.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from .config import Config
from .names import aspect_column, level_type_key
from .rounding import round_float
from .sitedata import Row, SiteData

# How a value is written: a published figure ("score": 3,69), the size of a difference whose sign the wording
# carries ("diff"), a whole number ("count"), a year (no digit grouping), a list of years, a label looked up by
# key in the page's language (aspect, type, level; a grade letter or its predikat), a name shown as written, or
# another finding's sentence ("message").
Kind = Literal["score", "diff", "count", "year", "years", "aspect", "type", "level", "grade", "predikat", "name",
               "message"]


# Slotted: a large site holds hundreds of thousands of these until its pages are written, and each one
# without a __dict__ is one object less for the garbage collector to walk.
# Every page's fingerprint pickles its findings (incremental.py): __reduce__ pickles them as a constructor call,
# several times cheaper than the slotted dataclass's own __getstate__, which looks up the fields every time.
@dataclass(frozen=True, slots=True)
class Param:
    kind: Kind
    value: object

    def __reduce__(self) -> tuple[type[Param], tuple[Kind, object]]:
        return Param, (self.kind, self.value)


@dataclass(frozen=True, slots=True)
class Finding:
    key: str  # a message key, e.g. "findings.unit.first"
    params: dict[str, Param] = field(default_factory=dict)

    def __reduce__(self) -> tuple[type[Finding], tuple[str, dict[str, Param]]]:
        return Finding, (self.key, self.params)

    def digest_parts(self) -> tuple[str, str, list[tuple[str, Kind, object]]]:
        """What a page's fingerprint hashes it as (incremental.ValueDigests): plain values, several times
        faster to pickle than the objects."""
        return "\x00finding", self.key, [
            (name, param.kind, param.value.digest_parts() if type(param.value) is Finding else param.value)
            for name, param in self.params.items()]


@dataclass(frozen=True)
class Findings:
    units: dict[str, list[Finding]]  # unit id -> findings on its latest evaluated result
    provinces: dict[str, list[Finding]]  # province code -> findings on the latest year
    years: dict[int, list[Finding]]  # year -> findings on that year


def _sign(value: float) -> int:
    return (value > 0) - (value < 0)


def _direction(value: float) -> str:
    return ("same", "up", "down")[_sign(value)]


def _relation(value: float) -> str:
    return ("equal", "above", "below")[_sign(value)]


class _Rules:
    """The site's rounding, and findings built from rounded figures."""

    def __init__(self, config: Config, data: SiteData) -> None:
        self.config, self.data = config, data
        self.precision = config.scheme.precision
        self.aspect_keys = config.scheme.aspect_keys
        self.columns = {key: aspect_column(key) for key in self.aspect_keys}  # model column per aspect
        self._changes: dict[float, Finding] = {}
        self._peers: dict[str, Finding] = {}

    def peers(self, level: str, unit_type: str) -> Finding:
        """The average of a type at a level, as named in the aspects' findings (one per group)."""
        key = level_type_key(level, unit_type)
        if key not in self._peers:
            self._peers[key] = Finding("findings.peers.type_level", {"type": Param("type", unit_type),
                                                                     "level": Param("level", level)})
        return self._peers[key]

    def publish(self, value: float) -> float:
        """A value as the page shows it: rounded half away from zero as written (rounding.py)."""
        return round_float(value, self.precision)

    def round(self, value: float) -> float:
        """A sum or difference of published values, rid of binary noise (3.69 - 3.52 = 0.16999… -> 0.17).
        It lies within a few ulps of a whole number of steps, never near a half step, so Python's round is
        exact here (and far cheaper than the decimal rounding published values need)."""
        return round(value, self.precision) + 0.0  # + 0.0: -0.0 becomes 0.0

    def change(self, value: float) -> Finding:
        """A change as a clause: "naik 0,12" / "turun 0,12" / "tetap". Findings are never changed, so units
        with the same change share one."""
        clause = self._changes.get(value)
        if clause is None:
            direction = _direction(value)
            clause = self._changes[value] = Finding(f"findings.change.{direction}",
                                                    {} if direction == "same" else {"diff": diff(value)})
        return clause

    def national_mean(self, year: int) -> float | None:
        average = self.data.average(year, "all", "", "index")
        return None if average is None or average["mean"] is None else float(average["mean"])

    def rank_story(self, family: str, since: int, own: float, national: float, move: int) -> Finding:
        """Why a rank moved: the own change against the national average's change between the same years.

        The two clauses are joined by "but" when both moved the same way and the national average moved further
        (rose more, or fell more), by "while" otherwise, by "the same as" when the changes are equal; the rank
        clause by "so" when the rank moved the way the relative change points (up when the own change beat
        the national one, unchanged when they are equal), by "yet" when it did not.
        """
        relative = self.round(own - national)
        if relative == 0:
            link = "equal"
        elif _sign(own) == _sign(national) != 0 and abs(own) < abs(national):
            link = "contrast"
        else:
            link = "while"
        outcome = "so" if _sign(move) == _sign(relative) else "yet"
        params = {"year": Param("year", since), "own": Param("message", self.change(own)),
                  "rank": Param("message", rank_move(move))}
        if link != "equal":  # "the same as the national average" needs no second figure
            params["national"] = Param("message", self.change(national))
        return Finding(f"findings.{family}.{link}_{outcome}", params)

    def aspects_against(self, values: dict[str, float | None], averages: dict[str, Row | None],
                        peers: Finding) -> list[Finding]:
        """The aspects furthest above and below an average (`peers` names it), each difference taken between
        the published values; ties go to the aspect listed first in the scheme."""
        compared = []
        for key in self.aspect_keys:
            value, average = values.get(key), averages.get(key)
            if value is None or average is None or average["mean"] is None:
                continue
            shown, mean = self.publish(value), float(average["mean"])
            compared.append((key, shown, mean, self.round(shown - mean)))
        if not compared:
            return []
        named = Param("message", peers)
        best = max(compared, key=lambda c: c[3])  # max/min keep the first of equal differences
        worst = min(compared, key=lambda c: c[3])
        if best[3] == worst[3]:
            return [Finding(f"findings.aspects.even_{_relation(best[3])}",
                            {"peers": named} | ({"diff": diff(best[3])} if best[3] else {}))]

        def told(end: str, item: tuple[str, float, float, float]) -> Finding:
            key, shown, mean, difference = item
            params = {"peers": named, "aspect": Param("aspect", key), "value": Param("score", shown)}
            if difference:
                params |= {"diff": diff(difference), "average": Param("score", mean)}
            return Finding(f"findings.aspects.{end}_{_relation(difference)}", params)

        return [told("best", best), told("worst", worst)]


def diff(value: float) -> Param:
    return Param("diff", abs(value))


@lru_cache(maxsize=4096)
def rank_move(move: int) -> Finding:
    """A rank's movement as a clause: "naik 26" / "turun 1" / "tetap" (positive = up)."""
    if move == 0:
        return Finding("findings.move.same")
    direction = "up" if move > 0 else "down"
    if abs(move) == 1:
        return Finding(f"findings.move.{direction}_one")
    return Finding(f"findings.move.{direction}", {"n": Param("count", abs(move))})


def _counted(key: str, n: int, **params: Param) -> Finding:
    """A message about `n` units: its `_one` variant when n is 1 (English says "unit", not "units")."""
    return Finding(key + ("_one" if n == 1 else ""), {"n": Param("count", n)} | params)


def unit_findings(rules: _Rules, row: Row | None, unit: Row) -> list[Finding]:
    """Findings on a unit's latest evaluated result: a return after a gap, why its national rank moved (or
    that this is its first evaluation), a grade change, and its aspects against its peers (its type at its
    level, the same year)."""
    if row is None or not row["evaluated"]:
        return []
    data, year, out = rules.data, int(row["year"]), []
    compared = row["compared_year"]
    if row["returning"] and compared is not None:
        gap = tuple(y for y in data.years if int(compared) < y < year)
        out.append(Finding("findings.unit.returned", {"year": Param("year", year), "gap": Param("years", gap),
                                                      "last": Param("year", int(compared))}))
    if row["is_new"]:
        out.append(Finding("findings.unit.first", {"year": Param("year", year)}))
    if compared is not None:
        since = int(compared)
        now, then = rules.national_mean(year), rules.national_mean(since)
        if row["delta"] is not None and row["move_national"] is not None and now is not None and then is not None:
            out.append(rules.rank_story("unit_rank", since, float(row["delta"]), rules.round(now - then),
                                        int(row["move_national"])))
        if row["grade_change"] and row["prev_grade"] and row["grade"]:
            out.append(Finding(f"findings.unit.grade_{'up' if row['grade_change'] > 0 else 'down'}", {
                "year": Param("year", since),
                "old": Param("grade", row["prev_grade"]), "old_predikat": Param("predikat", row["prev_grade"]),
                "new": Param("grade", row["grade"]), "new_predikat": Param("predikat", row["grade"])}))
    # A unit alone in its type and level would only be compared with itself.
    if (row["count_type"] or 0) > 1:
        key = level_type_key(unit["level"], unit["type"])
        out += rules.aspects_against({k: row[c] for k, c in rules.columns.items()},
                                     {k: data.average(year, "level_type", key, c) for k, c in rules.columns.items()},
                                     rules.peers(unit["level"], unit["type"]))
    return out


def province_findings(rules: _Rules, code: str, history: list[Row]) -> list[Finding]:
    """Findings on a province in the latest year (what its page shows): its average against the national
    one, why its rank among provinces moved, and its aspects against the national averages."""
    data = rules.data
    year = data.years[-1]
    latest = history[-1] if history and int(history[-1]["year"]) == year else None
    national = rules.national_mean(year)
    if latest is None or national is None:
        return []
    mean = float(latest["mean"])
    difference = rules.round(mean - national)
    name = Param("name", data.province_names.get(code, code))
    params = {"province": name, "year": Param("year", year), "value": Param("score", mean)}
    if difference:
        params |= {"diff": diff(difference), "national": Param("score", national)}
    out = [Finding(f"findings.province.mean_{_relation(difference)}", params)]
    compared = latest["compared_year"]
    if compared is None:
        if len(data.years) > 1:
            out.append(Finding("findings.province.first", {"year": Param("year", year)}))
    else:
        before = next(r for r in history if r["year"] == compared)
        then = rules.national_mean(int(compared))
        if then is not None and latest["movement"] is not None:
            out.append(rules.rank_story("province_rank", int(compared), rules.round(mean - float(before["mean"])),
                                        rules.round(national - then), int(latest["movement"])))
    fields = {k: data.average(year, "province", code, c) for k, c in rules.columns.items()}
    values = {k: (None if a is None else a["mean"]) for k, a in fields.items()}
    out += rules.aspects_against(values, {k: data.average(year, "all", "", c) for k, c in rules.columns.items()},
                                 Finding("findings.peers.national"))
    return out


def year_findings(rules: _Rules, year: int, before: list[Row]) -> list[Finding]:
    """Findings on a year: the national average's change, how many units' grades rose or fell, the aspect whose
    national average changed most, and how many units were new, back after a gap, or no longer evaluated."""
    data = rules.data
    national = data.average(year, "all", "", "index")
    if national is None or national["delta"] is None:
        return []
    compared = int(national["compared_year"])
    change = rules.round(float(national["delta"]))
    params = {"value": Param("score", national["mean"]), "year": Param("year", compared)}
    if change:
        params |= {"diff": diff(change), "previous": Param("score", national["previous"])}
    out = [Finding(f"findings.year.average_{_direction(change)}", params)]
    rows = [r for r in data.rows_by_year[year] if r["evaluated"]]
    graded = [r for r in rows if r["grade_change"] is not None]
    if graded:
        up = sum(1 for r in graded if r["grade_change"] > 0)
        down = sum(1 for r in graded if r["grade_change"] < 0)
        out.append(Finding("findings.year.grades" + ("_one" if len(graded) == 1 else ""), {
            "total": Param("count", len(graded)), "up": Param("count", up), "down": Param("count", down),
            "same": Param("count", len(graded) - up - down)}))
    aspects = [(key, a) for key in rules.aspect_keys
               if (a := data.aspect_average(year, "all", "", key)) is not None and a["delta"] is not None]
    if aspects:
        key, largest = max(aspects, key=lambda item: abs(rules.round(float(item[1]["delta"]))))
        moved = rules.round(float(largest["delta"]))
        if moved:
            out.append(Finding(f"findings.year.aspect_{_direction(moved)}", {
                "aspect": Param("aspect", key), "diff": diff(moved), "value": Param("score", largest["mean"]),
                "year": Param("year", compared)}))
        else:
            out.append(Finding("findings.year.aspects_same", {"year": Param("year", compared)}))
    counts: list[tuple[str, Callable[[Row], bool]]] = [("findings.year.new", lambda r: bool(r["is_new"])),
                                                       ("findings.year.returned", lambda r: bool(r["returning"]))]
    for key, chosen in counts:
        n = sum(1 for r in rows if chosen(r))
        if n:
            out.append(_counted(key, n))
    evaluated_now = {r["unit_id"] for r in rows}
    gone = sum(1 for r in before if r["evaluated"] and r["unit_id"] not in evaluated_now)
    if gone:
        out.append(_counted("findings.year.gone", gone, year=Param("year", compared)))
    return out


def build_findings(config: Config, data: SiteData) -> Findings:
    """Every page's findings, once per build: constant work per unit and province, one pass per year."""
    rules = _Rules(config, data)
    units = {unit_id: unit_findings(rules, data.latest_row(unit_id), unit)
             for unit_id, unit in sorted(data.units.items())}
    ranks: dict[str, list[Row]] = {}
    for year in data.years:
        for row in data.provinces.get(year, []):
            ranks.setdefault(row["province"], []).append(row)
    codes = sorted({u["province"] for u in data.units.values() if u["province"]})
    provinces = {code: province_findings(rules, code, ranks.get(code, [])) for code in codes}
    years = {}
    for position, year in enumerate(data.years):
        before = data.rows_by_year[data.years[position - 1]] if position else []
        years[year] = year_findings(rules, year, before)
    return Findings(units, provinces, years)
