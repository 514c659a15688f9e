"""Titles the system gave, kept as a code with parameters (Report.system_title) so that each
reader sees them in their language. Titles of existing reports that can be recognised, in
English or in French, get their code; the others stay as written."""

import re

from django.db import migrations, models

# The report kinds' labels when this migration was written, in both languages.
KIND_LABELS = {
    "daily": ("Daily situation report", "Rapport de situation quotidien"),
    "weekly": ("Weekly analysis", "Analyse hebdomadaire"),
    "flash": ("Flash report", "Rapport flash"),
    "annual": ("Annual joint CAS-Force assessment", "Évaluation conjointe annuelle Affaires civiles-Force"),
}
FLASH = re.compile(r"^(?:Flash report: .+ at .+|Rapport flash\s: .+ à .+) \((?P<reference>ALT-\d+-\d+)\)$")
ASSESSMENT = re.compile(
    r"^(?:Joint CAS-Force assessment|Évaluation conjointe Affaires civiles-Force) (?P<year>\d{4})$"
)


def _period_title(report):
    start, end = report.period_start.isoformat(), report.period_end.isoformat()
    period = start if start == end else f"{start} / {end}"
    for label in KIND_LABELS.get(report.kind, ()):
        prefix, suffix = f"{label} - ", f" - {period}"
        if report.title.startswith(prefix) and report.title.endswith(suffix):
            scope = report.title[len(prefix) : -len(suffix)]
            if scope:
                return "period", {"kind": report.kind, "scope": scope, "start": start, "end": end}
    return None


def _flash_title(report):
    match = FLASH.match(report.title)
    alert = report.alert
    if report.kind != "flash" or match is None or alert is None:
        return None
    if match["reference"] != alert.reference:
        return None
    category = {"en": alert.category.name_en, "fr": alert.category.name_fr}
    return "flash", {
        "category": category,
        "location": alert.location.name,
        "reference": alert.reference,
    }


def _assessment_title(report):
    match = ASSESSMENT.match(report.title)
    if report.kind != "annual" or match is None:
        return None
    return "assessment", {"year": int(match["year"])}


def recognise_titles(apps, schema_editor):
    Report = apps.get_model("reporting", "Report")
    reports = Report.objects.select_related("alert__category", "alert__location")
    batch = []
    for report in reports.iterator(chunk_size=1000):
        found = _flash_title(report) or _assessment_title(report) or _period_title(report)
        if found is None:
            continue
        code, params = found
        report.system_title = {"code": code, "params": params, "text": report.title}
        batch.append(report)
        if len(batch) >= 1000:
            Report.objects.bulk_update(batch, ["system_title"])
            batch = []
    Report.objects.bulk_update(batch, ["system_title"])


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0004_event_times_default_now"),
        ("reporting", "0003_joint_assessment"),
    ]

    operations = [
        migrations.AddField(
            model_name="report",
            name="system_title",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        # Backwards, the column goes and the titles stay as written.
        migrations.RunPython(recognise_titles, migrations.RunPython.noop),
    ]
