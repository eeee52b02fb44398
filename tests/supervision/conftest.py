"""The supervision tests read the 三率一度 thresholds that migration 0002 seeds; a transactional
test elsewhere flushes them, so each test makes sure they are there. The files a test stores (a
report's PDF) go to a directory of its own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from supervision.models import ExitThreshold
from supervision.reference import install_thresholds


@pytest.fixture(autouse=True)
def _exit_thresholds(db: None) -> None:
    install_thresholds(ExitThreshold)


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
