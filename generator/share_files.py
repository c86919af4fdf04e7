"""The files that sharing and embedding add to a site: every unit's badges and the link-preview pictures."""

from __future__ import annotations

from collections.abc import Iterator

from .badges import badge_files
from .config import Config
from .i18n import Locale
from .previews import preview_files
from .sitedata import SiteData
from .urls import SiteUrls


def share_files(config: Config, data: SiteData, locales: dict[str, Locale], site_urls: SiteUrls
                ) -> Iterator[tuple[str, bytes]]:
    yield from badge_files(config, data, locales, site_urls)
    yield from preview_files(config, data, locales, site_urls)
