"""Distances on the ground: how far apart two points are, which base is nearest to an alert,
and whether an alert is near a base (NEAR_BASE_KM), which makes it urgent.

Great-circle distances on a sphere of the Earth's mean radius: within 0.6 % of the geodesic
distance (the worst case, north to south at the equator; 30 m at 5 km), far better than the
coordinates a CLA gives.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db.models import ExpressionWrapper, F, FloatField, Q, QuerySet, Value
from django.db.models.functions import Cast

from alerts.models import Alert
from clas.models import Location

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)

BASE_KINDS = (Location.Kind.PERMANENT, Location.Kind.TEMPORARY, Location.Kind.HQ)
# The box searched first around a point for its nearest base. Bases farther than this are
# only looked for when the box holds none (one more query).
BASE_SEARCH_KM = 150.0
# Candidates kept from the box, nearest first on a flat map, before the real distance: the
# flat map errs by far less than the gap between the first and the tenth at these scales.
BASE_CANDIDATES = 10


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine) between two points given in decimal degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) of a box holding every point within radius_km."""
    angle = radius_km / EARTH_RADIUS_KM
    dlat = math.degrees(angle)
    if abs(lat) + dlat >= 90:  # the circle holds a pole: every longitude
        return lat - dlat, lat + dlat, -180.0, 180.0
    # The circle's widest point is poleward of its centre: asin, not a plain ratio.
    dlon = math.degrees(math.asin(min(1.0, math.sin(angle) / math.cos(math.radians(lat)))))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


@dataclass(frozen=True)
class NearestBase:
    location_id: int
    distance_km: Decimal  # two decimals, as Alert.base_distance_km keeps it


def _rounded(km: float) -> Decimal:
    return Decimal(str(km)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _degrees(value: float) -> Decimal:
    return Decimal(f"{value:.5f}")


def nearest_base(latitude: Any, longitude: Any) -> NearestBase | None:
    """The active base nearest to a point, with its distance; None without coordinates or
    without any active base. One query when a base lies within BASE_SEARCH_KM."""
    if latitude is None or longitude is None:
        return None
    lat, lon = float(latitude), float(longitude)
    bases = Location.objects.filter(is_active=True, kind__in=BASE_KINDS)
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, BASE_SEARCH_KM)
    boxed = bases.filter(
        latitude__range=(_degrees(min_lat), _degrees(max_lat)),
        longitude__range=(_degrees(min_lon), _degrees(max_lon)),
    )
    found = _nearest_of(boxed, lat, lon)
    if found is None:
        found = _nearest_of(bases, lat, lon)
    return found


def _nearest_of(qs: Any, lat: float, lon: float) -> NearestBase | None:
    # Squared distance on a flat map (degrees of longitude shrunk at this latitude): the
    # database orders by it, Python measures the few nearest on the sphere.
    shrink = math.cos(math.radians(lat))
    dlat = Cast(F("latitude"), FloatField()) - Value(lat)
    dlon = (Cast(F("longitude"), FloatField()) - Value(lon)) * Value(shrink)
    flat = ExpressionWrapper(dlat * dlat + dlon * dlon, output_field=FloatField())
    rows = qs.annotate(flat=flat).order_by("flat", "pk").values_list("pk", "latitude", "longitude")
    measured = [
        (distance_km(lat, lon, float(b_lat), float(b_lon)), pk)
        for pk, b_lat, b_lon in rows[:BASE_CANDIDATES]
    ]
    if not measured:
        return None
    km, pk = min(measured)
    return NearestBase(location_id=pk, distance_km=_rounded(km))


def base_fields(latitude: Any, longitude: Any) -> dict[str, Any]:
    """The values of Alert.nearest_base and Alert.base_distance_km for these coordinates."""
    found = nearest_base(latitude, longitude)
    if found is None:
        return {"nearest_base_id": None, "base_distance_km": None}
    return {"nearest_base_id": found.location_id, "base_distance_km": found.distance_km}


def near_base_km() -> Decimal:
    return Decimal(settings.NEAR_BASE_KM)


def near_base_q(prefix: str = "") -> Q:
    """Alerts within NEAR_BASE_KM of their nearest base."""
    return Q(**{f"{prefix}base_distance_km__lte": near_base_km()})


def filter_near_base(qs: QuerySet[Any], near: bool) -> QuerySet[Any]:
    """Alerts near a base, or the others (farther, or without coordinates)."""
    return qs.filter(near_base_q()) if near else qs.exclude(near_base_q())


def is_near_base(alert: Any) -> bool:
    """Within NEAR_BASE_KM of a base (never without coordinates)."""
    distance = getattr(alert, "base_distance_km", None)
    return distance is not None and Decimal(distance) <= near_base_km()


def alerts_nearest_base_fill(*, batch: int = 500) -> int:
    """Set the nearest base and its distance of the alerts with coordinates that have none
    (alerts written by a bulk path, not by intake), in batches; returns how many were set.
    The bases are few: kept in memory, each alert measured against all of them."""
    bases = [
        (pk, float(lat), float(lon))
        for pk, lat, lon in Location.objects.filter(
            is_active=True, kind__in=BASE_KINDS
        ).values_list("pk", "latitude", "longitude")
    ]
    if not bases:
        return 0
    todo = Alert.objects.filter(latitude__isnull=False, nearest_base__isnull=True)
    done, last = 0, 0
    while rows := list(
        todo.filter(pk__gt=last).order_by("pk").values_list("pk", "latitude", "longitude")[:batch]
    ):
        changed = []
        for pk, lat, lon in rows:
            km, base_id = min(
                (distance_km(float(lat), float(lon), b_lat, b_lon), b_pk)
                for b_pk, b_lat, b_lon in bases
            )
            changed.append(Alert(pk=pk, nearest_base_id=base_id, base_distance_km=_rounded(km)))
        Alert.objects.bulk_update(changed, ["nearest_base", "base_distance_km"])
        done += len(changed)
        last = rows[-1][0]
    return done
