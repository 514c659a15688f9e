"""Fixtures of the dashboard's tests: a fresh cache for each test, and the hand-computed
mission of tests.reporting.dashboard.support."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.conftest import Mission
from tests.reporting.dashboard.support import Data, build_data


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


@pytest.fixture
def data(mission: Mission) -> Data:
    return build_data(mission)
