"""Plan context values made only when their page is rendered.

A page that the next build reuses (incremental.py) is never rendered, so a value only its HTML shows need not be
made while planning: a ranking page's table tool values (table_tools.PageTools) cost as much to make as the
rest of its plan. Such a value is a `Deferred` in the plan's context. Its page's fingerprint hashes
`fingerprint()` in its place, which with the rest of the context must determine `value()` entirely (the rule
incremental.py rests on); the template sees `value()`, made when the page is rendered (render.Renderer), in the
process that renders it (a render worker: parallel.py).
"""

from __future__ import annotations

from typing import Any


class Deferred:
    """A context value made on first use. Subclasses say what makes it (`fingerprint`) and make it (`value`)."""

    __slots__ = ()

    def value(self) -> Any:
        raise NotImplementedError

    def fingerprint(self) -> tuple[object, ...]:
        """What `value()` depends on beyond the other values of its page's context (plain data: hashed)."""
        raise NotImplementedError


def resolved(context: dict[str, Any]) -> dict[str, Any]:
    """`context` with each Deferred value made: what a template is rendered with."""
    if not any(isinstance(value, Deferred) for value in context.values()):
        return context
    return {key: value.value() if isinstance(value, Deferred) else value for key, value in context.items()}
