"""Every message of the interface has its Chinese translation, in every catalogue."""

from __future__ import annotations

from pathlib import Path

import polib  # type: ignore[import-untyped]
import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(
    path
    for path in ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po")
    if not {".venv", "node_modules"} & set(path.parts)
)


def test_the_project_and_each_app_with_its_own_catalogue_are_found():
    found = {path.relative_to(ROOT).parts[0] for path in CATALOGUES}
    assert {"locale", "assistance", "relocation", "supervision"} <= found


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_message_is_untranslated_or_fuzzy(path: Path):
    catalogue = polib.pofile(str(path))
    missing = [
        entry.msgid
        for entry in catalogue
        if not entry.obsolete
        and (
            "fuzzy" in entry.flags
            or not (entry.msgstr or all(entry.msgstr_plural.values() or [""]))
        )
    ]
    assert missing == []


def test_a_message_of_two_catalogues_reads_the_same_in_both():
    """The project catalogue (LOCALE_PATHS) comes before the apps' own: a message it also holds
    with another translation silently changes the app's word (a supervision indicator's label
    on every report, say)."""
    seen: dict[tuple[str, str], tuple[str, str]] = {}
    differing = []
    for path in CATALOGUES:
        for entry in polib.pofile(str(path)):
            if entry.obsolete or not entry.msgstr:
                continue
            key = (entry.msgctxt or "", entry.msgid)
            where = str(path.relative_to(ROOT))
            if key in seen and seen[key][1] != entry.msgstr:
                differing.append((entry.msgid, seen[key], (where, entry.msgstr)))
            seen.setdefault(key, (where, entry.msgstr))
    assert differing == []
