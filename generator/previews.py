"""Link-preview pictures (Open Graph / Twitter): one for the site and one per year, in every language.

Each is drawn as an SVG (1200 × 630) from the model's figures and turned into a PNG by vl-convert's bundled
renderer (no browser, no network). PNGs are kept in the project's `.rapor-cache/previews/`, named by the hash
of what they are drawn from, so a rebuild with unchanged figures draws nothing; writes there are atomic, and a
cache that cannot be written only costs the drawing. The same SVG gives the same bytes on the same machine.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import os
import re
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .config import Config
from .i18n import Locale
from .sitedata import SiteData
from .svg_text import FONT_FAMILY, text_element, text_on, wrap
from .urls import SiteUrls

WIDTH, HEIGHT = 1200, 630
MARGIN = 64
CACHE_FOLDER = Path(".rapor-cache") / "previews"
DRAWING_VERSION = "1"  # part of every cache key: bump it when the drawing changes in a way the SVG does not show
INK, MUTED, ACCENT, LINE = "#1b1f24", "#545d68", "#0b5cad", "#d5dae0"


@dataclass(frozen=True)
class YearFigures:
    year: int
    evaluated: int
    national: float | None
    counts: tuple[tuple[str, str, int], ...]  # (grade, colour, units) from the best grade down


def year_figures(config: Config, data: SiteData) -> dict[int, YearFigures]:
    """The figures a year's picture shows, computed once per build from the model's lookups."""
    by_year: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (year, _level, _type), by_grade in data.grade_counts.items():
        for grade, count in by_grade.items():
            by_year[year][grade] += count
    figures = {}
    for year in data.years:
        national = data.average(year, "all", "", "index")
        figures[year] = YearFigures(
            year=year,
            evaluated=sum(1 for row in data.rows_by_year[year] if row["evaluated"]),
            national=national["mean"] if national else None,
            counts=tuple((g.letter, g.color, by_year[year].get(g.letter, 0)) for g in config.scheme.grades),
        )
    return figures


def preview_alt(config: Config, locale: Locale, figures: YearFigures) -> str:
    """What the picture shows, in one sentence: its og:image:alt."""
    return locale.t("share.preview_alt", site=config.site.title[locale.lang], year=figures.year,
                    n=locale.integer(figures.evaluated), mean=locale.number(figures.national, config.scheme.precision))


def _grade_bar(figures: YearFigures, top: float) -> list[str]:
    """The units per grade as one bar of proportional segments in the grades' colours, letters inside."""
    total = sum(count for _grade, _colour, count in figures.counts)
    width = WIDTH - 2 * MARGIN
    parts = [f'<rect x="{MARGIN}" y="{top}" width="{width}" height="56" fill="{LINE}"/>']
    x = float(MARGIN)
    for grade, colour, count in figures.counts:
        if not count or not total:
            continue
        span = width * count / total
        parts.append(f'<rect x="{x:.2f}" y="{top}" width="{span:.2f}" height="56" fill="{colour}"/>')
        if span >= 44:
            parts.append(text_element(x + span / 2, top + 37, grade, 26, text_on(colour), bold=True,
                                      anchor="middle", width=span - 8))
        x += span
    return parts


def preview_svg(config: Config, locale: Locale, figures: YearFigures, kicker: str, heading: str, lead: str,
                footer: str) -> str:
    """The picture: a kicker line, heading and lead, the year's two key figures, the grade bar, a footer."""
    lang = locale.lang
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
             f'viewBox="0 0 {WIDTH} {HEIGHT}">',
             f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
             f'<rect width="{WIDTH}" height="14" fill="{ACCENT}"/>',
             f'<g font-family="{FONT_FAMILY}">']
    room = WIDTH - 2 * MARGIN
    parts.append(text_element(MARGIN, 82, kicker, 28, MUTED, bold=True, width=room))
    heading_lines = wrap(heading, 60, room, bold=True)
    for i, line in enumerate(heading_lines):
        parts.append(text_element(MARGIN, 160 + i * 68, line, 60, INK, bold=True, width=room))
    parts.append(text_element(MARGIN, 222 + 68 * (len(heading_lines) > 1), lead, 28, MUTED, width=room))
    key_figures = [(locale.integer(figures.evaluated), locale.t("share.preview_units", year=figures.year)),
                   (locale.number(figures.national, config.scheme.precision),
                    locale.t("share.preview_mean", index_label=config.scheme.index_label[lang]))]
    for i, (value, label) in enumerate(key_figures):
        x = MARGIN + i * room / 2
        parts.append(text_element(x, 378, value, 56, ACCENT, bold=True, width=room / 2 - 24))
        parts.append(text_element(x, 414, label, 24, INK, width=room / 2 - 24))
    parts += _grade_bar(figures, 450)
    parts.append(text_element(MARGIN, 572, footer, 24, MUTED, width=room))
    parts += ["</g>", "</svg>"]
    return "\n".join(parts) + "\n"


def _draw_png(svg: str) -> bytes:
    import vl_convert

    return bytes(vl_convert.svg_to_png(svg))


def _renderer_version() -> str:
    import vl_convert

    return str(getattr(vl_convert, "__version__", ""))


class PreviewCache:
    """PNGs by the hash of their SVG, in the project's .rapor-cache/previews/ (atomic writes)."""

    def __init__(self, root: Path) -> None:
        self.folder = root / CACHE_FOLDER
        self.used: set[str] = set()
        self.drawn = 0  # pictures drawn in this build (the rest came from the cache)

    def png(self, svg: str) -> bytes:
        key = hashlib.sha256(f"{DRAWING_VERSION}\n{_renderer_version()}\n{svg}".encode()).hexdigest()
        self.used.add(key)
        path = self.folder / f"{key}.png"
        with contextlib.suppress(OSError):
            cached = path.read_bytes()
            if cached.startswith(b"\x89PNG\r\n\x1a\n") and cached.endswith(b"IEND\xaeB`\x82"):
                return cached  # else damaged or cut short: drawn again
        png = _draw_png(svg)
        self.drawn += 1
        self._store(path, png)
        return png

    def _store(self, path: Path, png: bytes) -> None:
        """Write `png` whole or not at all; a cache that cannot be written is only a slower next build."""
        with contextlib.suppress(OSError):
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".png")
            try:
                with os.fdopen(handle, "wb") as file:
                    file.write(png)
                os.replace(temporary, path)
            except OSError:
                os.unlink(temporary)
                raise

    def prune(self) -> None:
        """Remove the pictures no longer drawn from this project's figures, so the cache does not grow."""
        with contextlib.suppress(OSError):
            for path in self.folder.iterdir():
                if re.fullmatch(r"[0-9a-f]{64}\.png", path.name) and path.stem not in self.used:
                    path.unlink()


def _footer(config: Config, locale: Locale, year: int) -> str:
    """Who publishes, and when the year's results were published if rapor.toml says so."""
    who = config.program.publisher or config.program.name[locale.lang]
    day = config.program.published.get(year)
    if day is None:
        return who
    return locale.t("share.preview_footer", publisher=who, as_of=locale.t("share.as_of", date=format_day(locale, day)))


def preview_files(config: Config, data: SiteData, locales: dict[str, Locale], site_urls: SiteUrls,
                  cache: PreviewCache | None = None) -> Iterator[tuple[str, bytes]]:
    """The site's picture and each year's, in every language."""
    cache = cache or PreviewCache(config.root)
    figures = year_figures(config, data)
    latest = data.years[-1]
    for lang in config.site.languages:
        locale = locales[lang]
        program, site = config.program.name[lang], config.site.title[lang]
        yield site_urls.preview(lang), cache.png(preview_svg(
            config, locale, figures[latest], program, site, locale.t("share.preview_latest", year=latest),
            _footer(config, locale, latest)))
        for year in data.years:
            yield site_urls.preview(lang, year), cache.png(preview_svg(
                config, locale, figures[year], site, locale.t("year.title", year=year), program,
                _footer(config, locale, year)))
    cache.prune()


def format_day(locale: Locale, day: datetime.date) -> str:
    """A date in the language's words (Locale.date): 10 Desember 2024."""
    return locale.date(day)
