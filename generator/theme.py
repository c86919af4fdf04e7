"""Where a site's theme lives: the theme chain, its page templates and its interface strings.

The site's `themes/<name>/` overrides the project's `themes/default/`, which overrides the default theme
shipped with Rapor, template by template, static file by static file and message by message.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .bundled import DEFAULT_THEME
from .config import Config
from .config_site import PLAIN_THEME_NAME
from .errors import ProblemList
from .i18n import Locale, load_locale
from .page_kinds import builtin_templates
from .templates import CheckedTemplates, check_templates
from .theme_links import check_theme_links

__all__ = ["DEFAULT_THEME", "Theme", "load_theme", "theme_folders"]

# Themes whose templates passed check_templates, by a hash of the templates.
TEMPLATE_CHECKS = Path(".rapor-cache") / "templates"


@dataclass(frozen=True)
class Theme:
    folders: tuple[Path, ...]  # most specific first
    own_templates: frozenset[str]  # page templates the theme adds, which a narrative's front matter may name
    locales: dict[str, Locale]  # lang -> messages and number formatting
    checked: CheckedTemplates | None = None  # templates that passed the check, for a build to remember

    def remember_checked(self) -> None:
        """Remember that the templates passed the check (templates.check_templates), so that the next build
        with the same templates skips it; called by a build once it writes."""
        if self.checked is not None:
            self.checked.remember()

    def labels(self) -> dict[str, dict[str, str]]:
        return {lang: locale.messages for lang, locale in self.locales.items()}


def theme_folders(config: Config, problems: ProblemList) -> tuple[Path, ...]:
    chain = []
    chosen = config.root / "themes" / config.site.theme
    # A name that is not a plain folder name is reported by the config reader already.
    if config.site.theme != "default" and PLAIN_THEME_NAME.fullmatch(config.site.theme) and not chosen.is_dir():
        line, column = config.site.theme_at
        problems.error(config.rel(config.path), line, column,
                       f"theme folder themes/{config.site.theme} does not exist",
                       'create it, or set site.theme = "default"')
    if chosen.is_dir():
        chain.append(chosen)
    project_default = config.root / "themes" / "default"
    for folder in (project_default, DEFAULT_THEME):
        if folder.is_dir() and folder.resolve() not in [c.resolve() for c in chain]:
            chain.append(folder)
    if not (DEFAULT_THEME / "templates" / "base.html").is_file():
        # Every theme falls back on Rapor's own: without it pages would miss templates and messages.
        problems.error(config.rel(config.path), 1, 1,
                       f"Rapor's default theme is missing from this installation (looked in {DEFAULT_THEME})",
                       "reinstall Rapor (pip install rapor, or pip install . in its source folder)")
        problems.raise_if_errors()  # nothing can be checked or built without it
    return tuple(chain)


# Templates Rapor itself renders pages with (page_kinds.py); any other page template in a theme is the theme's own.
BUILTIN_TEMPLATES = builtin_templates()


def load_theme(config: Config, problems: ProblemList) -> Theme:
    folders = theme_folders(config, problems)
    # A theme with a link out of the project is not read further: its messages come from Rapor's own theme.
    project_folders = [folder for folder in folders if folder.is_relative_to(config.root)]
    links_ok = all([check_theme_links(folder, config.root, config.rel, problems) for folder in project_folders])
    checked = check_templates(folders, config.rel, problems, config.root / TEMPLATE_CHECKS)
    own_templates = frozenset(
        path.name for folder in folders for path in (folder / "templates").glob("*.html")
        if path.is_file() and not path.name.startswith("_") and path.name not in BUILTIN_TEMPLATES
    )
    message_folders = folders if links_ok else tuple(f for f in folders if f not in project_folders)
    locales = {lang: load_locale(lang, list(message_folders), problems, config.rel)
               for lang in config.site.languages}
    # Every language needs every message the default language has, or a page would fail half-way.
    default = config.site.languages[0]
    for lang, locale in locales.items():
        missing = sorted(set(locales[default].messages) - set(locale.messages))
        if missing:
            shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
            problems.error(config.rel(folders[0] / "i18n" / f"{lang}.toml"), 1, 1,
                           f"no interface text for language '{lang}': {shown}",
                           f"add an i18n/{lang}.toml with these keys to the theme, translated from {default}.toml")
    return Theme(folders, own_templates, locales, checked)
