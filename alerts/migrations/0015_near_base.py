"""The nearest base of each alert and its distance: the fields, an index for the queue, and the
values of the alerts already logged, computed in batches."""

import math
from decimal import ROUND_HALF_UP, Decimal

import django.db.models.deletion
from django.db import migrations, models

# As alerts.geo at the time of this migration: haversine on the Earth's mean radius.
EARTH_RADIUS_KM = 6371.0088
BASE_KINDS = ("permanent", "temporary", "hq")
BATCH = 500


def _distance_km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def backfill(apps, schema_editor):
    Location = apps.get_model("clas", "Location")
    Alert = apps.get_model("alerts", "Alert")
    # The bases are few: kept in memory, each alert measured against all of them.
    bases = [
        (pk, float(lat), float(lon))
        for pk, lat, lon in Location.objects.filter(
            is_active=True, kind__in=BASE_KINDS
        ).values_list("pk", "latitude", "longitude")
    ]
    if not bases:
        return
    with_coordinates = Alert.objects.filter(latitude__isnull=False, longitude__isnull=False)
    last = 0
    while True:
        rows = list(
            with_coordinates.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "latitude", "longitude")[:BATCH]
        )
        if not rows:
            return
        changed = []
        for pk, lat, lon in rows:
            km, base_id = min(
                (_distance_km(float(lat), float(lon), b_lat, b_lon), b_pk)
                for b_pk, b_lat, b_lon in bases
            )
            distance = Decimal(str(km)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            changed.append(Alert(pk=pk, nearest_base_id=base_id, base_distance_km=distance))
        Alert.objects.bulk_update(changed, ["nearest_base", "base_distance_km"])
        last = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0014_duplicate_cases"),
        ("clas", "0002_phone_numbers_e164"),
    ]

    operations = [
        migrations.AddField(
            model_name="alert",
            name="nearest_base",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="alerts_nearby",
                to="clas.location",
                verbose_name="nearest base",
            ),
        ),
        migrations.AddField(
            model_name="alert",
            name="base_distance_km",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                editable=False,
                max_digits=7,
                null=True,
                verbose_name="distance to the nearest base (km)",
            ),
        ),
        migrations.AddIndex(
            model_name="alert",
            index=models.Index(
                condition=models.Q(("base_distance_km__isnull", False)),
                fields=["queue", "status", "base_distance_km"],
                name="alert_queue_near_base_idx",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
