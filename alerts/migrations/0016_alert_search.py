"""Full-text search indexes of alerts, French and English (alerts.search), on PostgreSQL only:
the embedded default searches without them."""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

from alerts.search import LANGUAGES, search_vector


def _indexes() -> list[GinIndex]:
    return [
        GinIndex(search_vector(config), name=f"alerts_alert_search_{config[:2]}")
        for config in LANGUAGES
    ]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index in _indexes():
        schema_editor.add_index(apps.get_model("alerts", "Alert"), index)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index in _indexes():
        schema_editor.remove_index(apps.get_model("alerts", "Alert"), index)


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0015_near_base"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
