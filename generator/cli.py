"""The `rapor` command: parses arguments, calls one function, turns RaporError into exit code 2.

Heavy imports (pandas, jinja2) happen inside the commands so `rapor --help` stays quick.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__

F = TypeVar("F", bound=Callable[..., Any])

project_argument = click.argument(
    "project_dir", default=".", type=click.Path(file_okay=False, path_type=Path), metavar="[PROJECT_DIR]"
)
strict_option = click.option("--strict", is_flag=True, help="Treat warnings (a data column that no field "
                              "reads, an index that disagrees with the weighted aspects) as errors.")


def _guarded(run: Callable[[], int]) -> None:
    """Run a command body: bad input exits 2 with located messages, a bug exits 1 with a report request."""
    from .errors import RaporError

    try:
        code = run()
    except RaporError as exc:
        click.echo(exc.format(), err=True)
        errors = sum(1 for p in exc.problems if p.severity.value == "error")
        click.echo(f"{errors} error{'s' if errors != 1 else ''} found; nothing was written.", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        click.echo("interrupted; the output folder was left as it was.", err=True)
        sys.exit(130)
    except Exception:
        click.echo(traceback.format_exc(), err=True)
        click.echo("rapor hit an internal error (a bug, not your input). Please report it with the text above.",
                   err=True)
        sys.exit(1)
    sys.exit(code)


def stderr_is_terminal() -> bool:
    """Whether a person is watching: the progress bar is drawn only then, never into logs or pipes."""
    return sys.stderr.isatty()


def _progress_bar(plans: list[Any]) -> Iterator[Any]:
    """Draw a bar on stderr while pages render."""
    with click.progressbar(plans, label="rendering", file=sys.stderr) as bar:
        yield from bar


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rapor")
def main() -> None:
    """Rapor publishes yearly public-service evaluation results as a static website."""


@main.command()
@project_argument
@strict_option
def validate(project_dir: Path, strict: bool) -> None:
    """Check a project's config, data and content without writing anything."""

    def run() -> int:
        from .build import check_project
        from .errors import format_problems

        report = check_project(project_dir, strict=strict)
        if report.warnings:
            click.echo(format_problems(report.warnings), err=True)
        click.echo(f"ok: {report.units} units, {report.rows} result rows, years {report.years}, "
                   f"{report.pages} content pages; {len(report.warnings)} warnings")
        return 0

    _guarded(run)


@main.command()
@project_argument
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: build.output from rapor.toml, usually output/).")
@strict_option
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
def build(project_dir: Path, output: Path | None, strict: bool, quiet: bool) -> None:
    """Build the website into the output folder (atomically: all or nothing)."""

    def run() -> int:
        from .build import build_site

        show_progress = not quiet and stderr_is_terminal()
        report = build_site(project_dir, output=output, strict=strict,
                            progress=_progress_bar if show_progress else None)
        if not quiet:
            from .errors import format_problems

            if report.warnings:
                click.echo(format_problems(report.warnings), err=True)
            click.echo(report.summary())
        return 0

    _guarded(run)
