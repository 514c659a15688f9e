"""Gaps on the demo's deployment board, in demo-coordinator's area so both demo-admin and
demo-coordinator see them: a temporary base left without a CLA (its CLA rotated to the field
office), a CLA on leave, and a deployment ending within 30 days. Made by demo-admin through
the board's services, so the CLAs' pages show who changed what. Runs once: a second run finds
the changes recorded and does nothing."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from clas import services
from clas.models import Deployment, DeploymentEvent, Location, User


def board_seed(*, today: dt.date) -> int:
    """Make the gaps; returns how many changes were made (0 on a second run)."""
    if DeploymentEvent.objects.exists():
        return 0
    admin = User.objects.filter(username="demo-admin").first()
    coordinator = User.objects.filter(username="demo-coordinator").first()
    if admin is None or coordinator is None or coordinator.field_office is None:
        return 0
    office = coordinator.field_office
    open_ = Deployment.objects.filter(end_date__isnull=True).select_related("cla__user")
    area = open_.filter(location__field_office=office).order_by("location__name", "pk")
    demo_cla = area.filter(cla__user__username="demo-cla").first()
    busy = {demo_cla.location_id} if demo_cla else set()
    bases = [d for d in area if d.location.kind == Location.Kind.TEMPORARY]
    lone = [d for d in bases if d.location_id not in busy and _count(area, d) == 1]
    changes = 0
    if lone:
        gone = lone[-1]
        services.deployment_rotate(
            actor=admin,
            deployment=gone,
            version=gone.version,
            location=office,
            start_date=today,
            note="Reinforces the field office",
        )
        busy.add(gone.location_id)
        changes += 1
    away = next((d for d in bases if d.location_id not in busy), None)
    if away is not None:
        services.deployment_leave_set(
            actor=admin, deployment=away, version=away.version, on_leave=True
        )
        busy.add(away.location_id)
        changes += 1
    # A colleague of demo-cla: demo-cla's own board row shows the gap coming.
    ending = (
        area.filter(location_id=demo_cla.location_id if demo_cla else office.pk)
        .exclude(cla__user__username="demo-cla")
        .first()
    )
    if ending is not None:
        services.deployment_close(
            actor=admin,
            deployment=ending,
            version=ending.version,
            end_date=today + dt.timedelta(days=20),
            reason="End of contract",
        )
        changes += 1
    return changes


def _count(area: QuerySet[Deployment], deployment: Deployment) -> int:
    return sum(1 for d in area if d.location_id == deployment.location_id)
