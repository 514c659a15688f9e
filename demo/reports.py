"""Digests compiled for the last weeks and the lists they go to, so that a newcomer signing in
as HQ, a coordinator or a Force officer has reports to read.

Compiled like the schedule compiles them (reporting.services `report_compile`), without their
PDFs: those are rendered when first downloaded, which keeps the seed fast. Nothing is sent.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from alerts.models import Alert, Severity, Urgency
from clas.models import Sector, User
from demo.mission import EMAIL_DOMAIN
from reporting.models import CompileRequest, DistributionList, Report
from reporting.selectors import day_bounds
from reporting.services import report_compile

# Days of mission-wide daily digests, up to yesterday (today's is compiled in the evening),
# and of the daily digests of each sector.
MISSION_DAILY_DAYS = 14
SECTOR_DAILY_DAYS = 3
# Full weeks of weekly digests, for the mission and each sector.
WEEKS = 2
# The latest Immediate or Extreme alerts whose sector gets a flash digest of their day.
FLASH_ALERTS = 3

# (name, kinds (empty: all), sector code (None: mission-wide), addresses)
DEMO_LISTS: tuple[tuple[str, list[str], str | None, tuple[str, ...]], ...] = (
    (
        "Civil Affairs HQ and Force HQ",
        [],
        None,
        ("demo-hq", "demo-admin", f"jmac@{EMAIL_DOMAIN}", f"joc@{EMAIL_DOMAIN}"),
    ),
)
# The demo Force officer's sector also has its own list, of daily and flash digests.
SECTOR_LIST_KINDS = [Report.Kind.DAILY, Report.Kind.FLASH]


def _address(name: str) -> str:
    """A demo login's address, or the address as given."""
    if "@" in name:
        return name
    return User.objects.filter(username=name).values_list("email", flat=True).first() or ""


def distribution_lists_seed() -> int:
    """The demo's distribution lists, made once. Returns how many were made."""
    made = 0
    lists = [
        (name, kinds, code, [_address(a) for a in who]) for name, kinds, code, who in DEMO_LISTS
    ]
    officer = User.objects.filter(username="demo-force").select_related("sector").first()
    if officer is not None and officer.sector is not None:
        sector = officer.sector
        lists.append(
            (
                f"{sector.name}: Force and field offices",
                list(SECTOR_LIST_KINDS),
                sector.code,
                [officer.email, f"joc-{sector.code.lower()}@{EMAIL_DOMAIN}"],
            )
        )
    for name, kinds, code, addresses in lists:
        sector = Sector.objects.filter(code=code).first() if code else None
        _list, created = DistributionList.objects.get_or_create(
            name=name,
            defaults={
                "kinds": kinds,
                "sector": sector,
                "emails": "\n".join(a for a in addresses if a),
            },
        )
        made += created
    return made


def _wanted(today: dt.date) -> list[dict[str, Any]]:
    """What to compile: (kind, start, end, sector_id, alert_id) as report_compile takes it."""
    sectors = list(Sector.objects.order_by("code").values_list("pk", flat=True))
    yesterday = today - dt.timedelta(days=1)
    wanted: list[dict[str, Any]] = []
    for back in range(MISSION_DAILY_DAYS):
        day = yesterday - dt.timedelta(days=back)
        wanted.append({"kind": Report.Kind.DAILY, "start": day, "end": day})
        if back < SECTOR_DAILY_DAYS:
            wanted += [
                {"kind": Report.Kind.DAILY, "start": day, "end": day, "sector_id": pk}
                for pk in sectors
            ]
    monday = today - dt.timedelta(days=today.weekday())
    for week in range(1, WEEKS + 1):
        start = monday - dt.timedelta(weeks=week)
        for pk in [None, *sectors]:
            end = start + dt.timedelta(days=6)
            wanted.append({"kind": Report.Kind.WEEKLY, "start": start, "end": end, "sector_id": pk})
    lower, upper = day_bounds(today - dt.timedelta(days=30), today)
    flash = (
        Alert.objects.filter(reported_at__gte=lower, reported_at__lt=upper)
        .filter(Q(urgency=Urgency.IMMEDIATE) | Q(severity=Severity.EXTREME))
        .select_related("location")
        .order_by("-reported_at")[:FLASH_ALERTS]
    )
    for alert in flash:
        day = timezone.localtime(alert.reported_at).date()
        wanted.append(
            {
                "kind": Report.Kind.FLASH,
                "start": day,
                "end": day,
                "sector_id": alert.location.sector_id,
                "alert_id": alert.pk,
            }
        )
        wanted.append({"kind": Report.Kind.FLASH, "start": day, "end": day})
    return wanted


def _exists(
    kind: str, start: dt.date, end: dt.date, sector_id: int | None = None, **_: Any
) -> bool:
    return Report.objects.filter(
        origin=Report.Origin.COMPILED,
        kind=kind,
        period_start=start,
        period_end=end,
        sector_id=sector_id,
    ).exists()


def _requests_seed(compiled: list[Report]) -> None:
    """A digest each of demo-hq and demo-coordinator asked for, so that the compile page
    lists recent compilations."""
    hq = User.objects.filter(username="demo-hq").first()
    coordinator = User.objects.filter(username="demo-coordinator").first()
    weekly = next((r for r in compiled if r.kind == Report.Kind.WEEKLY and not r.sector_id), None)
    choices = [(hq, weekly)]
    if coordinator is not None and coordinator.field_office_id:
        sector_id = coordinator.field_office.sector_id
        daily = next(
            (r for r in compiled if r.kind == Report.Kind.DAILY and r.sector_id == sector_id), None
        )
        choices.append((coordinator, daily))
    for user, report in choices:
        if user is None or report is None:
            continue
        now = timezone.now()
        CompileRequest.objects.create(
            requested_by=user,
            kind=report.kind,
            period_start=report.period_start,
            period_end=report.period_end,
            sector_id=report.sector_id,
            status=CompileRequest.Status.DONE,
            progress=100,
            report=report,
            created_at=now - dt.timedelta(minutes=3),
            started_at=now - dt.timedelta(minutes=3),
            finished_at=now - dt.timedelta(minutes=2),
        )


def reports_seed(*, today: dt.date) -> int:
    """Compile the digests of the last weeks that are missing, set up the distribution lists.
    Returns how many reports were compiled (0 on a second run)."""
    distribution_lists_seed()
    compiled = []
    with transaction.atomic():
        for key in _wanted(today):
            if not _exists(**key):
                compiled.append(report_compile(**key, with_pdf=False))
        if compiled and not CompileRequest.objects.exists():
            _requests_seed(compiled)
    return len(compiled)
