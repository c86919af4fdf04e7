"""Parts of a page that are the same on many pages, rendered once per build and reused: `shared_fragment`.

Every page's header navigation and footer depend only on the page's language and where the page sits (its
`root`, "../../"), yet each page rendered them again through a dozen calls and includes: on a site of tens of
thousands of pages that is a large share of all rendering. A template wraps such a part in

    {% call shared_fragment("footer", lang, root) %}...{% endcall %}

and the block runs the first time a key is seen; later pages with the same key get its HTML. The key must
name everything the block shows that is not the same on every page of the build (the language and the root
here: the footer's other values, such as the years and the A–Z levels, are the language's common values). As
the key holds values every page carries in its own context, the incremental rule (incremental.py: a page's
HTML depends only on its plan and the renderer) still holds. Each build's renderer gets a fresh cache
(render.make_renderer: a warm session reuses the environment across builds, never the fragments); each worker
process of a parallel build has its own, with the same results.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from markupsafe import Markup

# Distinct keys kept; more (a site nested deeper than any today) renders again rather than grow without bound.
MAX_KEYS = 4096


class SharedFragments:
    """The template global `shared_fragment(name, *key)`, for use with `{% call %}`."""

    def __init__(self) -> None:
        self._made: dict[tuple[Hashable, ...], Markup] = {}

    def __call__(self, name: str, *key: Hashable, caller: Callable[[], str]) -> Markup:
        full = (name, *key)
        found = self._made.get(full)
        if found is None:
            found = Markup(caller())
            if len(self._made) < MAX_KEYS:
                self._made[full] = found
        return found
