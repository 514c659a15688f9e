import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

METHODS = [
    ("patrol", "Patrol"),
    ("other_cla", "Another CLA"),
    ("unpol", "UN police"),
    ("other_source", "Other source"),
    ("imagery", "Imagery"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0012_duty_rotas"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="VerificationCheck",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "method",
                    models.CharField(choices=METHODS, max_length=20, verbose_name="method"),
                ),
                (
                    "result",
                    models.CharField(
                        choices=[
                            ("confirmed", "Confirmed"),
                            ("partly", "Partly confirmed"),
                            ("not_confirmed", "Not confirmed"),
                            ("inconclusive", "Inconclusive"),
                        ],
                        max_length=20,
                        verbose_name="result",
                    ),
                ),
                ("note", models.TextField(blank=True, max_length=2000, verbose_name="note")),
                (
                    "checked_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="checked at"
                    ),
                ),
                (
                    "alert",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="checks",
                        to="alerts.alert",
                        verbose_name="alert",
                    ),
                ),
                (
                    "checked_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="checked by",
                    ),
                ),
            ],
            options={
                "verbose_name": "verification check",
                "verbose_name_plural": "verification checks",
                "ordering": ["checked_at", "id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "method__in",
                                ["patrol", "other_cla", "unpol", "other_source", "imagery"],
                            )
                        ),
                        name="verification_check_method_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("result__in", ["confirmed", "partly", "not_confirmed", "inconclusive"])
                        ),
                        name="verification_check_result_valid",
                    ),
                ],
            },
        ),
        migrations.AddField(
            model_name="alert",
            name="graded_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="graded at"),
        ),
        migrations.AddField(
            model_name="alert",
            name="graded_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="graded by",
            ),
        ),
        migrations.AddField(
            model_name="alert",
            name="information_credibility",
            field=models.PositiveSmallIntegerField(
                blank=True,
                choices=[
                    (1, "1: confirmed by other sources"),
                    (2, "2: probably true"),
                    (3, "3: possibly true"),
                    (4, "4: doubtful"),
                    (5, "5: improbable"),
                    (6, "6: truth cannot be judged"),
                ],
                null=True,
                verbose_name="information credibility",
            ),
        ),
        migrations.AddField(
            model_name="alert",
            name="source_reliability",
            field=models.CharField(
                blank=True,
                choices=[
                    ("A", "A: completely reliable"),
                    ("B", "B: usually reliable"),
                    ("C", "C: fairly reliable"),
                    ("D", "D: not usually reliable"),
                    ("E", "E: unreliable"),
                    ("F", "F: reliability cannot be judged"),
                ],
                db_default="",
                max_length=1,
                verbose_name="source reliability",
            ),
        ),
        migrations.AlterField(
            model_name="alertevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("created", "Logged"),
                    ("routed", "Routed to queue"),
                    ("duplicate", "Possible duplicate linked"),
                    ("notified", "Officers notified"),
                    ("acknowledged", "Acknowledged"),
                    ("assigned", "Assigned"),
                    ("triangulation", "Triangulation requested"),
                    ("outcome", "Outcome recorded"),
                    ("response", "Response recorded"),
                    ("closed", "Closed"),
                    ("reopened", "Reopened"),
                    ("escalated", "Escalated"),
                    ("note", "Note"),
                    ("community_informed", "Community informed"),
                    ("corrected", "Corrected"),
                    ("checked", "Check recorded"),
                    ("graded", "Graded"),
                ],
                max_length=20,
                verbose_name="event",
            ),
        ),
        migrations.AlterField(
            model_name="triangulation",
            name="method",
            field=models.CharField(choices=METHODS, max_length=20, verbose_name="method"),
        ),
        migrations.AddConstraint(
            model_name="alert",
            constraint=models.CheckConstraint(
                condition=models.Q(("source_reliability__in", ["", "A", "B", "C", "D", "E", "F"])),
                name="alert_source_reliability_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="alert",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("information_credibility__isnull", True),
                    ("information_credibility__in", [1, 2, 3, 4, 5, 6]),
                    _connector="OR",
                ),
                name="alert_information_credibility_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="alert",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("graded_at", None),
                        ("information_credibility__isnull", True),
                        ("source_reliability", ""),
                    ),
                    models.Q(
                        models.Q(("source_reliability", ""), _negated=True),
                        ("graded_at__isnull", False),
                        ("information_credibility__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="alert_grade_complete_or_empty",
            ),
        ),
    ]
