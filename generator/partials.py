"""A unit page's small partials written in Python: the template global `partial(name, **values)`.

A unit page included a dozen partials (_search_filters.html, _findings.html, _badge.html, _cite.html, ...);
each include copies the page's context into a new one and runs the partial's template, together a quarter of
a unit page's rendering, on forty thousand pages. `{{ partial("_cite.html", cite_kind="unit") }}` writes the
same bytes as `{% include "_cite.html" %}` with those values set: in Python (WRITERS) when the theme chain's
partial is Rapor's own, letter for letter, and through the partial's template otherwise, so a theme that
overrides a partial still gets its own used (the same seam figures.py keeps for `_figure.html`).

If a writer fails (a theme's message that its values cannot fill in, say), the template is rendered instead:
it raises the same error, located at the partial's line, or writes the page as the template would.
Tests render every partial both ways on whole sites and compare the bytes (tests/test_partials.py).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping
from typing import Any

import jinja2
from markupsafe import Markup, escape

from .bundled import DEFAULT_THEME
from .figures import figures_html
from .findings_text import finding_text

# What a partial is written from: the page's values (its context) and the values the page passes.
Values = Mapping[str, Any]
Writer = Callable[[jinja2.runtime.Context, Values], str | None]  # None: this case is the template's to write

# Whether an environment's copy of each partial is Rapor's own, by environment: an environment serves builds
# whose theme files do not change (a warm session makes a new one when they do).
_OWN: weakref.WeakKeyDictionary[jinja2.Environment, dict[str, bool]] = weakref.WeakKeyDictionary()


def _search_filters(context: jinja2.runtime.Context, values: Values) -> str:
    t, unit = context["t"], context["unit"]
    year_filter = escape(t("search.filter_year"))
    out = ["<div hidden data-pagefind-ignore>\n"]
    out.extend(f'<span data-pagefind-filter="{year_filter}">{escape(row["year"])}</span>'
               for row in context["history"] if row["evaluated"])
    out.append(f'<span data-pagefind-filter="{escape(t("search.filter_level"))}">'
               f'{escape(context["level_label"][unit["level"]])}</span>\n'
               f'<span data-pagefind-filter="{escape(t("search.filter_type"))}">'
               f'{escape(context["type_label"][unit["type"]])}</span>\n')
    if unit["province"]:
        out.append(f'<span data-pagefind-filter="{escape(t("search.filter_province"))}">'
                   f'{escape(unit["province_name"])}</span>')
    out.append("</div>\n")
    return "".join(out)


def _as_of(context: jinja2.runtime.Context, values: Values) -> str | None:
    share, year = context["share"], values["as_of_year"]
    as_of = share.as_of(year)
    if not as_of:
        return ""
    parts = context["t"]("share.as_of", date="{date}").split("{date}", 1)
    if len(parts) < 2:  # a message without its {date}: the template reports it
        return None
    return (f'<p class="as-of">{escape(parts[0])}<time datetime="{escape(share.published(year).isoformat())}">'
            f"{escape(as_of)}</time>{escape(parts[1])}</p>\n")


def _findings(context: jinja2.runtime.Context, values: Values) -> str:
    findings = context["findings"]
    if not findings:
        return ""
    out = [f'<section class="findings" aria-labelledby="findings">\n<h2 id="findings">'
           f'{escape(context["t"]("findings.heading"))}</h2>\n<ul>\n']
    out.extend(f'<li data-finding="{escape(finding.key)}">{escape(finding_text(context, finding))}</li>\n'
               for finding in findings)
    out.append("</ul>\n</section>\n")
    return "".join(out)


def _unit_downloads(context: jinja2.runtime.Context, values: Values) -> str:
    if not context["history"]:
        return ""
    t, urls, root, unit_id = context["t"], context["urls"], str(context["root"]), context["unit"]["id"]
    return (f'<p class="data-links">{escape(t("data.download_unit"))}\n'
            f'<a href="{escape(root + urls.unit_download(unit_id, "csv"))}" download>'
            f'{escape(t("data.format_csv"))}</a> ·\n'
            f'<a href="{escape(root + urls.unit_download(unit_id, "json"))}" download>'
            f'{escape(t("data.format_json"))}</a> ·\n'
            f'<a href="{escape(root + urls.data_dictionary(context["lang"]))}">'
            f'{escape(t("data.dictionary_link"))}</a></p>\n')


def _unit_regency(context: jinja2.runtime.Context, values: Values) -> str:
    unit = context["unit"]
    regency = unit["regency"]
    if not regency:
        return ""
    t, urls, root, lang = context["t"], context["urls"], str(context["root"]), context["lang"]
    name = unit["regency_name"] or regency
    out = [f'<section class="regency-units" aria-labelledby="regency-units">\n'
           f'<h2 id="regency-units">{escape(t("regency.others", name=name))}</h2>\n']
    others = context["regency_units"]
    if others:
        type_label = context["type_label"]
        out.append('<ul class="inline-list">\n')
        out.extend(f'<li><a href="{escape(root + urls.unit(lang, other["unit_id"]))}">{escape(other["name"])}</a> '
                   f'<span class="small">({escape(type_label[other["type"]])})</span></li>\n' for other in others)
        out.append("</ul>\n")
    out.append(f'<p><a href="{escape(root + urls.regency(lang, regency))}">{escape(t("regency.link", name=name))}'
               "</a></p>\n</section>\n")
    return "".join(out)


def _badge(context: jinja2.runtime.Context, values: Values) -> str:
    share = context["share"]
    embed = share.badge(context["unit"], context["latest"])
    if not embed:
        return ""
    t, root, facts = context["t"], str(context["root"]), embed.facts
    out = [f'<details class="share-block badge-embed"{escape(share.copy_attributes)}>\n'
           f'<summary>{escape(t("share.badge"))}</summary>\n<p>{escape(t("share.badge_intro"))}</p>\n']
    picture = (f'" alt="{escape(facts.alt)}" width="{escape(facts.width)}" height="{escape(facts.height)}" '
               'loading="lazy"></p>\n')
    for index, variant in enumerate((t("share.badge_light"), t("share.badge_dark"))):
        out.append(f'<div class="copyable">\n<p class="copy-label">{escape(t("share.badge_snippet", variant=variant))}'
                   f'</p>\n<p class="badge-preview{" dark" if index == 1 else ""}"><img src="'
                   f"{escape(root + embed.pictures[index])}{picture}"
                   f"<pre><code>{escape(embed.snippets[index])}</code></pre>\n</div>\n")
    if not share.address(context["here"]):
        out.append(f'<p class="small">{escape(t("share.badge_relative"))}</p>\n')
    out.append("</details>\n")
    return "".join(out)


def _cite(context: jinja2.runtime.Context, values: Values) -> str | None:
    if values.get("cite_kind") != "unit":  # year and ranking pages' titles are the template's to write
        return None
    t, share, latest = context["t"], context["share"], context["latest"]
    year = latest["year"] if latest else context["latest_year"]
    cited = share.cite(t("share.unit_title", name=context["unit"]["name"], year=year), year, context["here"])
    out = [f'<details class="share-block cite"{escape(share.copy_attributes)}>\n'
           f'<summary>{escape(t("share.cite"))}</summary>\n']
    for label, text in ((t("share.cite_text"), cited.text), (t("share.cite_bibtex"), cited.bibtex),
                        (t("share.cite_csl"), cited.csl_json)):
        out.append(f'<div class="copyable">\n<p class="copy-label">{escape(label)}</p>\n'
                   f"<pre><code>{escape(text)}</code></pre>\n</div>\n")
    if not cited.url:
        out.append(f'<p class="small">{escape(t("share.cite_no_address"))}</p>\n')
    out.append(f'</details>\n<script src="{escape(str(context["root"]) + "static/share.js")}" defer></script>\n')
    return "".join(out)


def _unit_charts(context: jinja2.runtime.Context, values: Values) -> str:
    shown = context["page_charts"].unit(context["unit"], context["latest"], context["history"])
    if not shown:
        return ""
    return (f'<section aria-labelledby="charts" class="charts">\n<h2 id="charts">'
            f'{escape(context["t"]("unit_chart.heading"))}</h2>\n{figures_html(context, shown)}</section>\n')


def _chart_scripts(context: jinja2.runtime.Context, values: Values) -> str:
    narrative = _value(context, values, "narrative")
    if "charts" in context and (_value(context, values, "charts_on_page") or (
            narrative and 'class="chart-spec"' in context.environment.getattr(narrative, "html"))):
        root = escape(str(context["root"]))
        return f'<script src="{root}static/charts.js" data-bundle="{root}static/vendor/vega-embed.js" defer></script>\n'
    return ""


def _search_box(context: jinja2.runtime.Context, values: Values) -> str:
    if "search_page" in values or "search_page" in context:
        return ""
    t = context["t"]
    return (f'<form class="site-search" role="search" action="'
            f'{escape(str(context["root"]) + context["urls"].search(context["lang"]))}" method="get">\n'
            f'  <label for="site-search-q">{escape(t("search.label"))}</label>\n'
            '  <input id="site-search-q" type="search" name="q" autocomplete="off" placeholder="'
            f'{escape(t("search.box_placeholder"))}">\n'
            f'  <button type="submit">{escape(t("search.submit"))}</button>\n</form>\n')


def _share_meta(context: jinja2.runtime.Context, values: Values) -> str:
    share, here, title = context["share"], context["here"], escape(values["share_title"])
    description = values["description"].strip()  # markup: `description | trim` in the template
    out = []
    if not description:
        description = context["t"]("share.description", site=context["site_title"], program=context["program"])
        out.append(f'<meta name="description" content="{escape(description)}">\n')
    description = escape(description)
    own_address = here != context["urls"].not_found(context["lang"]) and "target" not in context
    meta = share.page_meta(here, context.get("share_year"), own_address)
    if meta.address:
        address = escape(meta.address)
        out.append(f'<link rel="canonical" href="{address}">\n<meta property="og:url" content="{address}">\n')
    out.append(f'{escape(share.site_meta)}\n<meta property="og:title" content="{title}">\n'
               f'<meta property="og:description" content="{description}">\n')
    if meta.image:
        image, alt = escape(meta.image), escape(meta.image_alt)
        out.append(f'<meta property="og:image" content="{image}">\n'
                   '<meta property="og:image:type" content="image/png">\n'
                   '<meta property="og:image:width" content="1200">\n'
                   '<meta property="og:image:height" content="630">\n'
                   f'<meta property="og:image:alt" content="{alt}">\n'
                   '<meta name="twitter:card" content="summary_large_image">\n')
    else:
        out.append('<meta name="twitter:card" content="summary">\n')
    out.append(f'<meta name="twitter:title" content="{title}">\n'
               f'<meta name="twitter:description" content="{description}">\n')
    if meta.image:
        out.append(f'<meta name="twitter:image" content="{image}">\n'
                   f'<meta name="twitter:image:alt" content="{alt}">\n')
    return "".join(out)


def _value(context: jinja2.runtime.Context, values: Values, name: str) -> Any:
    """A name as the partial's template sees it: a value the page passes, else the page's own, else None."""
    return values[name] if name in values else context.get(name)


WRITERS: dict[str, Writer] = {
    "_search_filters.html": _search_filters,
    "_as_of.html": _as_of,
    "_findings.html": _findings,
    "_unit_downloads.html": _unit_downloads,
    "_unit_regency.html": _unit_regency,
    "_badge.html": _badge,
    "_cite.html": _cite,
    "_unit_charts.html": _unit_charts,
    "_chart_scripts.html": _chart_scripts,
    "_search_box.html": _search_box,
    "_share_meta.html": _share_meta,
}


def is_own_template(env: jinja2.Environment, name: str) -> bool:
    """Whether the theme chain's template `name` is Rapor's own, letter for letter."""
    found = _OWN.get(env)
    if found is None:
        found = _OWN[env] = {}
    own = found.get(name)
    if own is None:
        try:
            source = env.loader.get_source(env, name)[0] if env.loader is not None else None
        except jinja2.TemplateNotFound:
            source = None
        own = found[name] = source == (DEFAULT_THEME / "templates" / name).read_text(encoding="utf-8")
    return own


def render_partial(context: jinja2.runtime.Context, name: str, values: dict[str, Any]) -> str:
    """The template `name` rendered as `{% include %}` renders it, with `values` set on top of the page's."""
    env = context.environment
    template = env.get_template(name, context.name)
    return env.concat(template.root_render_func(template.new_context(context.get_all(), True, values)))


@jinja2.pass_context
def partial(context: jinja2.runtime.Context, name: str, **values: Any) -> Markup:
    """Template global: `{{ partial("_cite.html", cite_kind="unit") -}}` for `{% include "_cite.html" %}`."""
    writer = WRITERS.get(name)
    if writer is not None and is_own_template(context.environment, name):
        try:
            written = writer(context, values)
        except Exception:  # the template raises it again, located at its line
            written = None
        if written is not None:
            return Markup(written)
    return Markup(render_partial(context, name, values))
