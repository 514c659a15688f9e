"""Exports of the alert list already asked for, so that "My exports" has files to download."""

from __future__ import annotations

from clas.models import User
from exchange import services
from exchange.models import Export

# (username, format, filters, language): what each demo login finds ready.
DEMO_EXPORTS = (
    ("demo-hq", Export.Format.XLSX, {}, "en"),
    ("demo-hq", Export.Format.HXL, {"urgency": "Immediate"}, "en"),
    ("demo-coordinator", Export.Format.CSV, {"urgency": "Immediate"}, "fr"),
)


def exports_seed() -> int:
    """Ask for and build the demo exports of anyone who has none (after the alerts are in).
    Returns how many were made."""
    made = 0
    for username, format, filters, language in DEMO_EXPORTS:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None or Export.objects.filter(requested_by=user, format=format).exists():
            continue
        export = services.export_request(
            user=user, format=format, params=filters, language=language
        )
        # Built here whether or not a worker is running; a worker given it too finds it done.
        services.export_build(export_id=export.pk)
        made += 1
    return made
