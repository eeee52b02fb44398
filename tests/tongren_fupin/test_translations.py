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


def vendor_translations() -> dict[tuple[str, str], tuple[str, str]]:
    """What the installed packages (their apps in INSTALLED_APPS order, then Django's own) say
    in Chinese: the word a message keeps unless one of our catalogues says it again."""
    import django
    from django.apps import apps

    found: dict[tuple[str, str], tuple[str, str]] = {}
    paths = [Path(app.path) / "locale" for app in apps.get_app_configs()]
    paths.append(Path(django.__file__).parent / "conf" / "locale")
    for locale in paths:
        path = locale / "zh_Hans" / "LC_MESSAGES" / "django.mo"  # packages ship the compiled one
        if (ROOT in path.parents and ".venv" not in path.parts) or not path.exists():
            continue
        for entry in polib.mofile(str(path)):
            if entry.msgstr:
                found.setdefault((entry.msgctxt or "", entry.msgid), (str(path), entry.msgstr))
    return found


# Rewordings on purpose: the interface's own words for what the packages word otherwise.
REWORDED = {
    "Administration": "管理后台",
    "English": "英文",
    "History": "变更记录",
    "Log out": "退出登录",
    "Row": "行号",
    "object id": "对象编号",
    "content": "内容",
    "Created": "创建时间",
    # The health status (残疾) of the national form; Django's 禁用 is on the admin's user page.
    "Disabled": "残疾",
}


def test_our_catalogues_do_not_reword_what_an_installed_package_translates():
    """A message of Django or DRF ("This field is required.") said again in our catalogue
    with other words changes every form's message; ours may only add what they lack, and
    reword on purpose what ``REWORDED`` lists."""
    vendor = vendor_translations()
    assert ("", "This field is required.") in vendor  # Django's own catalogues were read
    reworded = [
        (entry.msgid, entry.msgstr, vendor[key][1])
        for path in CATALOGUES
        for entry in polib.pofile(str(path))
        if entry.msgstr
        and (key := (entry.msgctxt or "", entry.msgid)) in vendor
        and vendor[key][1] != entry.msgstr
        and REWORDED.get(entry.msgid) != entry.msgstr
    ]
    assert reworded == []
