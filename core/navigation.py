"""Where each role works: its home page and the links of its navigation.

Some pages arrive after others, so a URL name that does not resolve (yet) is skipped
instead of breaking every page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from clas.models import Role, User


@dataclass(frozen=True)
class NavLink:
    url: str
    label: str | Promise
    current: bool = False


# The page each role lands on after signing in.
ROLE_HOME: dict[str, str] = {
    Role.CLA: "alerts:my_alerts",
    Role.COORDINATOR: "clas:cla_list",
    Role.FORCE: "alerts:queue",
    Role.HQ: "reporting:dashboard",
    Role.ADMIN: "admin:index",
}

_LABELS: dict[str, str | Promise] = {
    "alerts:alert_create": _("New alert"),
    "alerts:my_alerts": _("My alerts"),
    "alerts:queue": _("Triangulation queue"),
    "alerts:alert_list": _("Alerts"),
    "clas:cla_list": _("CLAs"),
    "clas:location_list": _("Locations"),
    "clas:network_list": _("Alert networks"),
    "clas:deployment_list": _("Deployments"),
    "protection_plans:plan_list": _("Protection plans"),
    "reporting:dashboard": _("Dashboard"),
    "reporting:report_list": _("Reports"),
    "reporting:monitoring": _("CLA monitoring"),
    "reporting:assessment": _("Joint assessment"),
    "admin:index": _("Administration"),
}

# Navigation per role, most used first: an old phone shows the first links first.
ROLE_NAV: dict[str, tuple[str, ...]] = {
    Role.CLA: (
        "alerts:alert_create",
        "alerts:my_alerts",
        "reporting:report_list",
        "clas:network_list",
        "protection_plans:plan_list",
        "reporting:assessment",
    ),
    Role.COORDINATOR: (
        "clas:cla_list",
        "alerts:alert_list",
        "reporting:report_list",
        "reporting:monitoring",
        "clas:location_list",
        "clas:deployment_list",
        "clas:network_list",
        "protection_plans:plan_list",
    ),
    Role.FORCE: (
        "alerts:queue",
        "alerts:alert_list",
        "reporting:report_list",
        "reporting:assessment",
    ),
    Role.HQ: (
        "reporting:dashboard",
        "alerts:alert_list",
        "reporting:report_list",
        "reporting:monitoring",
        "reporting:assessment",
        "clas:cla_list",
        "clas:location_list",
        "clas:network_list",
        "protection_plans:plan_list",
    ),
    Role.ADMIN: (
        "admin:index",
        "reporting:dashboard",
        "alerts:alert_list",
        "reporting:report_list",
        "reporting:monitoring",
        "reporting:assessment",
        "clas:cla_list",
        "clas:location_list",
        "clas:deployment_list",
        "clas:network_list",
        "protection_plans:plan_list",
    ),
}


def _reverse_or_none(url_name: str) -> str | None:
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


def _may_open(user: User, url_name: str) -> bool:
    # The Django admin only lets staff in; anyone else would bounce to its login page.
    return not url_name.startswith("admin:") or user.is_staff


def role_home_url(user: User) -> str | None:
    """The URL of the user's work page, or None when that page does not exist (yet)."""
    url_name = ROLE_HOME.get(user.role)
    if url_name is None or not _may_open(user, url_name):
        return None
    return _reverse_or_none(url_name)


def nav_links(user: User, *, current_path: str = "") -> list[NavLink]:
    """The navigation links of the user's role that resolve, in display order."""
    if not user.is_authenticated:
        return []
    links = []
    for url_name in ROLE_NAV.get(user.role, ()):
        if not _may_open(user, url_name):
            continue
        url = _reverse_or_none(url_name)
        if url is not None:
            links.append(NavLink(url=url, label=_LABELS[url_name], current=url == current_path))
    return links
