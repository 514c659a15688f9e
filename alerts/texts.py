"""What the system says, stored as a code with its parameters and put in words only when
someone reads it, in the reader's language.

A line the system writes on a timeline (who was notified, why an alert escalated, why two
alerts look like the same event) used to be stored as text in the language of whoever's
request or worker wrote it, so an English-speaking officer read French notes. Now the timeline
keeps `{"code": ..., "params": {...}}` in `AlertEvent.data` and a duplicate link keeps the
code of its reason; pages, the API and emails put them in words with the reader's language
active. What people write (notes, a reason typed in the admin) stays as they wrote it.

A stored code never changes meaning: a rule with other thresholds gets a new code, so the
lines already written keep saying what was checked then.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.utils.functional import Promise
from django.utils.text import Truncator, capfirst
from django.utils.translation import get_language, ngettext_lazy
from django.utils.translation import gettext_lazy as _

NOTIFIED = "notified"
ESCALATED = "escalated"  # the one-off escalation of earlier versions, kept for their lines
# A step of an escalation policy (alerts.services.escalation): the tier, who was told (in
# every language), how long the alert had waited and how many were told; the late form also
# says how many steps were skipped while the scheduler was down.
ESCALATED_STEP = "escalated.step"
ESCALATED_STEP_LATE = "escalated.step_late"
# The community was told what happened: how (alerts.models.InformedHow, in every language),
# when (mission time, as the timeline writes it) and by whom.
COMMUNITY_INFORMED = "community_informed"
# The duplicate rules of alerts.services.routing, thresholds included.
SAME_PLACE_24H = "duplicate.same_place_24h"
WITHIN_5KM_24H = "duplicate.within_5km_24h"
# An admin corrected the alert's facts (alerts.services.correction): params `changes`
# {field: [old, new]} and `redacted` [fields that changed, values not kept].
CORRECTED = "corrected"
# Confirmed duplicates merged into one case (alerts.services.cases): the other alert's
# reference; when the case's lead is closed or reopened its followers follow, with the
# outcome in every language.
CASE_MERGED_INTO = "case.merged_into"
CASE_JOINED = "case.joined"
CASE_CLOSED = "case.closed"
CASE_REOPENED = "case.reopened"
DUPLICATE_REJECTED = "duplicate.rejected"
# How long a text stays on a timeline line; the whole value is kept in the event's data.
CORRECTED_TEXT_LENGTH = 80

# Code -> text with %(name)s parameters; a plural text chooses its form on the parameter
# named in ngettext_lazy.
SYSTEM_TEXTS: dict[str, Promise] = {
    NOTIFIED: ngettext_lazy(
        "%(count)s person notified by email", "%(count)s people notified by email", "count"
    ),
    ESCALATED: ngettext_lazy(
        "Not acknowledged within %(minutes)s minute",
        "Not acknowledged within %(minutes)s minutes",
        "minutes",
    ),
    ESCALATED_STEP: ngettext_lazy(
        "Tier %(tier)s (%(who)s): not acknowledged after %(minutes)s min, %(count)s person told",
        "Tier %(tier)s (%(who)s): not acknowledged after %(minutes)s min, %(count)s people told",
        "count",
    ),
    ESCALATED_STEP_LATE: ngettext_lazy(
        "Tier %(tier)s (%(who)s): not acknowledged after %(minutes)s min, %(count)s told; %(missed)s earlier step was skipped while escalation was stopped",
        "Tier %(tier)s (%(who)s): not acknowledged after %(minutes)s min, %(count)s told; %(missed)s earlier steps were skipped while escalation was stopped",
        "missed",
    ),
    COMMUNITY_INFORMED: _("%(how)s, %(when)s, by %(by)s"),
    SAME_PLACE_24H: _("same location and category within 24 hours"),
    WITHIN_5KM_24H: _("within 5 km within 24 hours"),
    CASE_MERGED_INTO: _("Merged into %(reference)s"),
    CASE_JOINED: _("%(reference)s merged into this case"),
    CASE_CLOSED: _("Closed with its case %(reference)s, outcome: %(outcome)s"),
    CASE_REOPENED: _("Reopened with its case %(reference)s"),
    DUPLICATE_REJECTED: _("%(reference)s is not the same event"),
}


def coded(code: str, **params: Any) -> dict[str, Any]:
    """What is stored for a system text: `{"code": ..., "params": {...}}`."""
    if code not in SYSTEM_TEXTS and code not in WORDED:
        raise ValueError(f"Unknown system text {code!r}")
    return {"code": code, "params": params}


def system_text(code: object, params: object = None) -> str:
    """The text of a code in the active language; "" for a code this version does not know
    or parameters that do not fit it (a stored row is never a reason for an error page)."""
    if isinstance(code, str) and code in WORDED:
        try:
            return WORDED[code](params if isinstance(params, Mapping) else {})
        except (AttributeError, FieldDoesNotExist, KeyError, TypeError, ValueError):
            return ""
    text = SYSTEM_TEXTS.get(code) if isinstance(code, str) else None
    if text is None:
        return ""
    values = {k: localized(v) for k, v in params.items()} if isinstance(params, Mapping) else {}
    try:
        return str(text % values)
    except (KeyError, TypeError, ValueError):
        return ""


def localized(value: object) -> object:
    """A parameter given in every language (`{"en": ..., "fr": ...}`, such as a threat
    category's names) in the active language; any other value as it is."""
    if not isinstance(value, Mapping):
        return value
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    for key in (language, settings.LANGUAGE_CODE):
        if value.get(key):
            return value[key]
    return next((v for v in value.values() if v), "")


def link_reason(reason: str) -> str:
    """Why two alerts were linked, in the active language: the system's reasons are codes,
    a reason typed by a person stays as typed."""
    return system_text(reason) or reason


def correction_text(params: Mapping[str, Any]) -> str:
    """An admin's correction in words: "Killed: 0 → 40; Reported by (name): changed"."""
    # By name: alerts.models imports this module to word its timeline.
    Alert = apps.get_model("alerts", "Alert")
    parts = []
    changes = params.get("changes") or {}
    for name, (old, new) in changes.items():
        field = Alert._meta.get_field(name)
        parts.append(
            str(_("%(field)s: %(old)s → %(new)s"))
            % {
                "field": capfirst(field.verbose_name),
                "old": _worded_value(field, old),
                "new": _worded_value(field, new),
            }
        )
    for name in params.get("redacted") or ():
        field = Alert._meta.get_field(name)
        parts.append(str(_("%(field)s: changed")) % {"field": capfirst(field.verbose_name)})
    # Translators: between the fields of a correction ("Killed: 0 → 40; Place: …").
    return str(_("; ")).join(parts)


def _worded_value(field: Any, value: object) -> str:
    if value is None or value == "":
        return str(_("(empty)"))
    if field.choices and not isinstance(value, Mapping):
        return str(dict(field.flatchoices).get(value, value))
    text = str(localized(value))
    return Truncator(" ".join(text.split())).chars(CORRECTED_TEXT_LENGTH)


# Codes put in words by a function rather than one text: their parameters are structured.
WORDED: dict[str, Callable[[Mapping[str, Any]], str]] = {CORRECTED: correction_text}
