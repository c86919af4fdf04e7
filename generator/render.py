"""Page plans → (path, bytes): the Jinja2 environment over the theme chain, and the site's other files.

Templates are compiled once; each page renders from a small dict. The site theme overrides the default
theme template by template (ChoiceLoader) and file by file for static assets (messages: see theme.py).
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape as xml_escape

import jinja2
from jinja2.exceptions import SecurityError

from .config import Config
from .content import Page
from .deferred import resolved
from .errors import RaporError
from .figures import figures_html
from .findings_text import finding_text
from .fragments import SharedFragments
from .history_rows import comparison_rows
from .i18n import Locale
from .page_kinds import main_nav
from .pages import PagePlan
from .partials import partial
from .ranking_rows import RowCells
from .share import share_for
from .sitedata import SiteData
from .templates import SandboxedThemeEnvironment, ThemeEnvironment, ThemeLoader
from .theme import DEFAULT_THEME, Theme
from .theme_links import LINK_HINT, allowed_root, is_inside, theme_files
from .unit_charts import PageCharts
from .urls import SiteUrls


@jinja2.pass_context
def _url(context: Any, path: str) -> str:
    """A link to a root-relative output path, from the page being rendered."""
    return str(context["root"]) + path


def make_environment(themes: list[Path], site_urls: SiteUrls) -> jinja2.Environment:
    """Templates from the theme chain; a theme's template may extend the one it replaces (templates.py)."""
    own = [folder for folder in themes if folder.resolve() != DEFAULT_THEME.resolve()]
    sandboxed = any(path.is_file() for folder in own for path in (folder / "templates").rglob("*.html"))
    environment = SandboxedThemeEnvironment if sandboxed else ThemeEnvironment
    env = environment(
        loader=ThemeLoader(themes),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # An environment serves one build: templates are not checked for changes on every include.
        auto_reload=False,
    )
    env.globals["url"] = _url
    env.globals["urls"] = site_urls
    env.globals["finding_text"] = finding_text  # a finding (findings.py) as a sentence
    env.globals["shared_fragment"] = SharedFragments()  # header and footer parts rendered once (fragments.py)
    env.globals["figures"] = figures_html  # figures through the theme's `figure` macro (figures.py)
    env.globals["partial"] = partial  # a unit page's partials, written in Python unless overridden (partials.py)
    env.globals["comparison_rows"] = comparison_rows  # a unit page's aspects table rows (history_rows.py)
    return env


@dataclass(frozen=True)
class Renderer:
    config: Config
    env: jinja2.Environment
    site_urls: SiteUrls
    locales: dict[str, Locale]
    common: dict[str, dict[str, Any]]  # lang -> values every page shows
    absolute_root: str  # the path part of site.base_url, for pages served at any address (404)
    row_cells: RowCells  # ranking rows' shared cells, rendered once per build (ranking_rows.py)

    def render(self, plan: PagePlan) -> tuple[str, bytes]:
        try:
            html = self.env.get_template(plan.template).render(self.page_context(plan))
        except Exception as exc:
            located = self._template_error(plan, exc)
            if located is None:
                raise
            raise located from None
        return plan.path, html.encode("utf-8")

    def page_context(self, plan: PagePlan) -> dict[str, Any]:
        """The values the page's template is rendered with: its language's common values and its own."""
        lang = plan.lang
        neutral = plan.path[len(self.site_urls.prefix(lang)):]
        root = self.absolute_root if plan.absolute and self.absolute_root else "../" * plan.path.count("/")
        alternates = [{"lang": other, "name": self.locales[other].t("language.name"),
                       "path": self.site_urls.prefix(other) + neutral} for other in self.config.site.languages]
        return self.common[lang] | resolved(plan.context) | {"here": plan.path, "root": root, "alternates": alternates,
                                                   "neutral_path": neutral}

    def _template_error(self, plan: PagePlan, exc: Exception) -> RaporError | None:
        """A template that fails on a page, located at the template line that failed: the project's own
        template if one is involved, since that is the one its authors can change. An error raised outside any
        template is Rapor's own bug and is passed on as it is."""
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(".html")]
        if not frames:
            return None
        root = self.config.root.resolve()
        own = [f for f in frames if Path(f.filename).resolve().is_relative_to(root)]
        frame = (own or frames)[-1]
        where = Path(frame.filename)
        # Outside the project the template is Rapor's own default theme, wherever the package is installed.
        shown = self.config.rel(where) if own else f"themes/default/templates/{where.name}"
        narrative = plan.context.get("narrative")
        chosen = (f" (the template named in {narrative.source})"
                  if narrative is not None and narrative.template == plan.template else "")
        reason = str(exc) if isinstance(exc, jinja2.TemplateError) else f"{type(exc).__name__}: {exc}"
        if isinstance(exc, jinja2.TemplateNotFound):  # a name made while rendering; constant names are checked before
            reason = f"template '{exc.name}' not found in the theme or the default theme"
            hint = ("a template name made from page values must name a template of the theme or the default theme; "
                    "add it, or use {% include ... ignore missing %}")
        elif isinstance(exc, SecurityError) or (isinstance(exc, OverflowError) and "MAX_RANGE" in str(exc)):
            hint = ("templates run in a sandbox: use the page's values and Rapor's functions (url, t, fmt), not "
                    "Python internals (names starting with _), and keep loops under 100,000 steps and each value under "
                    "10 million characters")
        else:
            hint = ("the template uses a value or message this kind of page does not have; compare it with the "
                    "default theme's template of the same name")
        return RaporError.single(shown, frame.lineno or 1, 1, f"template error on {plan.path}{chosen}: {reason}",
                                 hint)


def make_renderer(config: Config, data: SiteData, pages: tuple[Page, ...], theme: Theme,
                  environment: Callable[[list[Path], SiteUrls], jinja2.Environment] | None = None) -> Renderer:
    """The renderer of a build; `environment` makes its Jinja environment (a warm session's keeps compiled
    templates between builds; make_environment by default)."""
    site_urls = SiteUrls(config.site.languages[0])
    env = (environment or make_environment)(list(theme.folders), site_urls)
    # Fragments are kept for one build: a warm session's environment serves several (fragments.py).
    env.globals["shared_fragment"] = SharedFragments()
    locales = theme.locales
    scheme = config.scheme
    common = {}
    unit_levels = {unit["level"] for unit in data.units.values()}
    for lang, locale in locales.items():
        content_pages = sorted((p for p in pages if p.kind == "page" and p.lang == config.site.languages[0]),
                               key=lambda p: (p.order, p.key))
        titles = {p.key: p.title for p in pages if p.kind == "page" and p.lang == lang}
        common[lang] = {
            "lang": lang,
            "t": locale.t,
            "fmt": locale,
            "site_title": config.site.title[lang],
            "site_description": config.site.description[lang],
            "notice": config.site.notice[lang],
            "program": config.program.name[lang],
            "publisher": config.program.publisher,
            "years": list(reversed(data.years)),
            "latest_year": data.years[-1],
            "main_nav": main_nav(site_urls, lang, data.years[-1], locale.t),  # page kinds' links (page_kinds.py)
            "nav_pages": [{"slug": p.key, "title": titles.get(p.key, p.title)} for p in content_pages],
            "grades": [{"letter": g.letter, "predikat": g.predikat(lang), "color": g.color, "zone": g.zone,
                        "min": g.min, "max": g.max} for g in scheme.grades],
            "grade": {g.letter: {"predikat": g.predikat(lang), "color": g.color, "zone": g.zone}
                      for g in scheme.grades},
            "aspects": [{"key": a.key, "label": a.label(lang),
                         "short": locale.messages.get(f"aspect_short.{a.key}", a.key)} for a in scheme.aspects],
            "aspect_label": {a.key: a.label(lang) for a in scheme.aspects},
            "index_label": scheme.index_label[lang],
            "precision": scheme.precision,
            "scale_max": scheme.scale_max,
            "levels": [{"key": c.key, "label": c.label(lang)} for c in config.levels],
            "level_label": {c.key: c.label(lang) for c in config.levels},
            "type_label": {c.key: c.label(lang) for c in config.unit_types},
            "province_name": data.province_names,
            "page_charts": PageCharts(config, data, locale),  # unit and province charts (unit_charts.py)
            "az_levels": [c.key for c in config.levels if c.key in unit_levels],  # levels with an A–Z list
            "scope_label": {"level": locale.t("scope.level"), "type": locale.t("scope.type"),
                            "province": locale.t("scope.province")},
            "share": share_for(config, data, locale, site_urls),  # cite, share, embed (share.py)
        }
    # A 404 page is served at whatever address was missing, so its links start from the site's own path.
    absolute_root = urlsplit(config.site.base_url).path.rstrip("/") + "/" if config.site.base_url else ""
    return Renderer(config, env, site_urls, locales, common, absolute_root, RowCells.installed(env, common))


def static_files(themes: tuple[Path, ...]) -> Iterator[tuple[str, bytes]]:
    """The themes' static files under static/, the site theme's copy winning over the default's. A file is
    published only from inside its project (or Rapor's own theme): load_theme reports links out of it first."""
    chosen: dict[str, tuple[Path, Path]] = {}
    for folder in reversed(themes):
        static = folder / "static"
        root = allowed_root(folder)
        for path in theme_files(static, root):
            chosen[path.relative_to(static).as_posix()] = (path, root)
    for relative, (path, root) in sorted(chosen.items()):
        if not is_inside(path, root):
            raise RaporError.single(path.as_posix(), 1, 1, "this theme file is a symbolic link out of the project",
                                    LINK_HINT)
        yield f"static/{relative}", path.read_bytes()


def static_names(themes: tuple[Path, ...]) -> set[str]:
    """The output paths of the themes' static files (static_files without reading them)."""
    return {"static/" + path.relative_to(folder / "static").as_posix()
            for folder in themes for path in theme_files(folder / "static", allowed_root(folder))}


def root_icon(themes: tuple[Path, ...]) -> Iterator[tuple[str, bytes]]:
    """The theme's static/favicon.ico again at the site's root: browsers, bookmarks and feed readers ask for
    /favicon.ico whatever a page links to."""
    for path, content in static_files(themes):
        if path == "static/favicon.ico":
            yield "favicon.ico", content


def sitemap(config: Config, html_paths: list[str]) -> bytes:
    base = config.site.base_url.rstrip("/") + "/"
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for path in sorted(html_paths):
        location = path[: -len("index.html")] if path.endswith("index.html") else path
        lines.append(f"  <url><loc>{xml_escape(base + location)}</loc></url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def robots(config: Config) -> bytes:
    text = "User-agent: *\nAllow: /\n"
    if config.site.base_url:
        text += f"Sitemap: {config.site.base_url.rstrip('/')}/sitemap.xml\n"
    return text.encode("utf-8")
