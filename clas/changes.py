"""The words of a change to a CLA's deployments (clas.models.DeploymentEvent).

A change is stored as a message key and its values (names, ISO dates), and put in words when
shown, in the language of whoever reads it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ASSIGNED = "assigned"
ROTATION_ENDED = "rotation_ended"
ROTATED = "rotated"
ENDED = "ended"
LEAVE_STARTED = "leave_started"
LEAVE_ENDED = "leave_ended"
NEW_CLA = "new_cla"
IMPORT_ENDED = "import_ended"
IMPORT_RECORDED = "import_recorded"
IMPORT_DEPLOYED = "import_deployed"

TEXTS: dict[str, Promise] = {
    ASSIGNED: _("Assigned to %(location)s from %(start)s."),
    ROTATION_ENDED: _("Ended at %(location)s on %(end)s (rotation)."),
    ROTATED: _("Rotated from %(old)s to %(location)s from %(start)s."),
    ENDED: _("Ended at %(location)s on %(end)s: %(reason)s"),
    LEAVE_STARTED: _("On leave from %(location)s."),
    LEAVE_ENDED: _("Back from leave at %(location)s."),
    NEW_CLA: _("New CLA %(name)s (%(number)s)."),
    IMPORT_ENDED: _("%(name)s: deployment at %(location)s ends on %(end)s."),
    IMPORT_RECORDED: _("%(name)s: deployment at %(location)s from %(start)s to %(end)s."),
    IMPORT_DEPLOYED: _("%(name)s: deployed at %(location)s from %(start)s."),
}
DATE_KEYS = ("start", "end")


def change_details(message: str, **values: Any) -> dict[str, str]:
    """What to store: the message key and its values as text (dates in ISO)."""
    details = {"message": message}
    for key, value in values.items():
        details[key] = value.isoformat() if isinstance(value, dt.date) else str(value)
    return details


def change_text(details: dict[str, str]) -> str:
    """The change in words, in the active language."""
    template = TEXTS.get(details.get("message", ""))
    if template is None:
        return ""
    values: dict[str, str] = {k: v for k, v in details.items() if k != "message"}
    for key in DATE_KEYS:
        if key in values:
            with contextlib.suppress(ValueError):
                values[key] = date_format(dt.date.fromisoformat(values[key]), "DATE_FORMAT")
    try:
        return str(template) % values
    except (KeyError, TypeError, ValueError):
        return str(template)
