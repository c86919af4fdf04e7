"""The [site] and [program] tables of `rapor.toml`: titles, notices, address, theme and languages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from .config_reader import ConfigReader, setting_value
from .errors import has_control, shown
from .published import PublishedDates, read_published

LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")
# The languages the default theme has messages for. Another language gets past the theme's message check
# only to fail loading the narrative (content.py), so it is refused here until that check stops the run.
SUPPORTED_LANGUAGES = ("id", "en")


@dataclass(frozen=True)
class SiteSettings:
    title: dict[str, str]
    description: dict[str, str]
    notice: dict[str, str]
    base_url: str
    theme: str
    languages: tuple[str, ...]
    theme_at: tuple[int, int] = (1, 1)  # line and column of site.theme in rapor.toml, for theme errors


@dataclass(frozen=True)
class Program:
    key: str
    name: dict[str, str]
    publisher: str
    # The downloads' terms (datapackage.json, the data page): an SPDX licence id, its text's address, and
    # where the results are published; empty when not stated.
    data_license: str = ""
    data_license_url: str = ""
    source_url: str = ""
    published: PublishedDates = field(default_factory=PublishedDates)  # [program.published]: year -> date


def read_site(raw: dict[str, Any], reader: ConfigReader) -> SiteSettings:
    return SiteSettings(
        title=lang_pair(raw, "site.title"),
        description=lang_pair(raw, "site.description"),
        notice=lang_pair(raw, "site.notice"),
        base_url=_read_base_url(raw, reader),
        theme=_read_theme(raw, reader),
        languages=_read_languages(raw, reader),
        theme_at=reader.where("site.theme"),
    )


PLAIN_THEME_NAME = re.compile(r"[A-Za-z0-9_-]+")


def _read_theme(raw: dict[str, Any], reader: ConfigReader) -> str:
    theme = str(setting_value(raw, "site.theme"))
    if not PLAIN_THEME_NAME.fullmatch(theme):
        reader.error("site.theme", f"theme name '{theme}' is not a plain folder name",
                     "use only ASCII letters (A-Z, a-z), digits (0-9), '-' and '_'; the theme lives in themes/<name>/")
    return theme


def _read_base_url(raw: dict[str, Any], reader: ConfigReader) -> str:
    """Empty, or an absolute http(s) address with a host and no query or fragment: sitemap.xml and robots.txt
    append page paths to it, and the 404 page's links start at its path."""
    url = setting_value(raw, "site.base_url")
    if not isinstance(url, str) or url == "" or has_control(url):
        return ""  # text of the wrong kind, or holding control characters, is reported by the reader
    example = "e.g. https://rapor.example.id/ or https://example.org/rapor/"
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - a port that is no number or out of range raises here
    except ValueError:
        parts, host = None, None
    # Characters a URL never holds unencoded: the address is written into robots.txt and sitemap.xml as is.
    if (parts is None or parts.scheme not in ("http", "https") or not host
            or re.search(r'[\s\x00-\x1f\x7f"<>\\^`{|}]', url)):
        reader.error("site.base_url", f"base_url '{shown(url)}' is not an absolute http(s) address",
                     f"give the site's public address with its host, {example}; or leave it empty")
    elif "?" in url or "#" in url:
        reader.error("site.base_url", f"base_url '{url}' has a query or fragment",
                     f"give the address without '?' or '#' and what follows, {example}")
    else:
        return url if parts.path else url + "/"  # https://example.org: the 404 page's links start at /
    return ""


def _read_languages(raw: dict[str, Any], reader: ConfigReader) -> tuple[str, ...]:
    """Language codes, the first served at the root: each a lower-case code, listed once."""
    languages_raw = setting_value(raw, "site.languages")
    if not isinstance(languages_raw, list):
        return ("id", "en")  # reported by the reader
    good: list[str] = []
    for lang in languages_raw:
        if not isinstance(lang, str):
            continue  # reported by the reader
        if not LANGUAGE_CODE.fullmatch(lang):
            reader.error("site.languages", f"language '{shown(lang)}' is not a language code",
                         "use lower-case two- or three-letter codes, e.g. [\"id\", \"en\"]")
        elif lang in good:
            reader.error("site.languages", f"language '{lang}' is listed twice", "list each language once")
        elif lang not in SUPPORTED_LANGUAGES:
            reader.error("site.languages", f"language '{lang}' is not supported", "use 'id' and/or 'en'")
        else:
            good.append(lang)
    if not languages_raw:
        reader.error("site.languages", "site.languages is empty", "use [\"id\", \"en\"]")
    # What is left is used to check the narrative; with an error reported, nothing is built from it.
    return tuple(good) or ("id", "en")


def read_program(raw: dict[str, Any], reader: ConfigReader) -> Program:
    return Program(str(setting_value(raw, "program.key")), lang_pair(raw, "program.name"),
                   str(setting_value(raw, "program.publisher")),
                   published=read_published(raw, reader),
                   data_license=_read_license_id(raw, reader),
                   data_license_url=_read_web_address(raw, reader, "program.data_license_url"),
                   source_url=_read_web_address(raw, reader, "program.source_url"))


LICENSE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+-]{0,63}")


def _read_license_id(raw: dict[str, Any], reader: ConfigReader) -> str:
    value = setting_value(raw, "program.data_license")
    if not isinstance(value, str) or value == "":
        return ""  # text of the wrong kind is reported by the reader
    if not LICENSE_ID.fullmatch(value):
        reader.error("program.data_license", f"data_license '{shown(value)}' is not a licence identifier",
                     "give an SPDX identifier such as CC-BY-4.0 or ODbL-1.0, or leave it empty")
        return ""
    return value


def _read_web_address(raw: dict[str, Any], reader: ConfigReader, key: str) -> str:
    """Empty, or an absolute http(s) address: it becomes a link on the data page and in datapackage.json."""
    url = setting_value(raw, key)
    if not isinstance(url, str) or url == "" or has_control(url):
        return ""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - a port that is no number or out of range raises here
    except ValueError:
        parts, host = None, None
    if parts is None or parts.scheme not in ("http", "https") or not host or re.search(r'[\s"<>\\^`{|}]', url):
        reader.error(key, f"{key.split('.')[-1]} '{shown(url)}' is not an absolute http(s) address",
                     "give the full address, e.g. https://creativecommons.org/licenses/by/4.0/; or leave it empty")
        return ""
    return url


def lang_pair(raw: dict[str, Any], prefix: str) -> dict[str, str]:
    return {"id": str(setting_value(raw, f"{prefix}_id")), "en": str(setting_value(raw, f"{prefix}_en"))}
