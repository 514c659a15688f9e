"""The deployment board: a version and a status (on leave) on deployments, the reason one
ended, and the history of who changed a CLA's deployments."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clas", "0002_phone_numbers_e164"),
    ]

    operations = [
        migrations.AddField(
            model_name="deployment",
            name="end_reason",
            field=models.CharField(blank=True, max_length=200, verbose_name="reason for ending"),
        ),
        migrations.AddField(
            model_name="deployment",
            name="status",
            field=models.CharField(
                choices=[("working", "Working"), ("on_leave", "On leave")],
                default="working",
                max_length=20,
                verbose_name="status",
            ),
        ),
        migrations.AddField(
            model_name="deployment",
            name="version",
            field=models.PositiveIntegerField(default=1, verbose_name="version"),
        ),
        migrations.CreateModel(
            name="DeploymentEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("assigned", "Assignment"),
                            ("rotated", "Rotation"),
                            ("ended", "End of deployment"),
                            ("leave_started", "Went on leave"),
                            ("leave_ended", "Back from leave"),
                            ("imported", "Imported"),
                            ("created", "CLA created"),
                        ],
                        max_length=20,
                        verbose_name="action",
                    ),
                ),
                ("at", models.DateTimeField(auto_now_add=True, verbose_name="changed at")),
                ("version", models.PositiveIntegerField(default=0, verbose_name="version")),
                ("details", models.JSONField(default=dict, verbose_name="what changed")),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="changed by",
                    ),
                ),
                (
                    "cla",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="deployment_events",
                        to="clas.cla",
                        verbose_name="CLA",
                    ),
                ),
                (
                    "deployment",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="events",
                        to="clas.deployment",
                        verbose_name="deployment",
                    ),
                ),
            ],
            options={
                "verbose_name": "deployment change",
                "verbose_name_plural": "deployment changes",
                "ordering": ["-at", "-pk"],
                "indexes": [
                    models.Index(fields=["cla", "-at"], name="clas_deploy_cla_id_b6f0c4_idx")
                ],
            },
        ),
    ]
