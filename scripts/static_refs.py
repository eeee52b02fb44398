"""Every ``{% static '...' %}`` path in the project's templates is in the collected manifest.

    python scripts/static_refs.py    # after collectstatic, with STATIC_MANIFEST=1

With ``STATIC_MANIFEST=1`` (production) a path missing from ``staticfiles.json`` makes the tag
raise, so the page answers 500; the tests run without the manifest and do not see it. The
Dockerfile runs this after its collectstatic and ``make runtime-check`` after its own. Exits 1
naming each missing path and the templates that load it.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SKIP = {".git", ".venv", "node_modules", "staticfiles", "var", "test-artifacts"}
STATIC_TAG = re.compile(r"""\{%\s*static\s+(['"])(?P<path>[^'"]+)\1""")


def template_references() -> dict[str, list[str]]:
    """Each literal path given to ``{% static %}`` → the templates (relative paths) using it."""
    refs: dict[str, list[str]] = {}
    for top in sorted(ROOT.iterdir()):
        if not top.is_dir() or top.name in SKIP:
            continue
        for template in sorted(top.rglob("*.html")):
            relative = template.relative_to(ROOT)
            if "templates" not in relative.parts:
                continue
            for match in STATIC_TAG.finditer(template.read_text(encoding="utf-8")):
                refs.setdefault(match["path"], []).append(str(relative))
    return refs


def main() -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongren_fupin.settings")
    import django

    django.setup()
    from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage

    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        print("static_refs: the storage has no manifest (set STATIC_MANIFEST=1)", file=sys.stderr)
        return 2
    refs = template_references()
    missing = []
    for path, templates in sorted(refs.items()):
        try:
            staticfiles_storage.stored_name(path)
        except ValueError:
            missing.append(f"{path} (loaded by {', '.join(templates)})")
    if missing:
        print("static_refs: not in the manifest:", *missing, sep="\n  ", file=sys.stderr)
        return 1
    print(f"static_refs: all {len(refs)} paths of the templates are in the manifest")
    return 0


if __name__ == "__main__":
    sys.exit(main())
