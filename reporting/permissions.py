"""Who may do what in reporting: the one answer the pages, the API's permission classes, the
selectors and the services all ask.

Reading is scoping: a report outside `readable_reports` does not exist for the user (a 404,
never a 403). The other rules say whether a role, or a relation to a report, allows an action;
the services turn a refusal into `core.exceptions.PermissionRefused`.
"""

from __future__ import annotations

from django.db.models import Q

from clas.models import Role, User
from clas.selectors import scoped_location_ids, sector_list
from reporting.models import Report

# Who sees the dashboard: HQ and admins the mission, coordinators their area, Force officers
# their sector. CLAs have their own pages.
DASHBOARD_ROLES = (Role.HQ, Role.ADMIN, Role.COORDINATOR, Role.FORCE)
# Its author may still change (and submit) a written report in these states.
EDITABLE_STATUSES = (Report.Status.DRAFT, Report.Status.RETURNED)


def may_view_dashboard(user: User) -> bool:
    return user.is_authenticated and (user.is_mission_wide or user.role in DASHBOARD_ROLES)


def may_monitor_clas(user: User) -> bool:
    """Coordinators follow the CLAs of their area; HQ and admins those of the mission."""
    return user.is_authenticated and (user.is_mission_wide or user.role == Role.COORDINATOR)


def may_answer_assessment(user: User) -> bool:
    """CLAs and Force officers answer the joint assessment."""
    return user.is_authenticated and user.role in (Role.CLA, Role.FORCE)


def may_run_assessment(user: User) -> bool:
    """HQ staff and admins follow who answered, then close the assessment and compile it."""
    return user.is_authenticated and user.is_mission_wide


def may_write_reports(user: User) -> bool:
    """CLAs open daily reports and weekly analyses (flash reports open with their alert)."""
    return user.is_authenticated and user.role == Role.CLA


def may_track_reports(user: User) -> bool:
    """Who follows the late reports of several locations."""
    return user.is_authenticated and (user.is_mission_wide or user.role == Role.COORDINATOR)


def may_compile_reports(user: User) -> bool:
    """HQ and admins compile digests of the mission or of any sector now; coordinators those
    of the sectors of their area (reporting.on_demand)."""
    return user.is_authenticated and (user.is_mission_wide or user.role == Role.COORDINATOR)


def readable_reports(user: User) -> Q:
    """The reports the user may read. CLAs and coordinators: those of their locations and
    their own; coordinators also the compiled reports of the sectors of their area, which
    they may compile; Force: compiled reports of their sector and of the mission; HQ,
    admins: all. A compiled report is shown to whom is not mission-wide as compiled again
    from what they may see (reporting.copies)."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_mission_wide:
        return Q()
    if user.role == Role.FORCE:
        return Q(origin=Report.Origin.COMPILED) & (
            Q(scope=Report.Scope.MISSION) | Q(sector_id=user.sector_id)
        )
    readable = Q(location__in=scoped_location_ids(user) or []) | Q(author=user)
    if user.role == Role.COORDINATOR:
        readable |= Q(
            origin=Report.Origin.COMPILED,
            scope=Report.Scope.SECTOR,
            sector__in=sector_list(user=user).values("pk"),
        )
    return readable


def is_report_author(user: User, report: Report) -> bool:
    """Only its author changes or submits a written report."""
    return (
        user.is_authenticated
        and report.origin == Report.Origin.WRITTEN
        and report.author_id == user.pk
    )


def may_edit_report(user: User, report: Report) -> bool:
    return is_report_author(user, report) and report.status in EDITABLE_STATUSES


def may_review_report(user: User, report: Report) -> bool:
    """HQ, and the coordinators of the field office covering the report's location; never
    its author."""
    if not user.is_authenticated or report.origin != Report.Origin.WRITTEN:
        return False
    if report.author_id == user.pk:
        return False
    if user.is_mission_wide:
        return True
    if user.role != Role.COORDINATOR or not user.field_office_id or report.location is None:
        return False
    office_id = report.location.field_office_id or report.location_id
    return user.field_office_id in (office_id, report.location_id)
