"""A small mission shared by tests: two sectors, a field office with a temporary base in
each, and one user per role scoped to sector A / field office A."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import translation

from alerts.models import TriangulationQueue
from clas.models import CLA, Location, Role, Sector, User
from tests import factories as f


@pytest.fixture(autouse=True)
def _english_after_each_test() -> object:
    """A test that activates French must not leave it active for the next one."""
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def _media_in_a_temporary_directory(settings: Any, tmp_path: Path) -> None:
    """Files a test writes (compiled reports, imports) go to its own directory, never beside
    the files of the instance run from the same checkout."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache_before_each_test() -> None:
    """Figures cached by an earlier test (its rows had the same ids as this one's) must not be
    read by this one: the dashboards cache per scope and filters."""
    cache.clear()


@dataclass
class Mission:
    sector_a: Sector
    sector_b: Sector
    office_a: Location  # permanent base, field office of area A (sector A)
    base_a: Location  # temporary base covered by office_a
    office_b: Location  # permanent base in sector B
    base_b: Location  # temporary base covered by office_b
    queue_a: TriangulationQueue
    queue_b: TriangulationQueue
    cla: User  # deployed at base_a
    cla_b: User  # deployed at base_b
    coordinator: User  # field office A
    force: User  # sector A, officer of queue_a
    hq: User
    admin: User

    @property
    def cla_profile(self) -> CLA:
        return self.cla.cla_profile

    def user(self, role: str) -> User:
        return {
            "cla": self.cla,
            "coordinator": self.coordinator,
            "force": self.force,
            "hq": self.hq,
            "admin": self.admin,
        }[role]


@pytest.fixture
def mission(db: None) -> Mission:
    sector_a = f.SectorFactory(code="SA", name="Sector A")
    sector_b = f.SectorFactory(code="SB", name="Sector B")
    office_a = f.LocationFactory(name="Bambari", sector=sector_a)
    base_a = f.TemporaryBaseFactory(name="Ippy", sector=sector_a, field_office=office_a)
    office_b = f.LocationFactory(name="Bouar", sector=sector_b, latitude=5.93, longitude=15.6)
    base_b = f.TemporaryBaseFactory(name="Baboua", sector=sector_b, field_office=office_b)
    cla = f.UserFactory(username="cla-a", role=Role.CLA)
    f.DeploymentFactory(cla=f.CLAFactory(user=cla), location=base_a)
    cla_b = f.UserFactory(username="cla-b", role=Role.CLA)
    f.DeploymentFactory(cla=f.CLAFactory(user=cla_b), location=base_b)
    coordinator = f.UserFactory(username="coord-a", role=Role.COORDINATOR, field_office=office_a)
    force = f.UserFactory(username="force-a", role=Role.FORCE, sector=sector_a)
    hq = f.UserFactory(username="hq", role=Role.HQ)
    admin = f.UserFactory(username="admin", role=Role.ADMIN, is_staff=True, is_superuser=True)
    queue_a = f.QueueFactory(code="sa-default", sector=sector_a, senior_officer=force)
    queue_a.officers.add(force)
    queue_b = f.QueueFactory(code="sb-default", sector=sector_b)
    return Mission(
        sector_a=sector_a,
        sector_b=sector_b,
        office_a=office_a,
        base_a=base_a,
        office_b=office_b,
        base_b=base_b,
        queue_a=queue_a,
        queue_b=queue_b,
        cla=cla,
        cla_b=cla_b,
        coordinator=coordinator,
        force=force,
        hq=hq,
        admin=admin,
    )
