"""Writes of the early warning chain, one module per stage of an alert's life:

- intake: an alert checked and saved with its outbox row, handed to a routing worker;
- routing: put on its triangulation queue, duplicates linked, the flash procedure started,
  and the sweep of what the broker never delivered;
- triage: the Force's actions (alerts.transitions), each under the alert's lock;
- escalation: the flash notification and the escalation of what nobody acknowledged;
- follow_up: the CLA's notes on their alert and when the community was informed;
- identity: the record of every display of who reported an alert;
- correction: an admin's correction of an alert's facts, on the timeline;
- verification: the checks an officer records and the alert's Admiralty grade.

Callers use the package (`from alerts import services; services.alert_route(...)`).
"""

from __future__ import annotations

from alerts.services.cases import duplicate_confirm, duplicate_reject
from alerts.services.correction import alert_correct, alert_correction_check
from alerts.services.escalation import (
    alert_escalate,
    alert_escalate_overdue,
    alert_notify_flash,
    flash_notification_enqueue,
    flash_recipients,
)
from alerts.services.follow_up import alert_add_follow_up_note, alert_record_community_informed
from alerts.services.identity import identity_view_record
from alerts.services.intake import (
    CLIENT_KEY_PATTERN,
    MAX_VICTIMS,
    AlertInput,
    alert_create,
    alert_dispatch_enqueue,
    alert_validate,
)
from alerts.services.routing import alert_dispatch_sweep, alert_route, is_flash, queue_for_alert
from alerts.services.triage import (
    ACTION_SERVICES,
    alert_acknowledge,
    alert_add_note,
    alert_assign,
    alert_close,
    alert_record_outcome,
    alert_record_response,
    alert_reopen,
    alert_request_triangulation,
)
from alerts.services.verification import alert_grade, alert_record_check

__all__ = [
    "ACTION_SERVICES",
    "CLIENT_KEY_PATTERN",
    "MAX_VICTIMS",
    "AlertInput",
    "alert_acknowledge",
    "alert_add_follow_up_note",
    "alert_add_note",
    "alert_assign",
    "alert_close",
    "alert_correct",
    "alert_correction_check",
    "alert_create",
    "alert_dispatch_enqueue",
    "alert_dispatch_sweep",
    "alert_escalate",
    "alert_escalate_overdue",
    "alert_grade",
    "alert_notify_flash",
    "alert_record_check",
    "alert_record_community_informed",
    "alert_record_outcome",
    "alert_record_response",
    "alert_reopen",
    "alert_request_triangulation",
    "alert_route",
    "alert_validate",
    "duplicate_confirm",
    "duplicate_reject",
    "flash_notification_enqueue",
    "flash_recipients",
    "identity_view_record",
    "is_flash",
    "queue_for_alert",
]
