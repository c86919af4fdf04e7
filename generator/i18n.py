"""Interface strings per language and locale-aware number formatting.

Messages live in the theme's `i18n/<lang>.toml` (a site theme may override single keys). Numbers use
the locale's symbols from Babel (`3,68` in Indonesian, `3.68` in English); the symbols are looked up
once per language and applied with Python's own formatting, because calling Babel for every number on
twenty thousand pages would dominate the build.
"""

from __future__ import annotations

import datetime
import math
import re
import string
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from babel.dates import format_date
from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol

from .config_reader import key_positions
from .errors import NotUtf8, ProblemList, utf8_text
from .rounding import round_half_up

MINUS = "\u2212"


@dataclass(frozen=True)
class Locale:
    lang: str
    messages: dict[str, str]
    decimal: str
    group: str
    minus: str
    babel_locale: str
    # number() results by (value, decimals): the same few thousand values fill twenty thousand pages.
    _numbers: dict[tuple[float | int | None, int], str] = field(default_factory=dict, compare=False, repr=False)

    def t(self, key: str, **values: object) -> str:
        """The message `key` in this language, with `{name}` placeholders filled in."""
        try:
            text = self.messages[key]
        except KeyError:
            raise KeyError(f"no message '{key}' for language '{self.lang}'") from None
        return text.format(**values) if values else text

    def number(self, value: float | int | None, decimals: int = 2) -> str:
        """`value` rounded by the site's one rule (rounding.py: 4.505 -> 4,51, as graded and ranked), with
        this language's symbols; a value that rounds to zero has no minus sign."""
        key = (value, decimals)
        text = self._numbers.get(key)  # first: a page writes some hundred figures, nearly all written before
        if text is not None:
            return text
        if value is None or (isinstance(value, float) and math.isnan(value)):  # never kept: (None, 2) misses
            return "–"
        rounded = round_half_up(value, decimals)
        text = self._numbers[key] = (self.minus if rounded < 0 else "") + self._digits(rounded, decimals)
        return text

    def numbers(self, values: Iterable[float | int | None], decimals: int = 2) -> list[str]:
        """`number` of each value: a row of figures costs a template one call instead of one per figure."""
        return [self.number(value, decimals) for value in values]

    def signed(self, value: float | int | None, decimals: int = 2) -> str:
        """A change with its sign: +0,12 / −0,05 / ±0,00 (a change that rounds to zero)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        rounded = round_half_up(value, decimals)
        sign = "±" if rounded == 0 else "+" if rounded > 0 else self.minus
        return sign + self._digits(rounded, decimals)

    def _digits(self, rounded: Decimal, decimals: int) -> str:
        text = f"{abs(rounded):,.{decimals}f}"
        return text.replace(",", "\x00").replace(".", self.decimal).replace("\x00", self.group)

    def integer(self, value: int | None) -> str:
        return "–" if value is None else self.number(value, 0)

    def date(self, value: datetime.date) -> str:
        """A date in this language's words by the theme's `share.date_format` (a Babel pattern; the default theme's
        `d MMMM y`: 12 Desember 2024 / 12 December 2024). One pattern for every date a site shows, so an English
        page does not say "10 December 2024" beside "February 17, 2025"."""
        return str(format_date(value, format=self.t("share.date_format"), locale=self.babel_locale))


def _read_messages(path: Path, shown: str, problems: ProblemList,
                   defaults: dict[str, str] | None = None) -> dict[str, str]:
    """The file's messages by dotted key. With `defaults` (the messages of the themes below it), each is checked
    as a message: text, whose placeholders are plain names its default message is given too."""
    try:
        text = utf8_text(path.read_bytes())
        raw = tomllib.loads(text)
    except NotUtf8 as bad:
        problems.error(shown, bad.line, bad.column, f"message file is not UTF-8 text ({bad.reason})",
                       "save the theme's i18n file as UTF-8")
        return {}
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line, column = (int(found.group(1)), int(found.group(2))) if found else (1, 1)
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        problems.error(shown, line, column, f"message file is not valid TOML: {reason}",
                       "check quotes and '=' in the theme's i18n file")
        return {}
    flat: dict[str, str] = {}

    def walk(prefix: str, node: dict[str, object]) -> None:
        for key, value in node.items():
            name = f"{prefix}{key}"
            if isinstance(value, dict):
                walk(name + ".", value)
            else:
                flat[name] = str(value)

    walk("", raw)
    if defaults is not None:
        positions = key_positions(text)
        for key, value in _leaves(raw):
            line, column = positions.get(key, (1, 1))
            for problem in _message_problems(key, value, defaults.get(key)):
                problems.error(shown, line, column, *problem)
    return flat


def _leaves(node: dict[str, object], prefix: str = "") -> Iterable[tuple[str, object]]:
    for key, value in node.items():
        if isinstance(value, dict):
            yield from _leaves(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def _placeholders(text: str) -> list[tuple[str, str, str | None]]:
    """(name, format spec, conversion) of every placeholder; ValueError for a brace left open or closed alone."""
    return [(name, spec or "", conversion) for _, name, spec, conversion in string.Formatter().parse(text)
            if name is not None]


def _message_problems(key: str, value: object, default: str | None) -> list[tuple[str, str]]:
    """Why a theme's message cannot be used (message, hint), checked when the theme is read: it was found, if at
    all, on the first page that wrote it, as an error of the default template that asked for it."""
    if not isinstance(value, str):
        return [(f"message '{key}' must be text", f'write it in quotes, e.g. {key.rsplit(".", 1)[-1]} = "..."')]
    given = sorted({name for name, _, _ in _placeholders(default)}) if default is not None else None
    usable = ("use " + ", ".join(f"{{{name}}}" for name in given) if given else
              "this message is given no values") if given is not None else "use plain names, e.g. {name}"
    try:
        found = _placeholders(value)
    except ValueError as exc:
        return [(f"message '{key}' has a brace that is not a placeholder ({exc})",
                 "write a placeholder as {name}, and a brace meant as text twice: {{ or }}")]
    problems = []
    for name, spec, conversion in found:
        shown_name = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
        if not name.isidentifier() or spec or conversion:
            problems.append((f"message '{key}' has the placeholder '{shown_name}', which is not a plain name", usable))
        elif given is not None and name not in given:
            problems.append((f"message '{key}' uses '{shown_name}', a value this message is not given", usable))
    return problems


def load_locale(lang: str, theme_dirs: list[Path], problems: ProblemList, shown: Callable[[Path], str] = str) -> Locale:
    """Messages for `lang` from every theme folder, the site theme's keys winning over the default's."""
    messages: dict[str, str] = {}
    for number, folder in enumerate(reversed(theme_dirs)):
        path = folder / "i18n" / f"{lang}.toml"
        if path.is_file():  # the first is Rapor's own default theme's; each later theme's messages are checked
            messages.update(_read_messages(path, shown(path), problems, dict(messages) if number else None))
        elif path.is_dir():
            problems.error(shown(path), 1, 1, "the message file is a folder, not a file",
                           f"put the theme's {lang}.toml text file in its place, or remove the folder")
    babel_locale = {"id": "id_ID", "en": "en_US"}.get(lang, lang)
    minus = get_minus_sign_symbol(babel_locale)
    return Locale(lang, messages, get_decimal_symbol(babel_locale), get_group_symbol(babel_locale),
                  MINUS if minus == "-" else minus, babel_locale)
