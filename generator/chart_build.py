"""The charts' part of a build: the year-level figures made once, offered to templates as `charts`, placed
into narrative ```chart blocks, and the bundled Vega scripts written into the site when a page has a chart
that can become interactive."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .catalog import FileCatalog, Item, input_key
from .chart_figures import ChartFigures
from .chart_structures import STRUCTURES
from .chart_svg import BUNDLE_PATH, CACHE_FOLDER, ChartDrawer, vega_bundle, vl_convert_version
from .config import Config
from .content import Page
from .narrative_charts import ChartRequest, embed_charts
from .render import Renderer
from .sitedata import SiteData
from .theme import Theme

FIGURE_TEMPLATE = '{% from "_figure.html" import figure with context %}{{ figure(fig) }}'


@dataclass
class SiteCharts:
    figures: ChartFigures
    cache: Path | None

    def install(self, renderer: Renderer) -> None:
        """Templates reach the figures as `charts`: charts.year(lang, year), charts.home(lang)."""
        renderer.env.globals["charts"] = self.figures

    def embed(self, pages: tuple[Page, ...], renderer: Renderer) -> tuple[Page, ...]:
        """Narrative pages with their ```chart blocks drawn, through the theme's `figure` macro."""
        template = renderer.env.from_string(FIGURE_TEMPLATE)

        def figure_html(request: ChartRequest, lang: str, key: str) -> str:
            figure = self.figures.figure(request.kind, request.selection, lang, key)
            return template.render(renderer.common[lang] | {"fig": figure})

        return embed_charts(pages, figure_html)

    def files(self, catalog: FileCatalog) -> Iterator[Item]:
        """The bundled Vega scripts for the interactive charts (charts.js is a theme file): made from
        vl-convert's own files, so the same as long as its version is."""
        yield catalog.keyed(BUNDLE_PATH, input_key("vega bundle", vl_convert_version()),
                            lambda: vega_bundle(self.cache))


def site_charts(config: Config, data: SiteData, theme: Theme, cache: bool = True) -> SiteCharts:
    folder = config.root / CACHE_FOLDER if cache else None
    STRUCTURES.folder = folder
    figures = ChartFigures(config, data, theme.locales, ChartDrawer(folder))
    figures.prepare()
    return SiteCharts(figures, folder)



