"""The supervision tests read the 三率一度 thresholds that migration 0002 seeds; a transactional
test elsewhere flushes them, so each test makes sure they are there."""

from __future__ import annotations

import pytest

from supervision.models import ExitThreshold
from supervision.reference import install_thresholds


@pytest.fixture(autouse=True)
def _exit_thresholds(db: None) -> None:
    install_thresholds(ExitThreshold)
