"""Print the configuration reference table for README.md from generator/settings.py (the one source)."""

from __future__ import annotations

import json

from generator.settings import SETTINGS


def main() -> None:
    print("| key | default | description |")
    print("|---|---|---|")
    for setting in SETTINGS:
        if setting.default is None:
            default = "(required)"
        elif setting.kind == "list[table]":
            default = f"{len(setting.default)} entries (PEKPPP)" if setting.default else "none"
        else:
            default = json.dumps(setting.default, ensure_ascii=False)
        print(f"| `{setting.key}` | {default} | {setting.doc} |")


if __name__ == "__main__":
    main()
