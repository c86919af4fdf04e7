"""Rules for names a user chooses that become file or folder names of the built site.

Unit ids, former ids, province codes, level and type keys end up in paths of the built site, which
is copied to and served from Windows and macOS machines as well: a name those systems cannot store as
written (a device name such as CON, a trailing dot) is refused like one that climbs out of its folder.
"""

from __future__ import annotations

import re

# Windows device names, with or without an extension (NUL.txt and NUL.tar.gz are NUL), in any case.
WINDOWS_DEVICE = re.compile(r"(?i)(?:con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(?:\..*)?")
WINDOWS_HINT = ("Windows cannot store a file or folder named like a device (CON, PRN, AUX, NUL, COM1, LPT1, "
                "also with an extension) or ending in '.' or a space; choose another name")


def windows_unsafe(name: str) -> bool:
    """True for a name Windows cannot give a file or folder: a device name, or a trailing dot or space."""
    return WINDOWS_DEVICE.fullmatch(name) is not None or name.endswith((".", " "))

