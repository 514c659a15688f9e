"""The history of every change to alerts, reports, plans, networks and deployments, kept by
PostgreSQL itself (django-pghistory): triggers on the tracked tables write a row here for each
insert, update and delete, whatever made it (a service, the Django admin, a raw UPDATE), with
the context of the request, command or task that made it (audit.context).

An update keeps the row as it was before (`row=Old`): its new values are those of the next
event of the same object, or the row as it is now, so every change has its old and new values
even for rows written before tracking began or by the bulk paths (which insert without a trace
for alerts, their timeline says who logged them). A delete keeps the last state.

Who reported an alert is encrypted at rest and need-to-know: those columns are not copied
here (the alert's timeline says when they were corrected). The compiled HTML of a report is
derived from the rest and left out too. On SQLite (the embedded default) there are no
triggers: these tables stay empty and the services' own records (the alert timeline, plan
versions) are the history.

The event tables are append-only on PostgreSQL (a trigger refuses UPDATE and DELETE).
"""

from __future__ import annotations

import pghistory
from django.db import models
from django.utils.translation import gettext_lazy as _

from alerts.models import Alert
from clas.models import CLA, CommunityAlertNetwork, Deployment, FocalPoint
from protection_plans.models import Measure, PlanVersion, ProtectionPlan, Threat, VulnerableGroup
from reporting.models import Report

# The labels of the events (pgh_label).
CREATED = "created"
CHANGED = "changed"
DELETED = "deleted"


def _trackers(*, inserts: bool = True) -> list[pghistory.RowEvent]:
    trackers: list[pghistory.RowEvent] = [
        pghistory.UpdateEvent(CHANGED, row=pghistory.Old),
        pghistory.DeleteEvent(DELETED),
    ]
    if inserts:
        trackers.insert(0, pghistory.InsertEvent(CREATED))
    return trackers


def _history(
    model: type[models.Model],
    name: str,
    verbose_name: str,
    *,
    exclude: tuple[str, ...] = (),
    inserts: bool = True,
) -> type[models.Model]:
    return pghistory.create_event_model(
        model,
        *_trackers(inserts=inserts),
        exclude=list(exclude),
        # Not reachable from the tracked row: `alert.events` is the alert's timeline.
        obj_field=pghistory.ObjForeignKey(related_name="+", related_query_name="+"),
        model_name=name,
        app_label="audit",
        abstract=False,
        append_only=True,
        meta={"verbose_name": verbose_name, "verbose_name_plural": verbose_name},
    )


# Alerts are inserted by the million by the bulk paths, and the timeline's first line says who
# logged each one: only their changes and deletes are copied.
AlertHistory = _history(
    Alert,
    "AlertHistory",
    _("history of alerts"),
    exclude=("source_name", "source_contact", "payload_hash"),
    inserts=False,
)
ReportHistory = _history(
    Report, "ReportHistory", _("history of reports"), exclude=("html", "updated_at")
)
ProtectionPlanHistory = _history(
    ProtectionPlan,
    "ProtectionPlanHistory",
    _("history of protection plans"),
    exclude=("updated_at",),
)
PlanVersionHistory = _history(PlanVersion, "PlanVersionHistory", _("history of plan versions"))
# The risk is computed by the database from likelihood and impact.
ThreatHistory = _history(Threat, "ThreatHistory", _("history of threats"), exclude=("risk",))
VulnerableGroupHistory = _history(
    VulnerableGroup, "VulnerableGroupHistory", _("history of vulnerable groups")
)
MeasureHistory = _history(Measure, "MeasureHistory", _("history of measures"))
NetworkHistory = _history(
    CommunityAlertNetwork, "NetworkHistory", _("history of community alert networks")
)
FocalPointHistory = _history(FocalPoint, "FocalPointHistory", _("history of focal points"))
DeploymentHistory = _history(Deployment, "DeploymentHistory", _("history of deployments"))
CLAHistory = _history(CLA, "CLAHistory", _("history of CLAs"))

# Each tracked model and the table of its history.
HISTORY_OF: dict[type[models.Model], type[models.Model]] = {
    Alert: AlertHistory,
    Report: ReportHistory,
    ProtectionPlan: ProtectionPlanHistory,
    PlanVersion: PlanVersionHistory,
    Threat: ThreatHistory,
    VulnerableGroup: VulnerableGroupHistory,
    Measure: MeasureHistory,
    CommunityAlertNetwork: NetworkHistory,
    FocalPoint: FocalPointHistory,
    Deployment: DeploymentHistory,
    CLA: CLAHistory,
}
