"""Where a site's theme lives: the theme chain, its page templates and its interface strings.

The site's `themes/<name>/` overrides the project's `themes/default/`, which overrides the default theme
shipped with Rapor, template by template, static file by static file and message by message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jinja2

from .config import Config
from .errors import ProblemList
from .i18n import Locale, load_locale

DEFAULT_THEME = Path(__file__).resolve().parent.parent / "themes" / "default"


@dataclass(frozen=True)
class Theme:
    folders: tuple[Path, ...]  # most specific first
    own_templates: frozenset[str]  # page templates the theme adds, which a narrative's front matter may name
    locales: dict[str, Locale]  # lang -> messages and number formatting

    def labels(self) -> dict[str, dict[str, str]]:
        return {lang: locale.messages for lang, locale in self.locales.items()}


def theme_folders(config: Config, problems: ProblemList) -> tuple[Path, ...]:
    chain = []
    chosen = config.root / "themes" / config.site.theme
    if config.site.theme != "default" and not chosen.is_dir():
        problems.error(config.rel(config.path), 1, 1, f"theme folder themes/{config.site.theme} does not exist",
                       'create it, or set site.theme = "default"')
    if chosen.is_dir():
        chain.append(chosen)
    project_default = config.root / "themes" / "default"
    for folder in (project_default, DEFAULT_THEME):
        if folder.is_dir() and folder.resolve() not in [c.resolve() for c in chain]:
            chain.append(folder)
    return tuple(chain)


# Templates Rapor itself renders pages with; any other page template in a theme is the theme's own.
BUILTIN_TEMPLATES = frozenset({"base.html", "home.html", "year.html", "ranking.html", "unit.html", "province.html",
                               "page.html", "404.html", "redirect.html"})


def check_templates(folders: tuple[Path, ...], shown: Callable[[Path], str], problems: ProblemList) -> None:
    """Report a template that does not parse at its line, before any page is rendered."""
    env = jinja2.Environment()
    for folder in folders:
        for path in sorted((folder / "templates").glob("*.html")):
            try:
                env.parse(path.read_text(encoding="utf-8"), path.name, str(path))
            except jinja2.TemplateSyntaxError as exc:
                problems.error(shown(path), exc.lineno, 1, f"template error: {exc.message}",
                               "fix the Jinja syntax on this line ({{ value }}, {% tag %} ... {% endtag %})")
            except UnicodeDecodeError as exc:
                problems.error(shown(path), 1, 1, f"the template is not UTF-8 text ({exc.reason})",
                               "save it as UTF-8")
            except OSError as exc:
                problems.error(shown(path), 1, 1, f"the template cannot be read ({exc.strerror or exc})",
                               "make it a readable file, or remove it from the theme")


def load_theme(config: Config, problems: ProblemList) -> Theme:
    folders = theme_folders(config, problems)
    check_templates(folders, config.rel, problems)
    own_templates = frozenset(
        path.name for folder in folders for path in (folder / "templates").glob("*.html")
        if path.is_file() and not path.name.startswith("_") and path.name not in BUILTIN_TEMPLATES
    )
    locales = {lang: load_locale(lang, list(folders), problems, config.rel) for lang in config.site.languages}
    # Every language needs every message the default language has, or a page would fail half-way.
    default = config.site.languages[0]
    for lang, locale in locales.items():
        missing = sorted(set(locales[default].messages) - set(locale.messages))
        if missing:
            shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
            problems.error(config.rel(folders[0] / "i18n" / f"{lang}.toml"), 1, 1,
                           f"no interface text for language '{lang}': {shown}",
                           f"add an i18n/{lang}.toml with these keys to the theme, translated from {default}.toml")
    return Theme(folders, own_templates, locales)
