"""How figures read on pages, in reports and in exports."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

NONE = "\u2013"  # an en dash where there is no value


def duration_text(value: float | dt.timedelta | None) -> str:
    """A delay as a person reads it: 40 s, 12 min, 3 h 05 min, 2 d 4 h."""
    if value is None:
        return NONE
    seconds = value.total_seconds() if isinstance(value, dt.timedelta) else value
    seconds = max(round(seconds), 0)
    if seconds < 60:
        return _("%(n)d s") % {"n": seconds}
    minutes = seconds // 60
    if minutes < 60:
        return _("%(n)d min") % {"n": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return _("%(h)d h %(m)02d min") % {"h": hours, "m": minutes}
    days, hours = divmod(hours, 24)
    return _("%(d)d d %(h)d h") % {"d": days, "h": hours}
