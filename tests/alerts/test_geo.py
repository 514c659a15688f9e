"""alerts.geo: distances on the ground, the nearest base of a point, and bases outside the
mission's area refused."""

from __future__ import annotations

import importlib
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alerts.geo import (
    alerts_nearest_base_fill,
    bounding_box,
    distance_km,
    is_near_base,
    nearest_base,
)
from alerts.models import Alert
from clas.models import Location
from tests import factories as f
from tests.conftest import Mission

# WGS84 geodesic distances (Vincenty's inverse formula, accurate to the millimetre) between
# the points given.
PARIS, LONDON = (48.8566, 2.3522), (51.5074, -0.1278)
BANGUI, BAMBARI = (4.3947, 18.5582), (5.7628, 20.6756)
KIWANJA, RUTSHURU = (-1.1590, 29.4470), (-1.1860, 29.4480)
GOMA, KINSHASA = (-1.6792, 29.2228), (-4.3250, 15.3222)


@pytest.mark.parametrize(
    ("a", "b", "geodesic_km"),
    [
        (PARIS, LONDON, 343.923),
        (BANGUI, BAMBARI, 279.305),
        (GOMA, KINSHASA, 1572.604),
    ],
    ids=["paris-london", "bangui-bambari", "goma-kinshasa"],
)
def test_distances_are_within_half_a_percent_of_the_geodesic(
    a: tuple[float, float], b: tuple[float, float], geodesic_km: float
) -> None:
    assert distance_km(*a, *b) == pytest.approx(geodesic_km, rel=0.005)
    assert distance_km(*b, *a) == pytest.approx(geodesic_km, rel=0.005)


def test_a_short_distance_north_to_south_at_the_equator_is_within_0_6_percent() -> None:
    # The sphere's worst case: along a meridian at the equator the Earth curves on a radius
    # of 6,335 km, not 6,371, so the sphere is 0.56 % long there. At 5 km that is 28 m.
    assert distance_km(*KIWANJA, *RUTSHURU) == pytest.approx(2.988, rel=0.006)
    assert distance_km(*KIWANJA, *RUTSHURU) == pytest.approx(2.988, abs=0.02)


def test_a_point_is_at_no_distance_from_itself() -> None:
    assert distance_km(*BANGUI, *BANGUI) == 0.0


def test_the_box_holds_every_point_within_its_radius() -> None:
    min_lat, max_lat, min_lon, max_lon = bounding_box(*BAMBARI, 50)

    assert distance_km(*BAMBARI, min_lat, BAMBARI[1]) == pytest.approx(50, rel=1e-6)
    assert distance_km(*BAMBARI, BAMBARI[0], max_lon) >= 50
    assert min_lon < BAMBARI[1] < max_lon and min_lat < BAMBARI[0] < max_lat


# --- the nearest base ---------------------------------------------------------------------


def _place(name: str, lat: float, lon: float, **extra: object) -> Location:
    return f.LocationFactory(
        name=name, latitude=Decimal(f"{lat:.5f}"), longitude=Decimal(f"{lon:.5f}"), **extra
    )


@pytest.mark.django_db
def test_the_nearest_of_several_bases_is_found_with_its_distance() -> None:
    bambari = _place("Bambari", *BAMBARI)
    _place("Bangui", *BANGUI, kind=Location.Kind.HQ)
    ippy = _place("Ippy", 6.2500, 21.2167, kind=Location.Kind.TEMPORARY)
    point = (6.2300, 21.2000)  # a village 2.9 km from Ippy

    found = nearest_base(*point)

    assert found is not None
    assert found.location_id == ippy.pk
    assert found.distance_km == Decimal(f"{distance_km(*point, 6.25, 21.2167):.2f}")
    assert Decimal("2.5") < found.distance_km < Decimal("3.5")
    assert nearest_base(BAMBARI[0] + 0.01, BAMBARI[1]).location_id == bambari.pk


@pytest.mark.django_db
def test_an_inactive_base_is_not_the_nearest() -> None:
    _place("Closed", 6.2500, 21.2167, is_active=False)
    bambari = _place("Bambari", *BAMBARI)

    assert nearest_base(6.2300, 21.2000).location_id == bambari.pk


@pytest.mark.django_db
def test_the_nearest_base_takes_one_query() -> None:
    for n in range(30):
        _place(f"Base {n}", 3.0 + n * 0.25, 16.0 + n * 0.3)

    with CaptureQueriesContext(connection) as queries:
        found = nearest_base(6.01, 19.62)

    assert len(queries) == 1
    assert found is not None
    assert Location.objects.get(pk=found.location_id).name == "Base 12"


@pytest.mark.django_db
def test_a_base_beyond_the_box_is_still_found() -> None:
    far = _place("Far", 10.5, 27.0)

    found = nearest_base(2.5, 14.5)

    assert found.location_id == far.pk
    assert found.distance_km > Decimal("1000")


@pytest.mark.django_db
def test_no_coordinates_or_no_base_means_no_nearest_base() -> None:
    assert nearest_base(None, None) is None
    assert nearest_base(5.0, 20.0) is None


def test_an_alert_within_the_radius_is_near_a_base(settings: object) -> None:
    assert is_near_base(Alert(base_distance_km=Decimal("4.99"))) is True
    assert is_near_base(Alert(base_distance_km=Decimal("5.00"))) is True
    assert is_near_base(Alert(base_distance_km=Decimal("5.01"))) is False
    assert is_near_base(Alert(base_distance_km=None)) is False


def test_the_radius_comes_from_the_setting(settings: object) -> None:
    settings.NEAR_BASE_KM = 10  # type: ignore[attr-defined]

    assert is_near_base(Alert(base_distance_km=Decimal("9.50"))) is True


# --- bases outside the mission's area -----------------------------------------------------


@pytest.mark.django_db
def test_a_base_outside_the_mission_area_is_refused_on_each_coordinate(
    mission: Mission,
) -> None:
    base = Location(
        code="CF-X",
        name="Typo",
        kind=Location.Kind.TEMPORARY,
        prefecture="Ouaka",
        sector=mission.sector_a,
        latitude=Decimal("-5.76000"),  # the sign swapped
        longitude=Decimal("40.00000"),
    )

    with pytest.raises(ValidationError) as caught:
        base.full_clean()

    assert set(caught.value.message_dict) == {"latitude", "longitude"}
    assert "outside the mission's area" in caught.value.message_dict["latitude"][0]


@pytest.mark.django_db
def test_a_base_inside_the_mission_area_is_accepted(mission: Mission) -> None:
    mission.base_a.latitude, mission.base_a.longitude = Decimal("5.76"), Decimal("20.67")

    mission.base_a.full_clean()


@pytest.mark.django_db
def test_the_admin_refuses_a_base_outside_the_area_in_french_and_saves_nothing(
    client: Client, mission: Mission
) -> None:
    client.force_login(mission.admin)
    url = reverse("admin:clas_location_add")
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    data = {
        name: value
        for name, value in re.findall(
            r'name="([^"]+-(?:TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS)"'
            r'[^>]*value="(\d+)"',
            page,
        )
    }
    data.update(
        {
            "name": "Typo",
            "code": "CF-TYPO",
            "kind": Location.Kind.TEMPORARY,
            "is_active": "on",
            "sector": mission.sector_a.pk,
            "prefecture": "Ouaka",
            "latitude": "57.6",
            "longitude": "20.6",
        }
    )
    before = Location.objects.count()

    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"latitude"}
    assert "hors de la zone de la mission" in errors["latitude"][0]
    assert Location.objects.count() == before


# --- alerts logged before: the migration's backfill and the bulk paths' fill --------------

near_base_migration = importlib.import_module("alerts.migrations.0015_near_base")


@pytest.mark.django_db
@pytest.mark.parametrize("fill", ["migration", "bulk"])
def test_alerts_without_a_nearest_base_get_theirs_in_batches(
    mission: Mission, fill: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    kaga = _place("Kaga-Bandoro", 6.9896, 19.1870)
    near = [
        f.AlertFactory(location=kaga, latitude=Decimal("7.00760"), longitude=Decimal("19.18700"))
        for _ in range(3)
    ]
    far = f.AlertFactory(location=kaga, latitude=Decimal("7.16960"), longitude=Decimal("19.187"))
    nowhere = f.AlertFactory(location=kaga)

    if fill == "migration":
        monkeypatch.setattr(near_base_migration, "BATCH", 2)
        near_base_migration.backfill(apps, None)
    else:
        assert alerts_nearest_base_fill(batch=2) == 4
        assert alerts_nearest_base_fill(batch=2) == 0

    rows = dict(Alert.objects.values_list("pk", "base_distance_km"))
    assert {rows[a.pk] for a in near} == {Decimal("2.00")}
    assert Decimal("19.9") < rows[far.pk] < Decimal("20.1")
    assert rows[nowhere.pk] is None
    assert set(Alert.objects.exclude(pk=nowhere.pk).values_list("nearest_base", flat=True)) == {
        kaga.pk
    }
