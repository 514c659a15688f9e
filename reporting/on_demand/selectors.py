"""Reads of the digests compiled on demand, scoped like the digests they compile."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from clas.models import Role, Sector, User
from clas.selectors import sector_list
from reporting.models import CompileRequest


def compile_request_list(*, user: User) -> QuerySet[CompileRequest]:
    """The requests the user may follow: HQ and admins all; a coordinator their own and those
    of the sectors of their area (someone else's ask of the same digest is followed, not
    repeated); anyone else none."""
    qs = CompileRequest.objects.select_related("sector", "report", "requested_by")
    if not user.is_authenticated:
        return qs.none()
    if user.is_mission_wide:
        return qs
    if user.role == Role.COORDINATOR:
        return qs.filter(Q(requested_by=user) | Q(sector__in=sector_list(user=user).values("pk")))
    return qs.filter(requested_by=user)


def compile_sectors(*, user: User) -> QuerySet[Sector]:
    """The sectors whose digests the user may compile."""
    return sector_list(user=user).order_by("name")


def progress_step(request: CompileRequest) -> str:
    """What the compilation is doing, in words, from its progress (reporting.services
    report_compile reports 40 once the figures are counted, 60 once written, 90 once the
    PDF is rendered)."""
    if request.status == CompileRequest.Status.PENDING:
        return _("Waiting for a worker.")
    if request.status != CompileRequest.Status.RUNNING:
        return ""
    if request.progress < 40:
        return _("Counting the alerts, networks and plans of the period.")
    if request.progress < 60:
        return _("Writing the report and the list of its alerts.")
    if request.progress < 90:
        return _("Rendering the PDF.")
    return _("Saving the report.")
