"""A warm build session: what `rapor serve` keeps between rebuilds so a rebuild redoes only what an edit touched.

build.build_site(..., session=BuildSession()) routes its expensive steps through the session. Each reused
value is keyed by everything it depends on, so a change is never missed:

- every CSV table read (registry, reference lists, each year's results, the corrections log) is kept with the
  problems reading it reported, keyed by (path, size, mtime_ns) and how it was read; an edit to one year's
  file reads that file again and no other;
- the theme (templates checked, messages) is kept while the config and every theme file are unchanged, the
  narrative (Markdown converted) while the config, the theme, content/ and the ids and years it is checked
  against are unchanged; their problems are reported again on each build that reuses them;
- each results file's checked rows, while its cells, the config and the registry's ids and names are the same
  (result_checks.TABLE_CHECKER), and each download row's written lines, while its row and unit are
  (download.py's line_cache, kept in `scratch`);
- the output: after the first build, a rebuild writes only the changed files, in place, once the whole build
  was produced without error (preview_write.py), instead of staging and swapping a whole new folder;
- when no input file changed at all (same paths, sizes and modification times), the checked inputs are reused
  whole, and then everything made from them (the model, the site data, the renderer with its compiled
  templates, the chart figures, the plans and the pages' fingerprints) is reused by identity: `reuse` keys a
  value by the very objects it was made from.

Anything the session is unsure of is made again: the cold build is the reference (tests/test_session.py
compares warm rebuilds with cold `--force` builds byte for byte). A failed build leaves the session as it was,
except for the tables it read, which are right whatever the outcome.

The session reaches into a build through explicit seams: the loaders pipeline.read_inputs takes, the
environment maker render.make_renderer takes, and csv_read.TABLE_READER, a context variable set while the
inputs are read (so a build in another thread reads as usual).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pandas as pd

from . import content, csv_read, pipeline, preview_write, render, result_checks
from . import theme as theme_module
from .bundled import DEFAULT_THEME
from .config import Config
from .content import Page
from .errors import Problem, ProblemList
from .pipeline import Inputs
from .theme import Theme

if TYPE_CHECKING:
    import jinja2

    from .urls import SiteUrls
    from .write import WriteReport

T = TypeVar("T")
Stamp = tuple[str, int, int]  # path, size, mtime_ns
EnvironmentMaker = Callable[[list[Path], "SiteUrls"], "jinja2.Environment"]


def _stamps(path: Path) -> list[Stamp]:
    """(path, size, mtime_ns) of a file, or of every file and folder under a folder (symbolic links not
    followed, as the readers check them); [] if it does not exist."""
    found: list[Stamp] = []
    try:
        info = os.lstat(path)
    except OSError:
        return found
    found.append((str(path), info.st_size, info.st_mtime_ns))
    if os.path.isdir(path) and not os.path.islink(path):
        for folder, dirs, files in os.walk(path):
            dirs.sort()
            for name in (*sorted(files), *dirs):
                try:
                    entry = os.lstat(os.path.join(folder, name))
                except OSError:
                    continue
                found.append((os.path.join(folder, name), entry.st_size, entry.st_mtime_ns))
    return found


def _identity(folder: Path) -> tuple[int, int]:
    """Which folder is at `folder` (device and inode): a staged build swaps in a new one."""
    try:
        info = os.stat(folder)
    except OSError:
        return (-1, -1)
    return (info.st_dev, info.st_ino)


def _config_paths(config: Config | None) -> list[Path]:
    """The data paths the config names (they may lie outside data/)."""
    if config is None:
        return []
    return [value for value in (getattr(config.data, f.name) for f in dataclasses.fields(config.data))
            if isinstance(value, Path)]


@dataclasses.dataclass
class _Entry:
    key: tuple[Any, ...]
    value: Any
    problems: tuple[Problem, ...] = ()


class BuildSession:
    """What one `rapor serve` keeps across its rebuilds (see the module's docstring)."""

    def __init__(self) -> None:
        self._tables: dict[tuple[Any, ...], tuple[csv_read.Table | None, tuple[Problem, ...]]] = {}
        self._values: dict[str, _Entry] = {}
        self._config: Config | None = None
        self._scratch: dict[str, dict[str, Any]] = {}
        # Results file -> (what its check read, its checked rows, the problems found): result_checks.py.
        self._checked: dict[object, tuple[tuple[object, ...], pd.DataFrame | None, tuple[Problem, ...]]] = {}
        self.reused: list[str] = []  # what the last build reused, for the terminal and the benchmark
        # The output folder the last build wrote and the files it holds; None while unknown (preview_write.py).
        self._written: tuple[Path, tuple[int, int], frozenset[str]] | None = None

    # --- inputs -----------------------------------------------------------------------------------------------
    def signature(self, root: Path) -> tuple[Stamp, ...]:
        """Every input file's stamp: the config, data/, content/, themes/, the paths the config names, and
        Rapor's own theme."""
        paths = [root / "rapor.toml", root / "data", root / "content", root / "themes", DEFAULT_THEME,
                 *_config_paths(self._config)]
        return tuple(stamp for path in paths for stamp in _stamps(path))

    def read_inputs(self, root: Path, strict: bool) -> Inputs:
        """pipeline.read_inputs, reusing the last result when no input changed and, else, each unchanged
        table, the theme and the narrative."""
        self.reused = []
        key = (root.resolve(), strict, self.signature(root))
        last = self._values.get("inputs")
        if last is not None and last.key == key:
            self.reused.append("inputs")
            return last.value  # type: ignore[no-any-return]
        token = csv_read.TABLE_READER.set(self._read_table)
        checking = result_checks.TABLE_CHECKER.set(self._check_table)
        try:
            inputs = pipeline.read_inputs(root, strict=strict, theme_loader=self._load_theme,
                                          content_loader=self._load_content)
        finally:
            result_checks.TABLE_CHECKER.reset(checking)
            csv_read.TABLE_READER.reset(token)
        self._config = inputs.config
        # Stamped again after reading: a file that changed while it was read makes the next build read it again.
        self._values["inputs"] = _Entry((root.resolve(), strict, self.signature(root)), inputs)
        return inputs

    def reuse(self, name: str, made_from: tuple[object, ...], make: Callable[[], T]) -> T:
        """The value made last time under `name` if it was made from the very same objects, else make()."""
        last = self._values.get(name)
        if last is not None and len(last.key) == len(made_from) and all(
                a is b for a, b in zip(last.key, made_from, strict=True)):
            self.reused.append(name)
            return last.value  # type: ignore[no-any-return]
        value = make()
        self._values[name] = _Entry(made_from, value)
        return value

    def scratch(self, name: str) -> dict[str, Any]:
        """A dict a step keeps its own reusable parts in between builds (the step keys what it keeps)."""
        return self._scratch.setdefault(name, {})

    def renderer(self, made_from: tuple[object, ...], make: Callable[[EnvironmentMaker], render.Renderer]
                 ) -> render.Renderer:
        """make(environment) (render.make_renderer), reused whole when made from the same objects; else made
        with the last Jinja environment (its compiled templates) while the theme files and the site's first
        language are the same. The environment's per-build globals (charts, ranking cells) are set anew by each
        build."""
        def environment(themes: list[Path], site_urls: SiteUrls) -> jinja2.Environment:
            key = (tuple(themes), site_urls.root_language, self._stamps_of(themes))
            return self._replayed("environment", key, lambda _found: render.make_environment(themes, site_urls),
                                  ProblemList())

        return self.reuse("renderer", made_from, lambda: make(environment))

    @staticmethod
    def _stamps_of(folders: list[Path]) -> tuple[Stamp, ...]:
        return tuple(stamp for folder in folders for stamp in _stamps(folder))

    # --- the output ---------------------------------------------------------------------------------------------
    def write(self, files: Iterable[tuple[str, bytes | None]], output: Path) -> WriteReport:
        """Write a build: staged and swapped the first time (write.write_site), then only the changed files, in
        place (preview_write.py). A write that fails leaves the folder unknown: the next one is staged."""
        output = output.resolve()
        written, self._written = self._written, None
        # The same folder as written last, not one a `rapor build` swapped in meanwhile (a new folder).
        known = written[2] if written is not None and written[:2] == (output, _identity(output)) else None
        report, holds = preview_write.write_changes(files, output, known)
        self._written = (output, _identity(output), holds)
        return report

    # --- the readers used while inputs are read ---------------------------------------------------------------
    def _read_table(self, path: Path, display: str, problems: ProblemList, rows: str, may_be_empty: bool
                    ) -> csv_read.Table | None:
        """csv_read.read_file_table, kept per file while its (size, mtime) stay; its problems are reported again."""
        stamp = tuple(_stamps(path)[:1])
        key = (str(path), display, rows, may_be_empty, stamp)
        cached = self._tables.get(key) if stamp else None
        if cached is None:
            found = ProblemList()
            table = csv_read.read_file_table(path, display, found, rows, may_be_empty)
            cached = (table, tuple(found.items))
            if stamp:  # one version per file and way of reading it: the last
                self._tables = {k: v for k, v in self._tables.items() if k[:4] != key[:4]}
                self._tables[key] = cached
        else:
            self.reused.append(f"table {display}")
        problems.extend(cached[1])
        table = cached[0]
        # Callers may change a table's frame: each gets its own copy.
        return None if table is None else dataclasses.replace(table, frame=table.frame.copy())

    def _check_table(self, key: tuple[object, ...], check: Callable[[ProblemList], result_checks.CheckedFrame],
                     problems: ProblemList) -> pd.DataFrame | None:
        """A results file's checked rows, kept per file while what the check reads is the same (its key); the
        problems it found are reported again."""
        path = key[1]
        last = self._checked.get(path)
        if last is not None and last[0] == key:
            self.reused.append(f"check {path}")
            problems.extend(last[2])
            return None if last[1] is None else last[1].copy()
        found = ProblemList()
        try:
            frame, keep = check(found)
        finally:
            problems.extend(found.items)
        if keep:
            self._checked[path] = (key, None if frame is None else frame.copy(), tuple(found.items))
        else:
            self._checked.pop(path, None)
        return frame

    def _load_theme(self, config: Config, problems: ProblemList) -> Theme:
        return self._replayed("theme", (config, self._theme_stamps(config)),
                              lambda found: theme_module.load_theme(config, found), problems)

    def _load_content(self, config: Config, *args: Any) -> tuple[Page, ...]:
        # (config, unit_ids, years, own_templates, labels, problems, former_ids, province_codes), as
        # pipeline.read_inputs passes them.
        before, problems, after = args[:4], args[4], args[5:]
        key = (config, self._theme_stamps(config), tuple(_stamps(config.root / "content")), before, after)
        load: Callable[..., tuple[Page, ...]] = content.load_content
        return self._replayed("content", key, lambda found: load(config, *before, found, *after), problems)

    def _theme_stamps(self, config: Config) -> tuple[Stamp, ...]:
        return tuple(stamp for path in (config.root / "themes", DEFAULT_THEME) for stamp in _stamps(path))

    def _replayed(self, name: str, key: tuple[Any, ...], make: Callable[[ProblemList], T],
                  problems: ProblemList) -> T:
        """make(problems) unless the key equals last time's; the problems it reported are reported again."""
        last = self._values.get(name)
        if last is not None and last.key == key:
            self.reused.append(name)
            problems.extend(last.problems)
            return last.value  # type: ignore[no-any-return]
        found = ProblemList()
        try:
            value = make(found)
        finally:
            problems.extend(found.items)
        self._values[name] = _Entry(key, value, tuple(found.items))
        return value


def warm(session: BuildSession | None, name: str, made_from: tuple[object, ...], make: Callable[[], T]) -> T:
    """make(), or through `session` the value it made last time from the very same objects."""
    return make() if session is None else session.reuse(name, made_from, make)
