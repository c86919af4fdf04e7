"""Signals that ask a build to stop end it cleanly, never half-way through a swap.

The CLI turns every catchable signal whose default is to end the process into `Interrupted` (a
KeyboardInterrupt), so the same clean-up runs as for Ctrl-C: the staging folder is removed and the
previous output stays. Short critical steps (creating or removing a folder, the swap itself, taking
or releasing the lock) run inside `deferred_signals()`: a signal that arrives then is raised as soon as
the step is done, so the step is never cut in two.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

# Every signal that would otherwise end the process (SIGKILL cannot be caught; a later build removes
# what such a build left).
STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGALRM")
    if hasattr(signal, name)
)


class Interrupted(KeyboardInterrupt):
    """A stop signal arrived. `finished` is True when the new output was already in place."""

    def __init__(self, signum: int, finished: bool = False) -> None:
        self.signum = signum
        self.finished = finished
        super().__init__(signal.Signals(signum).name)

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name


class _State:
    raising = False  # handlers are installed and a signal should stop the command
    deferring = 0  # inside a critical step: remember the signal, raise it afterwards
    pending: int | None = None


_state = _State()


def _on_signal(signum: int, frame: FrameType | None) -> None:
    if _state.raising and not _state.deferring:
        raise Interrupted(signum)
    if _state.pending is None:
        _state.pending = signum


class StopSignals:
    """Handle on the installed handlers: `hold()` stops raising (e.g. while reporting the outcome)."""

    def hold(self) -> None:
        _state.raising = False

    @property
    def pending(self) -> int | None:
        return _state.pending


@contextmanager
def stop_signals_raise() -> Iterator[StopSignals]:
    """Within the block, stop signals raise `Interrupted`. Signals ignored on purpose (nohup) stay ignored."""
    installed: dict[int, signal.Handlers | int | object] = {}
    if threading.current_thread() is threading.main_thread():
        for signum in STOP_SIGNALS:
            current = signal.getsignal(signum)
            if current is not signal.SIG_IGN:
                installed[signum] = current
                signal.signal(signum, _on_signal)
    _state.raising, _state.deferring, _state.pending = True, 0, None
    try:
        yield StopSignals()
    finally:
        _state.raising, _state.pending = False, None
        for signum, previous in installed.items():
            # None: a handler set outside Python, which cannot be put back; the default is closest.
            signal.signal(signum, signal.SIG_DFL if previous is None else previous)  # type: ignore[arg-type]


@contextmanager
def deferred_signals() -> Iterator[None]:
    """Run a short critical step whole; a stop signal that arrived meanwhile is raised right after it."""
    _state.deferring += 1
    try:
        yield
    finally:
        _state.deferring -= 1
    if _state.raising and not _state.deferring and _state.pending is not None:
        signum, _state.pending = _state.pending, None
        raise Interrupted(signum)
