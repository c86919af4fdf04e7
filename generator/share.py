"""What pages need to be cited, shared and embedded, per language: the `share` value of every template.

Publication dates in the page's words, canonical addresses (only with site.base_url), citations, link-preview
pictures and badge texts. One `Share` per language is made once per build (render.make_renderer); the work a
page asks of it is a few string joins.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from .badges import BadgeFacts, badge_facts
from .cite import Citation, CitedWork, bibtex_key, citation, page_address
from .config import Config
from .i18n import Locale
from .previews import YearFigures, format_day, preview_alt, year_figures
from .sitedata import Row, SiteData
from .urls import SiteUrls


@dataclass(frozen=True)
class Share:
    config: Config
    locale: Locale
    site_urls: SiteUrls
    latest_year: int
    figures: dict[int, YearFigures]

    @property
    def og_locale(self) -> str:
        return self.locale.babel_locale

    @property
    def og_alternates(self) -> list[str]:
        """The Open Graph locales of the page's other languages."""
        names = {"id": "id_ID", "en": "en_US"}
        return [names.get(lang, lang) for lang in self.config.site.languages if lang != self.locale.lang]

    def address(self, path: str) -> str:
        """The page's canonical address, or "" when site.base_url is not set."""
        return page_address(self.config.site.base_url, path)

    def embed_address(self, path: str) -> str:
        """An address for code pasted into another site: absolute with site.base_url, else from the site's
        folder (the badge block then says to put the site's address in front)."""
        return self.address(path) or path.removesuffix("index.html")

    def published(self, year: int | None) -> datetime.date | None:
        return self.config.program.published.get(year)

    def as_of(self, year: int | None) -> str:
        """The year's publication date in the page's words, "" when rapor.toml gives none."""
        day = self.published(year)
        return format_day(self.locale, day) if day is not None else ""

    def cite(self, title: str, year: int, path: str) -> Citation:
        """The page at `path` (showing `year`'s results) cited in text, BibTeX and CSL-JSON."""
        lang = self.locale.lang
        neutral = path[len(self.site_urls.prefix(lang)):]
        parts = [part for part in neutral.removesuffix("index.html").split("/") if part]
        key = bibtex_key(self.config.program.key, *parts, *([] if str(year) in parts else [str(year)]))
        site = self.config.site.title[lang]
        work = CitedWork(key=key, title=title, author=self.config.program.publisher or site, site=site,
                         program=self.config.program.name[lang], year=year, published=self.published(year),
                         published_text=self.as_of(year), url=self.address(path),
                         language=self.locale.babel_locale.replace("_", "-"))
        return citation(work, self.locale.t("share.published"))

    def preview(self, year: int | None = None) -> str:
        """The absolute address of the site's (or `year`'s) preview picture; "" without site.base_url, since
        Open Graph readers need an absolute address."""
        if not self.config.site.base_url:
            return ""
        return page_address(self.config.site.base_url, self.site_urls.preview(self.locale.lang, year))

    def preview_alt(self, year: int | None = None) -> str:
        return preview_alt(self.config, self.locale, self.figures[year if year is not None else self.latest_year])

    def badge(self, unit: Row, latest: Row | None) -> BadgeFacts | None:
        """What the unit's badge shows (badges.py), or None when it has no evaluated result and no badge."""
        return badge_facts(self.config, self.locale, unit, latest)


def share_for(config: Config, data: SiteData, locale: Locale, site_urls: SiteUrls) -> Share:
    return Share(config, locale, site_urls, data.years[-1], year_figures(config, data))
