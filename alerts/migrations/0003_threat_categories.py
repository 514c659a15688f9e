"""The threat categories every mission starts with (after ACLED); admins may add more."""

from django.db import migrations

CATEGORIES = [
    ("killing", "Killing", "Meurtre", "Violence against civilians"),
    ("attack", "Attack on civilians", "Attaque contre des civils", "Violence against civilians"),
    ("sexual-violence", "Sexual violence", "Violences sexuelles", "Violence against civilians"),
    ("abduction", "Abduction", "Enlèvement", "Violence against civilians"),
    ("looting", "Looting or property destruction", "Pillage ou destruction de biens", "Riots"),
    ("armed-clash", "Armed clash", "Affrontement armé", "Battles"),
    ("armed-group-movement", "Armed group movement", "Mouvement de groupe armé", "Strategic developments"),
    ("explosive-hazard", "Explosive hazard", "Engin explosif", "Explosions/Remote violence"),
    ("forced-displacement", "Forced displacement", "Déplacement forcé", "Violence against civilians"),
    ("intercommunal-tension", "Intercommunal tension", "Tension intercommunautaire", "Riots"),
    ("threats-intimidation", "Threats or intimidation", "Menaces ou intimidation", "Violence against civilians"),
    ("illegal-checkpoint", "Illegal checkpoint or taxation", "Barrière illégale ou taxation", "Strategic developments"),
    ("child-recruitment", "Child recruitment", "Recrutement d'enfants", "Violence against civilians"),
]


def add_categories(apps, schema_editor):
    ThreatCategory = apps.get_model("alerts", "ThreatCategory")
    for order, (code, name_en, name_fr, acled) in enumerate(CATEGORIES, start=1):
        ThreatCategory.objects.update_or_create(
            code=code,
            defaults={"name_en": name_en, "name_fr": name_fr, "acled_event_type": acled, "sort_order": order * 10},
        )


def remove_categories(apps, schema_editor):
    apps.get_model("alerts", "ThreatCategory").objects.filter(code__in=[c[0] for c in CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("alerts", "0002_initial")]
    operations = [migrations.RunPython(add_categories, remove_categories)]
