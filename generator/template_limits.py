"""How much one expression of a project's template may make, in Jinja's sandbox (templates.py).

The sandbox stops a template from reaching Python's internals and caps `range()`; these limits stop one
operator or filter from asking for gigabytes at once, which would not fail as a located error but end the
build with the system's out-of-memory killer (`{{ "x" * 10**10 }}`, `{{ 9**9**9 }}`, `{{ "%999999999d" % 1 }}`,
`{{ "{:>999999999}".format(1) }}`, `{{ text|center(10**9) }}`). Each is refused as a SecurityError, which the
renderer reports at the template line with the sandbox's hint. What a page may hold in all is not bounded here:
the limits are far above what any page needs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sized
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError

MAX_ITEMS = 10_000_000  # characters or items a repetition, a join or a replacement may make
MAX_BITS = 100_000  # bits of a whole number a power (`**`) may make (about 30,000 digits)
MAX_WIDTH = 10_000  # a field width or precision in a format, or a width of center and indent

# A %-format's field: flags, then a width and a precision (digits, or * taken from the arguments).
_PERCENT_FIELD = re.compile(r"%[#0 +\-]*(\*|\d+)?(?:\.(\*|\d+))?")
# A str.format field's spec (after its ':'), without nested fields; a nested field is refused as such.
_FORMAT_SPEC = re.compile(r"\{[^{}]*?:([^{}]*)\}")
_NESTED_FIELD = re.compile(r"\{[^{}]*:[^{}]*\{")


def too_large(what: str) -> SecurityError:
    return SecurityError(f"{what} would be too large for a page (the sandbox's limit on one expression)")


def check_binop(operator: str, left: Any, right: Any) -> None:
    """Refuse a repetition, power or %-format whose result would be huge, before it is made."""
    if operator == "*":
        for seq, times in ((left, right), (right, left)):
            if (isinstance(seq, str | list | tuple | bytes) and isinstance(times, int)
                    and len(seq) * times > MAX_ITEMS):
                raise too_large(f"repeating a {type(seq).__name__} of {len(seq):,} items {times:,} times")
    elif operator == "+" and isinstance(left, str | list | tuple) and isinstance(right, str | list | tuple):
        if len(left) + len(right) > MAX_ITEMS:  # a text doubled in a loop
            raise too_large(f"joining {len(left):,} and {len(right):,} items")
    elif operator == "**":
        if (isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right > 0
                and left.bit_length() * right > MAX_BITS):
            raise too_large(f"the power {left} ** {right}")
    elif operator == "%" and isinstance(left, str):
        check_percent_format(left)


def check_percent_format(text: str) -> None:
    for field in _PERCENT_FIELD.finditer(text):
        for size in field.groups():
            if size == "*" or (size is not None and int(size) > MAX_WIDTH):
                raise too_large(f"the format field '{field.group(0)}'")


def check_str_format(text: str) -> None:
    if _NESTED_FIELD.search(text):
        raise SecurityError("a format field with a nested width or precision cannot be checked in the sandbox")
    for spec in _FORMAT_SPEC.finditer(text):
        if any(int(digits) > MAX_WIDTH for digits in re.findall(r"\d+", spec.group(1))):
            raise too_large(f"the format field '{spec.group(0)}'")


def _width(value: Any) -> int:
    return value if isinstance(value, int) else len(value) if isinstance(value, str) else 0


def limited_filters(filters: dict[str, Callable[..., Any]]) -> dict[str, Callable[..., Any]]:
    """Jinja's center, indent, format, join and replace filters, with the size of what they make checked
    first."""
    center, indent, format_ = filters["center"], filters["indent"], filters["format"]
    join, replace = filters["join"], filters["replace"]

    def checked_center(value: str, width: int = 80) -> str:
        if _width(width) > MAX_WIDTH:
            raise too_large(f"centring in {width:,} characters")
        return str(center(value, width))

    def checked_indent(value: str, width: int | str = 4, *args: Any, **kwargs: Any) -> str:
        if _width(width) * (str(value).count("\n") + 1) > MAX_ITEMS:
            raise too_large("the indented text")
        return str(indent(value, width, *args, **kwargs))

    def checked_format(value: str, *args: Any, **kwargs: Any) -> str:
        check_percent_format(str(value))
        return str(format_(value, *args, **kwargs))

    @jinja2.pass_eval_context
    def checked_replace(eval_ctx: Any, value: str, old: str, new: str, count: int | None = None) -> str:
        text, old_text = str(value), str(old)
        times = text.count(old_text) if count is None else min(count, text.count(old_text))
        if len(text) + times * len(str(new)) > MAX_ITEMS:
            raise too_large("the replaced text")
        return str(replace(eval_ctx, value, old, new, count))

    @jinja2.pass_eval_context
    def checked_join(eval_ctx: Any, value: Any, d: str = "", attribute: Any = None) -> str:
        if not isinstance(value, Sized):
            value = list(value)  # a generator: its items are few, as every loop's are (range() is capped)
        if len(value) * len(str(d)) > MAX_ITEMS:
            raise too_large(f"joining {len(value):,} items with a separator of {len(str(d)):,} characters")
        return str(join(eval_ctx, value, d, attribute))

    return {"center": checked_center, "indent": checked_indent, "format": checked_format, "join": checked_join,
            "replace": checked_replace}
