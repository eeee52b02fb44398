"""Every file a template loads with ``{% static %}`` is there to collect.

The production image collects with the manifest, where a missing file answers 500; this finds a
wrong path or a vendor file left out of ``scripts/vendor-assets.sh`` without collecting.
``make runtime-check`` and the Dockerfile check the collected manifest itself.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from django.contrib.staticfiles import finders

ROOT = Path(__file__).resolve().parents[2]


def _static_refs() -> ModuleType:
    spec = importlib.util.spec_from_file_location("static_refs", ROOT / "scripts/static_refs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_static_path_of_the_templates_is_found():
    refs = _static_refs().template_references()

    assert "vendor/echarts/echarts.min.js" in refs
    assert "vendor/pico/pico.min.css" in refs
    assert [path for path in refs if not finders.find(path)] == []
