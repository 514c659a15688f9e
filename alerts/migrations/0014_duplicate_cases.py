import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0013_verification_grading"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="alert",
            name="case_lead",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="case_followers",
                to="alerts.alert",
                verbose_name="merged into",
            ),
        ),
        migrations.AddField(
            model_name="alertlink",
            name="decided_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="decided at"),
        ),
        migrations.AddField(
            model_name="alertlink",
            name="decided_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="decided by",
            ),
        ),
        migrations.AddField(
            model_name="alertlink",
            name="decision",
            field=models.CharField(
                choices=[
                    ("suggested", "Suggested"),
                    ("confirmed", "Same event"),
                    ("rejected", "Not the same event"),
                ],
                db_default="suggested",
                default="suggested",
                max_length=10,
                verbose_name="decision",
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
                    ("merged", "Duplicates merged"),
                    ("duplicate_rejected", "Not a duplicate"),
                ],
                max_length=20,
                verbose_name="event",
            ),
        ),
    ]
