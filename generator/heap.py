"""A cold build's long-lived objects kept out of the cyclic garbage collector's walks.

A build makes millions of objects that live until it ends: the inputs, the site data's rows, the findings, the
plans. CPython's collector walks every tracked object of its oldest generation whenever enough new objects
have survived since its last walk, so the more a build has made, the longer each walk; at 20,000 units these
walks took some 5 s of a 38 s rebuild with nothing changed (more than half of it in the plan stage), and found
almost nothing to collect.

`long_lived(True)` gives a build `settle`, called where a stage ends: it moves every object alive then into
the collector's permanent generation (gc.freeze), where no walk visits it. Reference counting still frees
those objects when they are let go (the model's frames, the plans before Pagefind starts); only a reference
cycle among them would wait for the end of the build, when the context gives every object back to the
collector (gc.unfreeze), also when the build fails: a process that builds many times (tests) keeps nothing.
A warm session (`rapor serve`) keeps its values between builds in one long process and is left as it is.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager


def _nothing() -> None:
    pass


@contextmanager
def long_lived(active: bool) -> Iterator[Callable[[], None]]:
    """`settle` for a build's stage ends: gc.freeze while `active`, nothing otherwise."""
    if not active or gc.get_freeze_count():  # a build inside another's (none does) leaves the freezing to it
        yield _nothing
        return
    try:
        yield gc.freeze
    finally:
        gc.unfreeze()
