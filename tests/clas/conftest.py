"""Rows for the list tests of people and places: each builder makes one complete row."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from clas.models import Language
from tests import factories as f


def _language(code: str) -> Language:
    return Language.objects.get_or_create(code=code, defaults={"name": code.title()})[0]


def build_sector() -> Any:
    sector = f.SectorFactory()
    f.LocationFactory(sector=sector)
    return sector


_phones = itertools.count(1)


def build_location() -> Any:
    return f.TemporaryBaseFactory()


def build_cla() -> Any:
    # One number per CLA (clas.models constraint).
    n = next(_phones)
    cla = f.CLAFactory(phone=f"+236 70 {n // 10000 % 100:02d} {n // 100 % 100:02d} {n % 100:02d}")
    cla.languages.add(_language("sg"), _language("fr"))
    f.DeploymentFactory(cla=cla, location=f.LocationFactory())
    return cla


def build_deployment() -> Any:
    return f.DeploymentFactory()


def build_network() -> Any:
    network = f.NetworkFactory(established_by=f.CLAFactory())
    f.FocalPointFactory(network=network)
    return network


def build_training() -> Any:
    training = f.TrainingFactory()
    training.participants.add(f.CLAFactory(), f.CLAFactory())
    return training


BUILDERS: dict[str, Callable[[], Any]] = {
    "sector": build_sector,
    "location": build_location,
    "cla": build_cla,
    "deployment": build_deployment,
    "network": build_network,
    "training": build_training,
}


@pytest.fixture
def count_queries() -> Callable[[Client, str], tuple[int, Any]]:
    """Run one GET and return how many queries it made, with the response."""

    def run(client: Client, url: str) -> tuple[int, Any]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured.captured_queries), response

    return run
