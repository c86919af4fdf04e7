"""The `rapor` command: parses arguments, calls one function, turns RaporError into exit code 2.

Heavy imports (pandas, jinja2) happen inside the commands so `rapor --help` stays quick.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import traceback
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__

F = TypeVar("F", bound=Callable[..., Any])

project_argument = click.argument(
    "project_dir", default=".", type=click.Path(path_type=Path), metavar="[PROJECT_DIR]"
)
strict_option = click.option("--strict", is_flag=True, help="Treat warnings (a data column that no field "
                              "reads, an index that disagrees with the weighted aspects) as errors.")


def _guarded(run: Callable[[], int]) -> None:
    """Run a command body: bad input or an operating-system failure (no permission, a full disk) exits 2
    with located messages; a stop signal ends it cleanly (exit 128 + the signal's number); a bug exits 1
    with a report request."""
    from .errors import RaporError
    from .interrupts import Interrupted, stop_signals_raise
    from .oserrors import os_error_text

    with stop_signals_raise() as signals:
        try:
            try:
                code = run()
            finally:
                signals.hold()  # reporting the outcome is never cut short
        except BrokenPipeError:  # the program reading our output stopped early (`| head`): nothing went wrong
            _quiet_stdout()
            code = 141  # as a shell reports a program ended by SIGPIPE
        except RaporError as exc:
            code = _report(exc.format(), sum(1 for p in exc.problems if p.severity.value == "error"))
        except OSError as exc:  # what a stage did not locate itself: still the user's to fix, never a bug
            code = _report(os_error_text(exc), 1)
        except KeyboardInterrupt as exc:
            signum = exc.signum if isinstance(exc, Interrupted) else signal.SIGINT
            name = signal.Signals(signum).name
            if isinstance(exc, Interrupted) and exc.finished:
                click.echo(f"stopped by {name} as the build finished; the output folder holds the new site.",
                           err=True)
            else:
                click.echo(f"interrupted by {name}; nothing was left behind and the output folder was left as "
                           "it was.", err=True)
            code = 128 + signum
        except Exception:
            click.echo(traceback.format_exc(), err=True)
            click.echo("rapor hit an internal error (a bug, not your input). Please report it with the text "
                       "above.", err=True)
            code = 1
    sys.exit(code)


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so flushing it as Python exits does not fail a second time."""
    with contextlib.suppress(OSError, ValueError):  # io.UnsupportedOperation is both: no real file behind stdout
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _report(text: str, errors: int) -> int:
    click.echo(text, err=True)
    click.echo(f"{errors} error{'s' if errors != 1 else ''} found; nothing was written.", err=True)
    return 2


def stderr_is_terminal() -> bool:
    """Whether a person is watching: the progress bar is drawn only then, never into logs or pipes."""
    return sys.stderr.isatty()


class _Commands(click.Group):
    """The command group, whose usage errors (an unknown option or command, a value out of range, an extra
    argument) are one located line with a hint, exit 2, like every other problem; Click prints a usage block."""

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.NoArgsIsHelpError as exc:  # `rapor` alone: the help, as Click shows it
            if not standalone_mode:
                raise
            exc.show()
            sys.exit(exc.exit_code)
        except click.UsageError as exc:
            from .errors import Problem

            path = exc.ctx.command_path.split(" ")[1:] if exc.ctx is not None else []
            command = " ".join(["rapor", *path])  # the program's name, however it was started
            where, message = command, exc.format_message()
            message = message[:1].lower() + message[1:]
            if isinstance(exc, click.NoSuchOption | click.BadOptionUsage):  # unknown, or missing its value
                where = exc.option_name
            elif isinstance(exc, click.BadParameter) and exc.param is not None:
                where = exc.param.opts[0] if isinstance(exc.param, click.Option) else str(exc.param.human_readable_name)
            click.echo(Problem(where, 1, 1, message.rstrip("."), f"see {command} --help").format(), err=True)
            click.echo("1 error found; nothing was written.", err=True)
            if not standalone_mode:
                raise
            sys.exit(2)
        except click.ClickException as exc:  # other Click failures (a file argument that cannot be opened)
            if not standalone_mode:
                raise
            exc.show()
            sys.exit(exc.exit_code)
        except click.Abort:
            if not standalone_mode:
                raise
            click.echo("Aborted!", err=True)
            sys.exit(1)
        if standalone_mode:
            sys.exit(result if isinstance(result, int) else 0)
        return result


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
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
        click.echo(report.summary())
        return 0

    _guarded(run)


@main.command()
@project_argument
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Output folder (default: build.output from rapor.toml, usually output/).")
@strict_option
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@click.option("--force", is_flag=True, help="Render every page, even those whose inputs did not change.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes rendering pages (default: one per core; 1 renders in this process).")
def build(project_dir: Path, output: Path | None, strict: bool, quiet: bool, force: bool, jobs: int | None) -> None:
    """Build the website into the output folder (atomically: all or nothing)."""

    def run() -> int:
        from .build import build_site
        from .cli_progress import StageLines, TerminalStages

        progress = None if quiet else TerminalStages() if stderr_is_terminal() else StageLines()
        report = build_site(project_dir, output=output, strict=strict, progress=progress, force=force,
                            jobs=jobs)
        if not quiet:
            from .errors import format_problems

            if report.warnings:
                click.echo(format_problems(report.warnings), err=True)
            if isinstance(progress, StageLines) and not isinstance(progress, TerminalStages):
                click.echo("\n".join(progress.lines))
            click.echo(report.summary())
        return 0

    _guarded(run)


@main.command()
@project_argument
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="The output folder to compare with (default: build.output from rapor.toml).")
@strict_option
@click.option("--exit-code", is_flag=True, help="Exit with 1 when something would change, 0 when nothing would.")
@click.option("--ranks", is_flag=True, help="Also list the units whose only change is their rank.")
@click.option("--draft-corrections", is_flag=True,
              help="Print rows for data/corrections.csv (dated today, reasons to fill in) instead of the report.")
def diff(project_dir: Path, output: Path | None, strict: bool, exit_code: bool, ranks: bool,
         draft_corrections: bool) -> None:
    """Show what building now would change in the output folder: results per unit and year, and files."""

    def run() -> int:
        import datetime

        from .build import build_site
        from .diff import OutputComparison, diff_results
        from .diff import draft_corrections as draft
        from .diff_report import format_diff

        comparison = OutputComparison()
        report = build_site(project_dir, output=output, strict=strict, sink=comparison.compare)
        results = diff_results(comparison.downloads)
        if draft_corrections:
            click.echo(draft(results, datetime.date.today()), nl=False)
        else:
            click.echo(format_diff(results, comparison, report.output, ranks))
        return 1 if exit_code and comparison.has_changes else 0

    _guarded(run)


@main.command()
@project_argument
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Output folder (default: build.output from rapor.toml, usually output/).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port on 127.0.0.1 (0: any free port).")
@strict_option
def serve(project_dir: Path, output: Path | None, port: int, strict: bool) -> None:
    """Preview the site on 127.0.0.1, rebuilding and reloading the page when an input changes."""

    def run() -> int:
        import threading

        from .build import build_site
        from .serve import PreviewState, make_server, rebuild_loop
        from .session import BuildSession

        state = PreviewState()
        session = BuildSession()  # what rebuilds reuse from the previous build (session.py)

        def build() -> str:
            report = build_site(project_dir, output=output, strict=strict, session=session)
            built.append(report.output)
            return report.summary()

        built: list[Path] = []
        server = make_server(state, "127.0.0.1", port)  # a port in use is said before the build is waited for
        try:
            # The first build must succeed: until then there is nothing to serve and no output folder to name.
            summary = build()
        except BaseException:
            server.server_close()
            raise
        click.echo(summary, err=True)
        state.output = target = built[-1]
        state.succeeded()
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
        host, bound = server.server_address[:2]
        click.echo(f"serving {target} at http://{host!s}:{bound}/ (Ctrl-C stops)", err=True)
        # Rebuilds run here, in the main thread, where a stop signal is handled as in `rapor build`.
        try:
            rebuild_loop(project_dir, target, build, state, partial(click.echo, err=True), threading.Event())
        finally:
            server.shutdown()
            server.server_close()
        return 0

    _guarded(run)


@main.command()
@project_argument
@click.option("--force", is_flag=True, help="Replace the starter's files where they already exist (other files "
              "are left alone).")
def init(project_dir: Path, force: bool) -> None:
    """Start a new project: a commented rapor.toml, the reference lists, one year of illustrative example data
    and narrative stubs, which build at once."""

    def run() -> int:
        from .scaffold import init_project

        report = init_project(project_dir, force=force)
        replaced = f" ({len(report.replaced)} replaced)" if report.replaced else ""
        click.echo(f"wrote {len(report.written)} files{replaced} into {project_dir}")
        click.echo(f"next: rapor build {project_dir}, then replace the illustrative data in data/ with your own "
                   "(see rapor.toml)")
        return 0

    _guarded(run)
