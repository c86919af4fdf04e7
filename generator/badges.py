"""Embeddable badges: one small SVG per unit and language, light and dark, showing its latest result.

A badge is a fixed 400 × 72 box (an embedding page can reserve its space): the grade in its colour, the unit's
name, the predikat and index, the year and program. Every text is XML-escaped and fitted to its box whatever
font the reader has (svg_text.py); the grade's text is white or black, whichever contrasts more with its colour.
A badge costs a few string joins: the sample's 1,700 units (20,000 in the stress data) stay cheap.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .catalog import FileCatalog, Item, text_key
from .config import Config
from .i18n import Locale
from .sitedata import SiteData
from .svg_text import FONT_FAMILY, text_element, text_on, xml_text
from .urls import SiteUrls

WIDTH = 400
HEIGHT = 72
GRADE_BOX = 72
PAD = 12
# Colours for the badge's own text: each pair reads at over 7:1 (WCAG AAA) on its background.
PALETTES = {
    False: {"background": "#ffffff", "border": "#8c8c8c", "text": "#1a1a1a", "muted": "#4d4d4d"},
    True: {"background": "#1b1e22", "border": "#5c636b", "text": "#f2f2f2", "muted": "#c4c8cc"},
}


@dataclass(frozen=True)
class BadgeFacts:
    name: str
    grade: str
    colour: str
    result_line: str  # "Sangat Baik · Indeks 4,21"
    program_line: str  # "2024 · Evaluasi Pelayanan Publik"
    alt: str  # the whole badge in one sentence: the image's accessible name
    width: int = WIDTH
    height: int = HEIGHT


def badge_facts(config: Config, locale: Locale, unit: dict[str, Any], latest: dict[str, Any] | None
                ) -> BadgeFacts | None:
    """What a unit's badge shows, in `locale`'s language; None when the unit has no evaluated result."""
    if latest is None or not latest["evaluated"] or not latest["grade"]:
        return None
    lang = locale.lang
    band = next((g for g in config.scheme.grades if g.letter == latest["grade"]), None)
    predikat = band.predikat(lang) if band else ""
    values = {"name": unit["name"], "grade": latest["grade"], "predikat": predikat,
              "index_label": config.scheme.index_label[lang],
              "index": locale.number(latest["index"], config.scheme.precision),
              "year": int(latest["year"]), "program": config.program.name[lang]}
    return BadgeFacts(
        name=str(unit["name"]),
        grade=str(latest["grade"]),
        colour=band.color if band else "#555555",
        result_line=locale.t("share.badge_result", **values),
        program_line=locale.t("share.badge_program", **values),
        alt=locale.t("share.badge_alt", **values),
    )


def badge_svgs(facts: BadgeFacts) -> tuple[bytes, bytes]:
    """The light and the dark badge. Their texts are measured once and drawn in `currentColor`, which each
    variant sets."""
    left = GRADE_BOX + PAD
    room = WIDTH - left - PAD
    alt = xml_text(facts.alt)
    texts = "\n".join([
        text_element(left, 25, facts.name, 15, "currentColor", bold=True, width=room),
        text_element(left, 46, facts.result_line, 13, "currentColor", width=room),
    ])
    program = text_element(left, 63, facts.program_line, 11, "currentColor", width=room)
    grade = text_element(GRADE_BOX / 2, 45, facts.grade, 26, text_on(facts.colour), bold=True, anchor="middle",
                         width=GRADE_BOX - 10)

    def draw(colours: dict[str, str]) -> bytes:
        return "\n".join([
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{alt}">',
            f"<title>{alt}</title>",
            f'<rect x="0.5" y="0.5" width="{WIDTH - 1}" height="{HEIGHT - 1}" rx="6" fill="{colours["background"]}" '
            f'stroke="{colours["border"]}"/>',
            # The grade's box, its left corners rounded as the badge's.
            f'<path d="M6.5 0.5H{GRADE_BOX}V{HEIGHT - 0.5}H6.5a6 6 0 0 1-6-6V6.5a6 6 0 0 1 6-6z" '
            f'fill="{facts.colour}"/>',
            f'<g font-family="{FONT_FAMILY}">',
            grade,
            f'<g color="{colours["text"]}">',
            texts,
            "</g>",
            f'<g color="{colours["muted"]}">',
            program,
            "</g>",
            "</g>",
            "</svg>\n",
        ]).encode("utf-8")

    return draw(PALETTES[False]), draw(PALETTES[True])


def badge_files(config: Config, data: SiteData, locales: dict[str, Locale], site_urls: SiteUrls
                ) -> Iterator[tuple[str, bytes]]:
    """Each evaluated unit's light and dark badge in every language, beside its page."""
    for light_path, dark_path, facts in _badges(config, data, locales, site_urls):
        light, dark = badge_svgs(facts)
        yield light_path, light
        yield dark_path, dark


def catalogued_badge_files(config: Config, data: SiteData, locales: dict[str, Locale], site_urls: SiteUrls,
                           catalog: FileCatalog) -> Iterator[Item]:
    """badge_files, drawing only the badges whose facts changed since the previous build (catalog.py)."""
    for light_path, dark_path, facts in _badges(config, data, locales, site_urls):
        key = facts_key(facts)
        if catalog.group_unchanged((light_path, dark_path), key):
            yield catalog.keep(light_path)
            yield catalog.keep(dark_path)
            continue
        light, dark = badge_svgs(facts)
        yield catalog.made(light_path, light, key)
        yield catalog.made(dark_path, dark, key)


def facts_key(facts: BadgeFacts) -> str:
    """The input key of a badge (catalog.py): all it shows, the same in every process. Its texts and numbers,
    hashed as text: a pickle (catalog.input_key) of 40,000 badges' facts costs a large project 0.4 s a build."""
    return text_key("badge", facts.name, facts.grade, facts.colour, facts.result_line, facts.program_line,
                    facts.alt, facts.width, facts.height)


def _badges(config: Config, data: SiteData, locales: dict[str, Locale], site_urls: SiteUrls
            ) -> Iterator[tuple[str, str, BadgeFacts]]:
    units = sorted(data.units.items())
    latest = [data.latest_row(unit_id) for unit_id, _unit in units]  # once, for every language
    for lang in config.site.languages:
        for (unit_id, unit), latest_row in zip(units, latest, strict=True):
            facts = badge_facts(config, locales[lang], unit, latest_row)
            if facts is not None:
                yield site_urls.badge(lang, unit_id), site_urls.badge(lang, unit_id, dark=True), facts
