"""How `rapor build` shows a build's stages: live on a terminal, one line per stage in logs (CI)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import Any

import click


class StageLines:
    """One line per stage with its time, e.g. `model: 0.84 s`, printed with the build's summary: a CI log shows
    where the time went. A build that stops on bad input prints its problems alone."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def stage_started(self, name: str) -> None:
        pass

    def stage_done(self, name: str, seconds: float) -> None:
        self.lines.append(f"{name}: {seconds:.2f} s")

    def pages(self, plans: list[Any]) -> Iterable[Any]:
        return plans


class TerminalStages(StageLines):
    """On a terminal: the stage under way, then its time on the same line, and a bar while pages render."""

    def stage_started(self, name: str) -> None:
        click.echo(f"{name} …", err=True, nl=False)

    def stage_done(self, name: str, seconds: float) -> None:
        # Written over "<name> …": the time is at least as long as the ellipsis it replaces.
        click.echo(f"\r{name}: {seconds:.2f} s", err=True)

    def pages(self, plans: list[Any]) -> Iterator[Any]:
        click.echo("", err=True)
        with click.progressbar(plans, label="rendering", file=sys.stderr) as bar:
            yield from bar
