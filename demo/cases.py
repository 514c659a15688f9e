"""Cases in the demo: a few open alerts of the demo officer's sector reported again by other
CLAs, the second reports confirmed as duplicates and merged into one case (two or three
reports each), and one report found not to be the same event. Written through the services,
as an officer would, so that the timelines and links are as in real use. Idempotent: a second
run adds nothing."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.db.models import Q
from django.utils import timezone

from alerts import services
from alerts.models import Alert, AlertLink
from alerts.services import AlertInput
from alerts.transitions import OPEN_STATES
from clas.models import Deployment, Role, User

logger = logging.getLogger("demo")

CASES = 3  # cases made besides the demo CLA's; the first of three reports, the others of two
WITHIN = dt.timedelta(days=3)  # leads among the alerts reported this recently
CLA_WITHIN = dt.timedelta(days=30)  # the demo CLA's case: an alert of their location
SECOND_REPORTS = [
    "Same attack reported by the focal point of the next village: men with guns on the road.",
    "Le chef du quartier confirme l'attaque et signale des familles en fuite.",
    "A trader coming from the market saw the same group crossing the river.",
]
NOT_THE_SAME = "Cattle thieves seen on the other side of the hill, no weapons reported."


def _reporter(alert: Alert, *, avoid: set[int], prefer: User | None) -> User | None:
    """A CLA deployed at the alert's location who did not report it yet (the demo CLA first)."""
    deployed = (
        Deployment.objects.filter(
            location_id=alert.location_id, end_date__isnull=True, cla__user__is_active=True
        )
        .exclude(cla__user_id__in=avoid)
        .select_related("cla__user")
        .order_by("cla__user__username")
    )
    users = [d.cla.user for d in deployed if d.cla.user.role == Role.CLA]
    if prefer is not None and prefer in users:
        return prefer
    return users[0] if users else None


def _report_again(alert: Alert, *, by: User, text: str, n: int) -> Alert:
    now = timezone.now()
    reported = min(alert.reported_at + dt.timedelta(minutes=40 * n), now - dt.timedelta(minutes=1))
    occurred = min(alert.occurred_at + dt.timedelta(minutes=20 * n), reported)
    data = AlertInput(
        location_id=alert.location_id,
        category_id=alert.category_id,
        source_type=Alert.SourceType.LOCAL_AUTHORITY,
        description=text,
        occurred_at=occurred,
        reported_at=reported,
        urgency=alert.urgency,
        severity=alert.severity,
        certainty=alert.certainty,
        place=alert.place,
    )
    report, _created = services.alert_create(user=by, data=data)
    services.alert_route(alert_id=report.pk)
    report.refresh_from_db()
    return report


def _reporters_of(alert: Alert) -> set[int]:
    ids = {alert.logged_by_id}
    if alert.received_from_cla_id:
        ids.add(alert.received_from_cla.user_id)
    return ids


def _demo_cla_case(cla: User, officer_of: Callable[[Alert], User]) -> tuple[int, int | None]:
    """The demo CLA reports again an open alert of their location that another CLA reported:
    merged into its case, and the case closed if its response is recorded, so that "My
    alerts" shows the case's outcome. Returns (reports merged, location)."""
    deployment = cla.cla_profile.deployments.filter(end_date__isnull=True).first()
    if deployment is None:
        return 0, None
    lead = (
        Alert.objects.filter(
            location_id=deployment.location_id,
            status__in=OPEN_STATES,
            case_lead__isnull=True,
            queue__isnull=False,
            reported_at__gte=timezone.now() - CLA_WITHIN,
        )
        .exclude(Q(logged_by=cla) | Q(received_from_cla__user=cla))
        .select_related("queue")
        .order_by("-status", "-reported_at")  # a responded one first: its case is closed
        .first()
    )
    if lead is None:
        return 0, None
    officer = officer_of(lead)
    report = _report_again(lead, by=cla, text=SECOND_REPORTS[0], n=1)
    services.duplicate_confirm(user=officer, alert_id=report.pk, other_id=lead.pk, lead_id=lead.pk)
    if lead.status == Alert.Status.RESPONDED:
        services.alert_close(alert_id=lead.pk, user=officer)
    return 1, lead.location_id


def cases_seed() -> int:
    """Merge a few demo duplicates into cases and reject one; returns how many reports were
    merged (0 when the demo has its cases already)."""
    if Alert.objects.filter(case_lead__isnull=False).exists() or (
        AlertLink.objects.exclude(decision=AlertLink.Decision.SUGGESTED).exists()
    ):
        return 0
    force = User.objects.filter(username="demo-force").first()
    cla = User.objects.filter(username="demo-cla").first()
    admin = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if force is None or force.sector_id is None or admin is None:
        return 0

    def officer_of(alert: Alert) -> User:
        return alert.queue.officers.filter(is_active=True).order_by("pk").first() or admin

    merged, used_locations = 0, set()
    if cla is not None and hasattr(cla, "cla_profile"):
        merged, location_id = _demo_cla_case(cla, officer_of)
        used_locations.add(location_id)
    since = timezone.now() - WITHIN
    leads = (
        Alert.objects.filter(
            location__sector_id=force.sector_id,
            status__in=OPEN_STATES,
            case_lead__isnull=True,
            reported_at__gte=since,
            queue__isnull=False,
        )
        .select_related("queue", "received_from_cla")
        .order_by("-reported_at", "pk")
    )
    rejected, made = False, 0
    for lead in leads:
        if lead.location_id in used_locations:
            continue
        officer = officer_of(lead)
        wanted = 2 if made == 0 else 1
        reports: list[Alert] = []
        avoid = _reporters_of(lead)
        for n in range(1, wanted + 1):
            by = _reporter(lead, avoid=avoid | {cla.pk if cla else 0}, prefer=None)
            if by is None:
                break
            avoid.add(by.pk)
            text = SECOND_REPORTS[(merged + n) % len(SECOND_REPORTS)]
            reports.append(_report_again(lead, by=by, text=text, n=n))
        if len(reports) < wanted:
            continue
        used_locations.add(lead.location_id)
        made += 1
        for report in reports:
            services.duplicate_confirm(
                user=officer, alert_id=report.pk, other_id=lead.pk, lead_id=lead.pk
            )
            merged += 1
        if not rejected:
            by = _reporter(lead, avoid=set(), prefer=None)
            if by is not None:
                other = _report_again(lead, by=by, text=NOT_THE_SAME, n=len(reports) + 1)
                services.duplicate_reject(user=officer, alert_id=other.pk, other_id=lead.pk)
                rejected = True
        if made >= CASES:
            break
    if not merged:
        logger.warning("No open demo alert to merge duplicates into: the demo has no case.")
    return merged
