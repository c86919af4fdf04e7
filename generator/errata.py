"""Published corrections as pages: the errata pages (site-wide and per year), each corrected unit's notice and
an Atom feed. Pure: page plans and feed bytes from the checked corrections log (corrections.py)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from .config import Config
from .corrections import Correction
from .i18n import Locale
from .pages import PagePlan, page_plan
from .urls import SiteUrls

# Feed entry ids must never change once published: derived from what an entry is, not from where it is shown.
_FEED_NAMESPACE = uuid.UUID("6b1c2f5e-9a0d-4c55-8f43-2e7d0a3b9c11")


def _value(correction: Correction, value: Decimal | str | None) -> float | str | None:
    """A logged value as a page takes it: a number (None, which fmt.number shows as '–', for no value), or a
    grade letter ('–' for none)."""
    if correction.numeric:
        return None if value is None else float(value)
    return "–" if value is None else str(value)


def correction_row(correction: Correction, lang: str) -> dict[str, Any]:
    """What a page shows of a correction; numbers stay numbers (the template formats them for the reader)."""
    return {
        "key": correction.key,
        "date": correction.date,
        "year": correction.year,
        "unit_id": correction.unit_id,
        "field": correction.field,
        "numeric": correction.numeric,
        "old": _value(correction, correction.old),
        "new": _value(correction, correction.new),
        "reason": correction.reason_in(lang)[0],
        "reason_lang": correction.reason_in(lang)[1],
    }


def corrections_by_unit(corrections: tuple[Correction, ...]) -> dict[str, list[Correction]]:
    by_unit: dict[str, list[Correction]] = defaultdict(list)
    for correction in corrections:
        by_unit[correction.unit_id].append(correction)
    return dict(by_unit)


def unit_corrections(corrections: list[Correction], lang: str) -> list[dict[str, Any]]:
    """A unit page's notices, newest first."""
    return [correction_row(c, lang) for c in sorted(corrections, key=lambda c: (c.date, c.year, c.line),
                                                    reverse=True)]


def errata_plans(site_urls: SiteUrls, lang: str, corrections: tuple[Correction, ...],
                 unit_names: dict[str, str], has_feed: bool) -> Iterator[PagePlan]:
    """The site-wide errata page (always: readers can see that nothing was corrected) and one per year that
    has corrections."""
    newest_first = sorted(corrections, key=lambda c: (c.date, c.year, c.unit_id, c.field, c.line), reverse=True)
    rows = [correction_row(c, lang) | {"name": unit_names.get(c.unit_id, c.unit_id)} for c in newest_first]
    years = sorted({c.year for c in corrections}, reverse=True)
    shared = {"errata_years": years, "feed": site_urls.errata_feed(lang) if has_feed else None}
    yield page_plan("errata", site_urls, lang, (), shared | {"year": None, "rows": rows})
    for year in years:
        yield page_plan("errata", site_urls, lang, (year,),
                        shared | {"year": year, "rows": [r for r in rows if r["year"] == year]})


def errata_feed(config: Config, locale: Locale, corrections: tuple[Correction, ...],
                unit_names: dict[str, str], site_urls: SiteUrls) -> bytes:
    """An Atom feed (RFC 4287) of the corrections in one language, newest first. Its `updated` is the newest
    correction's date, so an unchanged log gives the same bytes. Links are absolute: feeds are read away from
    the site, so the feed is only published when site.base_url is set."""
    lang = locale.lang
    base = config.site.base_url.rstrip("/") + "/"
    precision = config.scheme.precision
    newest_first = sorted(corrections, key=lambda c: (c.date, c.year, c.unit_id, c.field, c.line), reverse=True)
    labels = {a.key: a.label(lang) for a in config.scheme.aspects} | {
        "index": config.scheme.index_label[lang], "grade": locale.t("table.grade")}

    def shown(c: Correction, value: Decimal | str | None) -> str:
        shown_value = _value(c, value)
        return shown_value if isinstance(shown_value, str) else locale.number(shown_value, precision)

    page = base + site_urls.errata(lang)
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={quoteattr(lang)}>',
             f"<id>{escape(page)}</id>",
             f"<title>{escape(locale.t('errata.feed_title', site=config.site.title[lang]))}</title>",
             f"<updated>{newest_first[0].date.isoformat()}T00:00:00Z</updated>" if newest_first else "",
             f"<author><name>{escape(config.program.publisher or config.site.title[lang])}</name></author>",
             f'<link rel="self" type="application/atom+xml" href={quoteattr(base + site_urls.errata_feed(lang))}/>',
             f'<link rel="alternate" type="text/html" href={quoteattr(page)}/>']
    for c in newest_first:
        name = unit_names.get(c.unit_id, c.unit_id)
        entry_id = uuid.uuid5(_FEED_NAMESPACE, f"{config.program.key}/{c.key}")
        title = locale.t("errata.entry_title", name=name, year=c.year, field=labels[c.field],
                         old=shown(c, c.old), new=shown(c, c.new))
        lines += ["<entry>", f"<id>urn:uuid:{entry_id}</id>", f"<title>{escape(title)}</title>",
                  f"<updated>{c.date.isoformat()}T00:00:00Z</updated>",
                  f'<link rel="alternate" type="text/html" href={quoteattr(base + site_urls.unit(lang, c.unit_id))}/>',
                  f"<summary>{escape(locale.t('errata.reason', reason=c.reason_in(lang)[0]))}</summary>", "</entry>"]
    lines.append("</feed>")
    return ("\n".join(line for line in lines if line) + "\n").encode("utf-8")
