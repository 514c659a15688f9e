"""How far an alert is from its nearest base, in the reader's language."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from alerts.geo import is_near_base
from alerts.models import Alert

register = template.Library()


@register.filter
def near_base(alert: Alert) -> bool:
    """Within NEAR_BASE_KM of a base: urgent, marked on the queue."""
    return is_near_base(alert)


@register.filter
def base_distance(alert: Alert) -> str:
    """ "2.3 km from Kaga-Bandoro base"; empty without coordinates."""
    if alert.base_distance_km is None or alert.nearest_base_id is None:
        return ""
    return _("%(distance)s km from %(base)s base") % {
        "distance": number_format(alert.base_distance_km, 1),
        "base": alert.nearest_base.name,
    }


@register.simple_tag
def near_base_km() -> str:
    """NEAR_BASE_KM as the reader writes numbers."""
    return number_format(settings.NEAR_BASE_KM)
