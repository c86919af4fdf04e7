"""The files that sharing and embedding add to a site: every unit's badges and the link-preview pictures."""

from __future__ import annotations

from collections.abc import Iterator

from .badges import catalogued_badge_files
from .catalog import FileCatalog, Item
from .config import Config
from .i18n import Locale
from .previews import preview_files
from .sitedata import SiteData
from .urls import SiteUrls


def share_files(config: Config, data: SiteData, locales: dict[str, Locale], site_urls: SiteUrls,
                catalog: FileCatalog) -> Iterator[Item]:
    yield from catalogued_badge_files(config, data, locales, site_urls, catalog)
    yield from catalog.all_made(preview_files(config, data, locales, site_urls))
