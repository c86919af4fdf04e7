"""The theme chain as one namespace of Jinja2 templates, in which a theme can extend the template it replaces.

`unit.html` is the most specific theme's unit.html. `default/unit.html` is the default theme's (the project's
themes/default/ first, then Rapor's own). A template that names itself, as `{% extends "unit.html" %}` in a
theme's unit.html does, gets the same template from the next theme down the chain, so a site theme can change
one block of a page and keep the rest. Every template name a template uses is checked before any page is
rendered: a missing template or templates that extend one another in a loop are located errors, not a
RecursionError half-way through a build.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.loaders import split_template_path
from jinja2.sandbox import SandboxedEnvironment

from . import __version__
from .bundled import DEFAULT_THEME
from .chart_svg import write_atomic
from .errors import NotUtf8, ProblemList, utf8_text
from .template_limits import check_binop, check_str_format, limited_filters
from .theme_links import allowed_root, is_inside, theme_files

DEFAULT_PREFIX = "default/"
# The name Rapor gives a template looked up from one theme of the chain down: '@2/unit.html'.
LAYER_NAME = re.compile(r"@(\d+)/(.+)")
NAME_HINT = ('use the name of a template in the theme or the default theme, e.g. "base.html"; '
             '"default/<name>" is the default theme\'s own')


def is_default_layer(folder: Path) -> bool:
    """Whether a folder of the chain is a default theme (the project's themes/default/ or Rapor's own)."""
    return folder.name == "default" or folder.resolve() == DEFAULT_THEME.resolve()


class ThemeLoader(jinja2.BaseLoader):
    """Templates from a chain of theme folders, most specific first."""

    def __init__(self, folders: Sequence[Path]) -> None:
        self.folders = tuple(folders)
        self.roots = tuple(allowed_root(folder) for folder in self.folders)
        self.default_from = next((i for i, f in enumerate(self.folders) if is_default_layer(f)), len(self.folders))
        # join()'s answers: every include and import inside a loop asks again (hundreds of thousands of times
        # on a large site), and each answer looks for files. A loader serves one build, whose themes do not
        # change under it.
        self._joined: dict[tuple[str, str], str] = {}

    def split(self, name: str) -> tuple[int, str]:
        """Where in the chain the search for `name` starts, and the template's own name."""
        layered = LAYER_NAME.fullmatch(name)
        if layered:
            return int(layered.group(1)), layered.group(2)
        if name.startswith(DEFAULT_PREFIX):
            return self.default_from, name[len(DEFAULT_PREFIX):]
        return 0, name

    def find(self, name: str) -> tuple[int, Path] | None:
        """The chain position and file of the template `name`, or None."""
        start, own = self.split(name)
        try:
            pieces = split_template_path(own)
        except jinja2.TemplateNotFound:  # a name climbing out with '..'
            return None
        for level in range(start, len(self.folders)):
            path = self.folders[level].joinpath("templates", *pieces)
            if path.is_file():
                return level, path
        return None

    def join(self, name: str, parent: str) -> str:
        """What `name` means inside the template `parent`: its own name is the next theme's copy of it, where
        there is one (else the template itself, which may include itself under a condition)."""
        joined = self._joined.get((name, parent))
        if joined is None:
            joined = self._joined[(name, parent)] = self._join(name, parent)
        return joined

    def _join(self, name: str, parent: str) -> str:
        found_parent = self.find(parent)
        own = self.split(name)[1]
        if found_parent is None or own != self.split(parent)[1]:
            return name
        found = self.find(name)
        if found is not None and found[0] > found_parent[0]:
            return name
        below = f"@{found_parent[0] + 1}/{own}"
        return below if self.find(below) is not None else name

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        found = self.find(template)
        # A file reached through a link out of the project is refused when the theme is loaded; never read it.
        if found is None or not is_inside(found[1], self.roots[found[0]]):
            raise jinja2.TemplateNotFound(template)
        path = found[1]
        modified = path.stat().st_mtime
        return utf8_text(path.read_bytes()), str(path), lambda: path.stat().st_mtime == modified

    def list_templates(self) -> list[str]:
        return sorted({name for _level, name, _path in self.files()})

    def files(self) -> Iterator[tuple[int, str, Path]]:
        """Every template file of every theme: its chain position, its name and its path."""
        for level, folder in enumerate(self.folders):
            top = folder / "templates"
            found = {path for path in theme_files(top, self.roots[level])
                     if path.suffix == ".html" and is_inside(path, self.roots[level])}
            # A folder named like a template is listed too, so that it is reported rather than ignored.
            found.update(path for path in top.glob("*.html") if path.is_dir())
            for path in sorted(found):
                yield level, path.relative_to(top).as_posix(), path


class _ThemeNames:
    """Template names follow the theme chain (see ThemeLoader.join)."""

    loader: jinja2.BaseLoader | None

    def join_path(self, template: str, parent: str) -> str:
        return self.loader.join(template, parent) if isinstance(self.loader, ThemeLoader) else template


class ThemeEnvironment(_ThemeNames, jinja2.Environment):
    """For Rapor's own templates alone, which are trusted."""


class SandboxedThemeEnvironment(_ThemeNames, SandboxedEnvironment):
    """For a site whose project has templates of its own. A theme is shared and copied around like content,
    so a template may not reach Python's internals (`__class__`, `__globals__`, ...) to run commands or write
    files, `range` is capped so a template cannot loop for ever on one call, and one operator or filter cannot
    ask for gigabytes (template_limits.py). The sandbox checks every attribute and call, which costs about half
    again the rendering time, so Rapor's own templates alone render without it."""

    intercepted_binops = frozenset(["*", "**", "%", "+"])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters.update(limited_filters(self.filters))

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        check_binop(operator, left, right)
        return super().call_binop(context, operator, left, right)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        text = str(value.__self__)

        def checked(*args: Any, **kwargs: Any) -> str:
            check_str_format(text)
            return wrapped(*args, **kwargs)

        return checked


@dataclass(frozen=True)
class _Use:
    """One template naming another: where, how, and which file that name reaches."""

    source: tuple[int, str]  # (chain position, name) of the template using the name
    path: Path
    line: int
    name: str
    target: tuple[int, str] | None  # (chain position, name) of the template reached


def _used_names(tree: nodes.Template) -> Iterator[tuple[int, str, bool]]:
    """(line, name, whether a loop of such uses always recurses) for each template named as a constant.
    An include under a condition or loop may recurse on purpose (a tree of items); extends and imports
    always run."""

    def walk(node: nodes.Node, guarded: bool) -> Iterator[tuple[int, str, bool]]:
        if isinstance(node, nodes.Extends | nodes.Import | nodes.FromImport | nodes.Include):
            template = node.template
            if isinstance(template, nodes.Const) and isinstance(template.value, str):
                missing_ok = isinstance(node, nodes.Include) and node.ignore_missing
                if not missing_ok:
                    yield node.lineno, template.value, not (guarded and isinstance(node, nodes.Include))
        inner = guarded or isinstance(node, nodes.If | nodes.For | nodes.Macro | nodes.CallBlock)
        for child in node.iter_child_nodes():
            yield from walk(child, inner)

    yield from walk(tree, False)


def _passed_key(loader: ThemeLoader) -> str | None:
    """A hash of every template file and where it is in the chain, which decides all the check below finds;
    None if a file cannot be read (the check reports it)."""
    digest = hashlib.sha256(f"{__version__}\n{jinja2.__version__}\n".encode())
    for level, name, path in loader.files():
        try:
            content = path.read_bytes()
        except OSError:
            return None
        digest.update(f"{level}\0{name}\0{len(content)}\0".encode())
        digest.update(content)
    return digest.hexdigest()


@dataclass(frozen=True)
class CheckedTemplates:
    """Templates that passed the check, to remember in the cache (once the build is going ahead)."""

    cache: Path
    key: str

    def remember(self) -> None:
        write_atomic(self.cache, f"{self.key}.ok", b"")


def check_templates(folders: Sequence[Path], shown: Callable[[Path], str], problems: ProblemList,
                    cache: Path | None = None) -> CheckedTemplates | None:
    """Report, before any page is rendered, a template that does not parse at its line, a template name that
    reaches no template, and templates that extend or import one another in a loop.

    Parsing every template costs about a second; a theme that passed is remembered in `cache` (the project's
    .rapor-cache/) by a hash of its templates, so a rebuild with the same templates does not parse them again:
    what passed is returned, for the build to remember (a command that stops, or only checks, writes nothing).
    The cache only ever skips a check that passed: a tampered entry can at worst let an error show when the
    page using the template is rendered, still located."""
    loader = ThemeLoader(folders)
    passed = _passed_key(loader) if cache is not None else None
    if cache is not None and passed is not None and (cache / f"{passed}.ok").is_file():
        return None
    before = len(problems.errors)
    _check_templates(loader, folders, shown, problems)
    if cache is not None and passed is not None and len(problems.errors) == before:
        return CheckedTemplates(cache, passed)
    return None


def _check_templates(loader: ThemeLoader, folders: Sequence[Path], shown: Callable[[Path], str],
                     problems: ProblemList) -> None:
    env = jinja2.Environment()
    uses: dict[tuple[int, str], list[_Use]] = {}
    for level, name, path in loader.files():
        try:
            tree = env.parse(utf8_text(path.read_bytes()), name, str(path))
        except jinja2.TemplateSyntaxError as exc:
            problems.error(shown(path), exc.lineno, 1, f"template error: {exc.message}",
                           "fix the Jinja syntax on this line ({{ value }}, {% tag %} ... {% endtag %})")
            continue
        except NotUtf8 as bad:
            problems.error(shown(path), bad.line, bad.column, f"the template is not UTF-8 text ({bad.reason})",
                           "save it as UTF-8")
            continue
        except OSError as exc:
            problems.error(shown(path), 1, 1, f"the template cannot be read ({exc.strerror or exc})",
                           "make it a readable file, or remove it from the theme")
            continue
        here = f"@{level}/{name}"
        uses[(level, name)] = []
        for line, used, always in _used_names(tree):
            found = loader.find(loader.join(used, here))
            if found is None:
                problems.error(shown(path), line, 1, f"template '{used}' not found in the theme or the default "
                               "theme", NAME_HINT)
                continue
            target = (found[0], found[1].relative_to(folders[found[0]] / "templates").as_posix())
            if always:
                uses[(level, name)].append(_Use((level, name), path, line, used, target))
    _report_loops(uses, folders, shown, problems)


def _theme_name(folder: Path, shown: Callable[[Path], str]) -> str:
    """A theme as its user knows it: by its folder in the project, or as Rapor's own."""
    text = shown(folder)
    return "Rapor's default theme" if Path(text).is_absolute() else text


def _label(folder: Path, name: str, shown: Callable[[Path], str]) -> str:
    text = shown(folder / "templates" / name)
    return f"{name} (Rapor's default theme)" if Path(text).is_absolute() else text


def _report_loops(uses: dict[tuple[int, str], list[_Use]], folders: Sequence[Path], shown: Callable[[Path], str],
                  problems: ProblemList) -> None:
    """Templates that reach themselves again through extends, imports or unconditional includes: each loop
    reported once, at a use in the project's own templates (the ones its authors can change) if there is one."""
    done: set[tuple[int, str]] = set()
    path: list[tuple[int, str]] = []
    taken: list[_Use] = []  # taken[i]: the use leading from path[i] to path[i + 1]

    def report(loop: list[_Use]) -> None:
        first = next((i for i, use in enumerate(loop) if not Path(shown(use.path)).is_absolute()), 0)
        loop = loop[first:] + loop[:first]
        steps = [_label(folders[level], name, shown) for level, name in [*(u.source for u in loop), loop[0].source]]
        problems.error(shown(loop[0].path), loop[0].line, 1, f"templates use each other in a loop: {' → '.join(steps)}",
                       f"'{loop[0].name}' here leads back to this template; a template may extend the next theme's "
                       "template of its own name, or another template that does not lead back to it")

    def visit(node: tuple[int, str]) -> None:
        path.append(node)
        for use in uses.get(node, []):
            if use.target == node:
                problems.error(shown(use.path), use.line, 1,
                               f"template '{use.name}' names itself, and no theme after "
                               f"{_theme_name(folders[node[0]], shown)} has a {node[1]} to extend",
                               'extend or include another template, e.g. "base.html"')
            elif use.target in path:
                report([*taken[path.index(use.target):], use])
            elif use.target is not None and use.target not in done:
                taken.append(use)
                visit(use.target)
                taken.pop()
        path.pop()
        done.add(node)

    for node in sorted(uses):
        if node not in done:
            visit(node)
