"""Kannel's configuration, rendered from deploy/kannel/kannel.conf.template with the values
the system itself reads (the shared secret, the sendsms account, the number replies come
from), so that Kannel and the system can never disagree on them.

`manage.py kannel_config` writes it; `make kannel` runs a local Kannel with it; the
integration tests start real bearerbox, smsbox and fakesmsc processes with it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

TEMPLATE = Path(settings.BASE_DIR) / "deploy" / "kannel" / "kannel.conf.template"
_PLACEHOLDER = re.compile(r"\$\{([A-Z0-9_]+)\}")

# Kannel's own defaults where it has them; everything on 127.0.0.1 unless told otherwise.
DEFAULTS: dict[str, str] = {
    "KANNEL_ADMIN_PORT": "13000",
    "KANNEL_SMSBOX_PORT": "13001",
    "KANNEL_SENDSMS_PORT": "13013",
    "KANNEL_FAKESMSC_PORT": "10000",
    "KANNEL_BIND": "127.0.0.1",
    "KANNEL_ALLOW_IP": "127.0.0.1",
    "KANNEL_LOG_LEVEL": "1",
    # The system may be down two hours and no SMS is lost: 720 retries, 10 s apart.
    "KANNEL_HTTP_RETRIES": "720",
    "KANNEL_HTTP_RETRY_DELAY": "10",
}


def incoming_url(web_url: str, secret: str) -> str:
    """The URL Kannel posts incoming SMS to, the secret as basic auth (kannel:<secret>@)."""
    parts = urlsplit(web_url.rstrip("/"))
    netloc = f"kannel:{quote(secret, safe='')}@{parts.hostname}"
    if parts.port:
        netloc += f":{parts.port}"
    path = parts.path + reverse("sms:kannel_incoming")
    return urlunsplit((parts.scheme, netloc, path, "", ""))


def config_values(overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """The template's values: DEFAULTS, then the environment (KANNEL_*), then the settings the
    system runs with, then `overrides`."""
    values = dict(DEFAULTS)
    values.update({k: v for k, v in os.environ.items() if k.startswith("KANNEL_") and v})
    if settings.KANNEL_SENDSMS_URL:
        port = urlsplit(settings.KANNEL_SENDSMS_URL).port
        if port:
            values["KANNEL_SENDSMS_PORT"] = str(port)
    values.update(
        {
            "KANNEL_SECRET": settings.KANNEL_SECRET,
            "KANNEL_SENDSMS_USERNAME": settings.KANNEL_SENDSMS_USERNAME,
            "KANNEL_SENDSMS_PASSWORD": settings.KANNEL_SENDSMS_PASSWORD,
            "KANNEL_SENDER": settings.SMS_NUMBER or "1313",
        }
    )
    values.setdefault("KANNEL_VAR_DIR", str(Path(settings.VAR_DIR) / "kannel"))
    values.setdefault("KANNEL_ADMIN_PASSWORD", settings.KANNEL_SENDSMS_PASSWORD)
    values.update(overrides or {})
    if "KANNEL_INCOMING_URL" not in values:
        web_url = values.get("KANNEL_WEB_URL") or settings.SITE_URL
        values["KANNEL_INCOMING_URL"] = incoming_url(web_url, values["KANNEL_SECRET"])
    return values


def render(values: Mapping[str, str]) -> str:
    """The template with every ${NAME} of its active lines replaced; a value missing there is
    an error (an empty password would be a silent hole). Commented lines keep what has no
    value: the SMPP and HTTP examples are filled in by whoever uncomments them."""
    for name in ("KANNEL_SECRET", "KANNEL_SENDSMS_USERNAME", "KANNEL_SENDSMS_PASSWORD"):
        if not values.get(name):
            raise ImproperlyConfigured(f"{name} must be set to write Kannel's configuration.")
    lines = []
    for line in TEMPLATE.read_text().splitlines():
        comment = line.lstrip().startswith("#")

        def value(match: re.Match[str], comment: bool = comment) -> str:
            name = match.group(1)
            if name in values:
                return str(values[name]).replace('"', "")
            if comment:
                return match.group(0)
            raise ImproperlyConfigured(f"No value for {name} in Kannel's configuration.")

        lines.append(_PLACEHOLDER.sub(value, line))
    return "\n".join(lines) + "\n"
