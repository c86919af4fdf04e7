"""What pages need to be cited, shared and embedded, per language: the `share` value of every template.

Publication dates in the page's words, canonical addresses (only with site.base_url), citations, link-preview
pictures and badge texts. One `Share` per language is made once per build (render.make_renderer); the work a
page asks of it is a few string joins.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from .badges import BadgeFacts, badge_facts
from .cite import Citation, CitedWork, bibtex_key, citation, page_address
from .config import Config
from .i18n import Locale
from .previews import YearFigures, format_day, preview_alt, year_figures
from .sitedata import Row, SiteData
from .urls import SiteUrls


@dataclass(frozen=True)
class PageMeta:
    """A page's own link-preview values: "" where there is none."""

    address: str  # canonical address (with site.base_url; none on 404 and redirect pages)
    image: str  # absolute address of the preview picture (with site.base_url)
    image_alt: str


@dataclass(frozen=True)
class BadgeEmbed:
    """A unit's badge on its page: what it shows, where the pictures are, and the HTML to copy for each."""

    facts: BadgeFacts
    pictures: tuple[str, str]  # light, dark: root-relative paths
    snippets: tuple[str, str]  # light, dark: <a><img></a> to paste into another site


@dataclass(frozen=True)
class Share:
    config: Config
    locale: Locale
    site_urls: SiteUrls
    latest_year: int
    figures: dict[int, YearFigures]
    # Computed once per build, not per page: a Babel date costs more than the rest of a page's citation.
    as_of_text: dict[int, str]
    alts: dict[int, str]
    # The copy script's messages as data-* attributes of a block (share.js), the same on every page.
    copy_attributes: Markup = field(default=Markup(""))
    # The Open Graph tags that are the same on every page of the language (type, site name, locales).
    site_meta: Markup = field(default=Markup(""))

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
        return self.as_of_text.get(year, "") if year is not None else ""

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
        return self.alts[year if year is not None else self.latest_year]

    def page_meta(self, path: str, year: int | None, own_address: bool = True) -> PageMeta:
        """The canonical address and preview picture of the page at `path`, showing `year` (None: the whole
        site); `own_address` is false for pages that are not addresses of their own (404, redirects)."""
        address = self.address(path) if own_address else ""
        image = self.preview(year)
        return PageMeta(address, image, self.preview_alt(year) if image else "")

    def badge(self, unit: Row, latest: Row | None) -> BadgeEmbed | None:
        """The unit's badge (badges.py) and the HTML to embed it; None when it has no evaluated result."""
        facts = badge_facts(self.config, self.locale, unit, latest)
        if facts is None:
            return None
        lang = self.locale.lang
        page = self.embed_address(self.site_urls.unit(lang, unit["id"]))
        pictures = (self.site_urls.badge(lang, unit["id"]), self.site_urls.badge(lang, unit["id"], dark=True))
        snippets = tuple(f'<a href="{escape(page)}"><img src="{escape(self.embed_address(picture))}" '
                         f'alt="{escape(facts.alt)}" width="{facts.width}" height="{facts.height}"></a>'
                         for picture in pictures)
        return BadgeEmbed(facts, pictures, (snippets[0], snippets[1]))


def share_for(config: Config, data: SiteData, locale: Locale, site_urls: SiteUrls) -> Share:
    figures = year_figures(config, data)
    as_of = {year: format_day(locale, day) for year, day in config.program.published.dates.items()}
    alts = {year: preview_alt(config, locale, year_figures) for year, year_figures in figures.items()}
    messages = {"copy": locale.t("share.copy"), "copy-what": locale.t("share.copy_what", what="{what}"),
                "copied": locale.t("share.copied", what="{what}"), "copy-failed": locale.t("share.copy_failed")}
    attributes = Markup("").join(Markup(' data-{}="{}"').format(name, text) for name, text in messages.items())
    share = Share(config, locale, site_urls, data.years[-1], figures, as_of, alts, attributes)
    tags = [("og:type", "website"), ("og:site_name", config.site.title[locale.lang]), ("og:locale", share.og_locale)]
    tags += [("og:locale:alternate", other) for other in share.og_alternates]
    site_meta = Markup("\n").join(Markup('<meta property="{}" content="{}">').format(*tag) for tag in tags)
    return dataclasses.replace(share, site_meta=site_meta)
