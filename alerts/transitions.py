"""The alert state machine in one table: every triage action declared once.

An action names the states it applies to, the state it leads to (None: the state stays), who
may take it, the timeline event it writes and the message once it is done. The services
(alerts.services.triage) check it under lock, the alert page offers an action only where the
table allows it, and the API has one endpoint per action, all under the action's name:
`alerts/<pk>/<name>/` on the pages and in the API, and the prefix of the action's form.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from alerts.models import Alert, AlertEvent
from clas.models import Role

Status = Alert.Status
Kind = AlertEvent.Kind

# The states of an alert someone still works on: the triangulation queue shows these.
OPEN_STATES: tuple[str, ...] = (
    Status.QUEUED,
    Status.ACKNOWLEDGED,
    Status.TRIANGULATING,
    Status.VERIFIED,
    Status.RESPONDED,
)

# Who works the triangulation queues: Force officers, and HQ staff and admins for the whole
# mission (superusers always). Which alerts each of them reaches is the scope of
# alerts.selectors.alert_list.
QUEUE_ROLES: frozenset[str] = frozenset({Role.FORCE, Role.HQ, Role.ADMIN})


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]  # the states the action applies to
    target: str | None  # the state it leads to; None: the state does not change
    event: str  # the AlertEvent.Kind written on the timeline
    done: str | Promise  # said once it is done; %(reference)s is the alert's
    roles: frozenset[str] = QUEUE_ROLES  # who may take it (alerts.permissions.may_take)
    tells_cla: bool = False  # the CLA of the alert is told once it is done (signals.news_for_cla)

    def allows(self, status: str) -> bool:
        return status in self.sources

    def done_message(self, alert: Alert) -> str:
        return str(self.done) % {"reference": alert.reference}


ACKNOWLEDGE = Transition(
    "acknowledge",
    sources=(Status.QUEUED,),
    target=Status.ACKNOWLEDGED,
    event=Kind.ACKNOWLEDGED,
    done=_("%(reference)s acknowledged."),
    tells_cla=True,
)
TRIANGULATE = Transition(
    "triangulate",
    sources=(Status.ACKNOWLEDGED, Status.TRIANGULATING),
    target=Status.TRIANGULATING,
    event=Kind.TRIANGULATION,
    done=_("Triangulation of %(reference)s requested."),
)
OUTCOME = Transition(
    "outcome",
    sources=(Status.ACKNOWLEDGED, Status.TRIANGULATING),
    target=Status.VERIFIED,
    event=Kind.OUTCOME,
    done=_("Outcome of %(reference)s recorded."),
    tells_cla=True,
)
RESPONSE = Transition(
    "response",
    sources=(Status.VERIFIED,),
    target=Status.RESPONDED,
    event=Kind.RESPONSE,
    done=_("Response to %(reference)s recorded."),
    tells_cla=True,
)
CLOSE = Transition(
    "close",
    sources=(Status.VERIFIED, Status.RESPONDED),
    target=Status.CLOSED,
    event=Kind.CLOSED,
    done=_("%(reference)s closed."),
    tells_cla=True,
)
REOPEN = Transition(
    "reopen",
    sources=(Status.CLOSED,),
    target=Status.ACKNOWLEDGED,
    event=Kind.REOPENED,
    done=_("%(reference)s reopened."),
)
ASSIGN = Transition(
    "assign",
    sources=OPEN_STATES,
    target=None,
    event=Kind.ASSIGNED,
    done=_("%(reference)s assigned."),
)
NOTE = Transition(
    "note",
    sources=(*OPEN_STATES, Status.CLOSED),
    target=None,
    event=Kind.NOTE,
    done=_("Note added to %(reference)s."),
)

# By name, in the order the alert page offers them.
TRANSITIONS: dict[str, Transition] = {
    t.name: t for t in (ACKNOWLEDGE, TRIANGULATE, OUTCOME, RESPONSE, CLOSE, REOPEN, ASSIGN, NOTE)
}
