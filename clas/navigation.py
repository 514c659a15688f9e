"""The navigation of each role: the page it lands on and its links, most used first.

One table for the whole site, kept by clas because clas owns the roles; core draws it
(`core.navigation`, installed by `ClasConfig.ready()`). Pages are named by their URL names,
plain strings, so clas imports none of the apps they belong to.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from clas.models import Role
from core.navigation import Navigation

# The page each role lands on after signing in.
ROLE_HOME: dict[str, str] = {
    Role.CLA: "alerts:my_alerts",
    Role.COORDINATOR: "clas:cla_list",
    Role.FORCE: "alerts:queue",
    Role.HQ: "reporting:dashboard",
    Role.ADMIN: "clas:board",
}

LABELS: dict[str, str | Promise] = {
    "alerts:alert_create": _("New alert"),
    "alerts:my_alerts": _("My alerts"),
    "alerts:queue": _("Triangulation queue"),
    "alerts:alert_list": _("Alerts"),
    "clas:cla_list": _("CLAs"),
    "clas:location_list": _("Locations"),
    "clas:network_list": _("Alert networks"),
    "clas:deployment_list": _("Deployments"),
    "clas:board": _("Deployment board"),
    "protection_plans:plan_list": _("Protection plans"),
    "reporting:dashboard": _("Dashboard"),
    "reporting:report_list": _("Reports"),
    "reporting:monitoring": _("CLA monitoring"),
    "reporting:assessment": _("Joint assessment"),
    "admin:index": _("Administration"),
    "sms:inbox": _("SMS to review"),
    "sms:dead_letters": _("SMS not delivered"),
    "alerts:identity_views": _("Source identities shown"),
    "alerts:escalation_policies": _("Escalation policies"),
    "sms:card": _("SMS card"),
    "sms:preferences": _("SMS alerts"),
    "notifications:list": _("Notifications"),
}

# Navigation per role, most used first: an old phone shows the first links first.
ROLE_NAV: dict[str, tuple[str, ...]] = {
    Role.CLA: (
        "alerts:alert_create",
        "alerts:my_alerts",
        "notifications:list",
        "reporting:report_list",
        "clas:network_list",
        "protection_plans:plan_list",
        "reporting:assessment",
        "sms:card",
        "sms:preferences",
    ),
    Role.COORDINATOR: (
        "clas:cla_list",
        "alerts:alert_list",
        "sms:inbox",
        "reporting:report_list",
        "reporting:monitoring",
        "clas:board",
        "clas:location_list",
        "clas:deployment_list",
        "clas:network_list",
        "protection_plans:plan_list",
        "sms:card",
    ),
    Role.FORCE: (
        "alerts:queue",
        "alerts:alert_list",
        "reporting:report_list",
        "reporting:assessment",
        "sms:card",
        "sms:preferences",
    ),
    Role.HQ: (
        "reporting:dashboard",
        "alerts:alert_list",
        "reporting:report_list",
        "reporting:monitoring",
        "reporting:assessment",
        "clas:board",
        "clas:cla_list",
        "clas:location_list",
        "clas:network_list",
        "protection_plans:plan_list",
        "sms:inbox",
    ),
    Role.ADMIN: (
        "clas:board",
        "admin:index",
        "reporting:dashboard",
        "alerts:alert_list",
        "sms:inbox",
        "sms:dead_letters",
        "alerts:identity_views",
        "alerts:escalation_policies",
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

NAVIGATION = Navigation(homes=ROLE_HOME, links=ROLE_NAV, labels=LABELS)
