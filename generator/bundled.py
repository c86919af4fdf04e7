"""Where the files Rapor ships besides its code are: the default theme, the reference lists, the starter project.

A wheel holds them inside the package (generator/default_theme/, generator/reference_data/, generator/starter/;
see [tool.setuptools] in pyproject.toml). A source checkout or an editable install has no such folders for the
theme and the reference lists: they are read from where the repository keeps them (themes/default/,
data/reference/), which is also the sample project's own layout.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def bundled_folder(in_package: str, in_checkout: str) -> Path:
    """The folder as installed from a wheel, else where a source checkout keeps it."""
    installed = PACKAGE / in_package
    return installed if installed.is_dir() else PACKAGE.parent / in_checkout


DEFAULT_THEME = bundled_folder("default_theme", "themes/default")
REFERENCE_DATA = bundled_folder("reference_data", "data/reference")
STARTER = PACKAGE / "starter"
