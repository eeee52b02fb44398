"""Print which app imports which (module-level and function-level imports alike), from the source.

    .venv/bin/python scripts/app_arrows.py

The table in docs/architecture.md is its output; the import-linter contract in pyproject.toml
is what enforces the direction.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

APPS = [
    "workbench", "fieldsync", "supervision", "imports", "exits", "monitoring", "publicity",
    "relocation", "inspections", "assistance", "households", "audit", "regions", "tongren_fupin",
]  # fmt: skip


def arrows(root: Path) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for app in APPS:
        for path in (root / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                names = []
                if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names = [node.module]
                elif isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                for name in names:
                    target = name.split(".")[0]
                    if target in APPS and target != app:
                        found[app].add(target)
    return found


def main() -> None:
    found = arrows(Path(sys.argv[1] if len(sys.argv) > 1 else "."))
    for app in APPS:
        print(f"| `{app}` | {', '.join(f'`{t}`' for t in APPS if t in found[app]) or '—'} |")


if __name__ == "__main__":
    main()
