"""Swapping two folders in one step, so that not even `kill -9` finds a moment without an output folder.

Replacing the output with two renames (output -> retired, staging -> output) leaves, between them, no
output at all: a build killed there would leave the site missing. Linux swaps two paths atomically with
renameat2(RENAME_EXCHANGE); where the system or the file system cannot, `exchange` says so and the caller
falls back to the two renames (and output_guard.remove_leftovers puts the previous output back if a build
died between them).
"""

from __future__ import annotations

import ctypes
import errno
import os
import sys
from collections.abc import Callable
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
# Answers meaning "this kernel or file system cannot exchange", not a failure of this exchange.
_UNSUPPORTED = {errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP}

Renameat2 = Callable[[int, bytes, int, bytes, int], int]


def _load() -> Renameat2 | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2  # glibc 2.28 and later, musl 1.2.2 and later
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


_renameat2 = _load()


def exchange(first: Path, second: Path) -> bool:
    """Swap two existing paths atomically. False where that is not possible here (nothing was changed);
    any other failure raises OSError."""
    if _renameat2 is None:
        return False
    if _renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))
