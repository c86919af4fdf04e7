"""The one rounding rule of the site: decimal half away from zero, on the value as it is written. Pure.

Every figure a reader sees, every grade, every rank and every download goes through `round_half_up`, so a
value shown as 4,51 is graded, ranked and downloaded as 4.51, and a change is the difference of the two
values shown.

Why not the float itself: `4.505` (as written in a result file) is stored as the binary double
4.50499999999999989..., which Python's `f"{x:.2f}"` rounds down to 4.50, while the publisher meant 4.505,
which rounds half up to 4.51. The value is therefore read back as the decimal it was written as: with 15
significant digits (the most every double keeps exactly), a number read from a file with up to 15 significant
digits comes back as exactly what the file said, and sums, means and differences lose the last-bit noise of
binary arithmetic (4.51 - 4.50 = 0.00999999999999979 reads as 0.01). That decimal is then rounded half away
from zero (decimal's ROUND_HALF_UP: 4.505 -> 4.51, -4.505 -> -4.51, 4.5049 -> 4.50).
"""

from __future__ import annotations

import math
import numbers
from decimal import ROUND_HALF_UP, Context, Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy and pandas are imported where they are used: a render worker never loads them
    import pandas as pd

# Enough digits for any finite double (up to 309 before the point) at any precision the scheme allows, so
# quantize never runs out of digits (the default context holds 28).
_CONTEXT = Context(prec=400, rounding=ROUND_HALF_UP)


def as_written(value: float | int) -> Decimal:
    """The decimal a float stands for: its 15 significant digits (exact for ints)."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):  # numpy's integers are Integral
        return Decimal(int(value))
    return Decimal(format(float(value), ".15g"))


@lru_cache(maxsize=1 << 16)
def round_half_up(value: float | int, decimals: int) -> Decimal:
    """`value` rounded half away from zero to `decimals` places, as an exact decimal. NaN is not allowed."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"cannot round {value}")
    return as_written(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP, context=_CONTEXT)


def round_float(value: float | int, decimals: int) -> float:
    """`round_half_up` as the float closest to the rounded decimal (so `f"{x:.{decimals}f}"` prints it)."""
    return float(round_half_up(value, decimals))


def round_series(values: pd.Series, decimals: int) -> pd.Series:
    """`round_half_up` over a Series (float64 out, missing values stay NaN); each distinct value is
    rounded once."""
    import numpy as np
    import pandas as pd

    numbers = pd.to_numeric(values, errors="raise").astype("float64")
    present = numbers.notna().to_numpy() & np.isfinite(numbers.to_numpy(na_value=np.nan))
    out = np.full(len(numbers), np.nan, dtype="float64")
    if present.any():
        distinct, positions = np.unique(numbers.to_numpy()[present], return_inverse=True)
        rounded = np.array([round_float(float(v), decimals) for v in distinct], dtype="float64")
        out[present] = rounded[positions]
    return pd.Series(out, index=values.index, name=values.name, dtype="float64")


def mean_of_steps(total: float | int, count: int, decimals: int) -> Decimal:
    """The mean of `count` values that sum to `total` steps of 10**-decimals, rounded half away from zero:
    exact, because published values are whole numbers of steps."""
    quotient = _CONTEXT.divide(Decimal(int(total)), Decimal(int(count)))
    return quotient.quantize(Decimal(1), rounding=ROUND_HALF_UP, context=_CONTEXT).scaleb(-decimals, _CONTEXT)


def published_means(frame: pd.DataFrame, by: list[str], fields: list[str], decimals: int) -> pd.DataFrame:
    """Per group (`by`), the mean of each field's published values (rounded by `round_half_up`), itself
    rounded: the average a reader gets from the published figures. Missing values are left out; a group
    with none gets NaN. Returns `by` as columns and one column per field."""
    import numpy as np
    import pandas as pd

    step = 10.0**decimals
    steps = pd.DataFrame({f: np.rint(round_series(frame[f], decimals).to_numpy() * step) for f in fields},
                         index=frame.index)
    for column in by:
        steps[column] = frame[column]
    grouped = steps.groupby(by, sort=True)
    sums, counts = grouped[fields].sum(min_count=1), grouped[fields].count()
    out = pd.DataFrame(index=sums.index)
    for f in fields:
        out[f] = [float(mean_of_steps(total, count, decimals)) if count else np.nan
                  for total, count in zip(sums[f].to_numpy(), counts[f].to_numpy(), strict=True)]
    return out.reset_index()


def format_fixed(value: float | int, decimals: int) -> str:
    """The rounded value written with `decimals` places and '.' as decimal point ('-4.51', '0.00'), for
    downloads; the sign is dropped when the value rounds to zero."""
    rounded = round_half_up(value, decimals)
    if rounded == 0:
        rounded = abs(rounded)
    return f"{rounded:.{decimals}f}"
