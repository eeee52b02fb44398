"""Fill translations into a .po file from a JSON object {msgid: msgstr}.

    python scripts/po_fill.py assistance/locale/zh_Hans/LC_MESSAGES/django.po zh.json

Only the given msgids are touched; their fuzzy flag is cleared. Prints the msgids of the file
that are still untranslated or fuzzy, so none is forgotten. Plural entries take a list.
"""

from __future__ import annotations

import json
import sys

import polib  # type: ignore[import-untyped]


def main(po_path: str, json_path: str | None) -> int:
    po = polib.pofile(po_path, wrapwidth=79)
    translations: dict[str, str | list[str]] = {}
    if json_path:
        with open(json_path, encoding="utf-8") as handle:
            translations = json.load(handle)
    for entry in po:
        if entry.msgid not in translations:
            continue
        value = translations[entry.msgid]
        if entry.msgid_plural:
            forms = value if isinstance(value, list) else [value]
            entry.msgstr_plural = dict(enumerate(forms))
        else:
            entry.msgstr = value if isinstance(value, str) else value[0]
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            entry.previous_msgid = None
            entry.previous_msgid_plural = None
            entry.previous_msgctxt = None
    po.save()
    missing = [
        e.msgid
        for e in po
        if not e.obsolete
        and ("fuzzy" in e.flags or not (e.msgstr or any(e.msgstr_plural.values())))
    ]
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None))
