"""A finding (findings.py) as a sentence in the page's language: its message filled with formatted values.

Called from templates (`finding_text(f)`): the message comes from the theme's i18n files and the values are
written with the page's Locale and labels, as the page writes the same figures elsewhere (3,69 in Indonesian,
3.69 in English). The sentence is plain text; Jinja escapes it, names from the data included.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jinja2
from babel.lists import format_list

from .findings import Finding, Param
from .i18n import Locale


class MessageError(ValueError):
    """A finding's message that its values cannot fill in (a theme's rewording naming an unknown placeholder)."""


def _value(param: Param, page: Mapping[str, Any]) -> str:
    fmt: Locale = page["fmt"]
    kind, value = param.kind, param.value
    if isinstance(value, Finding):
        return sentence(value, page)
    if isinstance(value, tuple):  # years
        return format_list([str(y) for y in value], locale=fmt.babel_locale)
    if kind in ("score", "diff") and isinstance(value, (int, float)):
        return fmt.number(value, page["precision"])
    if kind == "count" and isinstance(value, int):
        return fmt.integer(value)
    labels = {"aspect": "aspect_label", "type": "type_label", "level": "level_label"}
    if kind in labels:
        return str(page[labels[kind]][value])
    if kind == "predikat":
        return str(page["grade"][value]["predikat"])
    return str(value)  # a year, a grade letter, a name: shown as written


def sentence(finding: Finding, page: Mapping[str, Any]) -> str:
    """The finding's message with its values, formatted by the page's Locale and labels."""
    fmt: Locale = page["fmt"]
    try:
        return fmt.t(finding.key, **{name: _value(param, page) for name, param in finding.params.items()})
    except MessageError:
        raise  # a clause's own message, already named
    except (KeyError, IndexError, ValueError) as exc:
        if finding.key not in fmt.messages:
            raise
        # A theme's rewording that names a value the finding does not have: say which message and what it may use.
        given = ", ".join(f"{{{name}}}" for name in finding.params) or "none"
        raise MessageError(f"the message '{finding.key}' ({fmt.lang}) cannot be filled in ({exc}); "
                         f"its placeholders can be: {given}") from None


@jinja2.pass_context
def finding_text(context: Any, finding: Finding) -> str:
    """Template global: `finding_text(f)` on a page."""
    return sentence(finding, context)
