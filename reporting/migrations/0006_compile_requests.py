"""Digests compiled on demand: who asked, for what, and how far the compilation got."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clas", "0002_phone_numbers_e164"),
        ("reporting", "0005_alert_event_codes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CompileRequest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("daily", "Daily situation report"),
                            ("weekly", "Weekly analysis"),
                            ("flash", "Flash report"),
                        ],
                        max_length=10,
                        verbose_name="kind",
                    ),
                ),
                ("period_start", models.DateField(verbose_name="period from")),
                ("period_end", models.DateField(verbose_name="period to")),
                (
                    "distribute",
                    models.BooleanField(
                        default=False, verbose_name="send to the distribution lists"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Waiting"),
                            ("running", "Being compiled"),
                            ("done", "Ready"),
                            ("failed", "Failed"),
                        ],
                        default="pending",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                (
                    "progress",
                    models.PositiveSmallIntegerField(default=0, verbose_name="progress (%)"),
                ),
                ("error", models.TextField(blank=True, verbose_name="error")),
                ("attempts", models.PositiveSmallIntegerField(default=0)),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="asked at"
                    ),
                ),
                (
                    "started_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="started at"),
                ),
                (
                    "finished_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="finished at"),
                ),
                (
                    "report",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="reporting.report",
                        verbose_name="report",
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="compile_requests",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="requested by",
                    ),
                ),
                (
                    "sector",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="clas.sector",
                        verbose_name="sector",
                    ),
                ),
            ],
            options={
                "verbose_name": "compilation request",
                "verbose_name_plural": "compilation requests",
                "ordering": ["-created_at", "-pk"],
                "indexes": [
                    models.Index(
                        fields=["requested_by", "-created_at"],
                        name="reporting_c_request_4918ad_idx",
                    )
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("period_end__gte", models.F("period_start"))),
                        name="compile_request_period_ordered",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("progress__lte", 100)),
                        name="compile_request_progress_percent",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(
                            ("sector__isnull", True), ("status__in", ["pending", "running"])
                        ),
                        fields=("kind", "period_start", "period_end"),
                        name="compile_request_one_open_mission",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(
                            ("sector__isnull", False), ("status__in", ["pending", "running"])
                        ),
                        fields=("kind", "period_start", "period_end", "sector"),
                        name="compile_request_one_open_sector",
                    ),
                ],
            },
        ),
    ]
