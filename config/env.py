"""Reading settings from the environment, failing loudly on a bad value."""

from __future__ import annotations

import base64
import hashlib
import os
import zoneinfo
from urllib.parse import urlparse

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if required:
            raise ImproperlyConfigured(f"The environment variable {name} is required.")
        return default if default is not None else ""
    return value


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"The environment variable {name} must be true or false, got {value!r}."
    )


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"The environment variable {name} must be a whole number, got {value!r}."
        ) from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"The environment variable {name} must be at least {minimum}.")
    return number


def env_rate(name: str, default: str) -> str:
    """A request rate as Django REST framework reads it: `120/min`, `10/s`, `1000/hour`, `5000/day`."""
    value = env_str(name, default).strip()
    number, _, period = value.partition("/")
    if not number.isdigit() or not period or period[0] not in "smhd":
        raise ImproperlyConfigured(
            f"The environment variable {name} must be a rate such as 120/min, got {value!r}."
        )
    return value


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def env_url(name: str, schemes: tuple[str, ...], *, required: bool = False) -> str:
    """A URL with one of the given schemes and a host (or path for sqlite), or ''."""
    value = env_str(name, required=required)
    if not value:
        return ""
    parsed = urlparse(value)
    # The value may carry a password: never echo it back into a log.
    shown = _without_password(value)
    if parsed.scheme not in schemes:
        raise ImproperlyConfigured(
            f"The environment variable {name} must be a URL starting with "
            f"{' or '.join(s + '://' for s in schemes)}, got {shown!r}."
        )
    if parsed.scheme != "sqlite" and not parsed.hostname and not parsed.path:
        raise ImproperlyConfigured(f"The environment variable {name} has no host: {shown!r}.")
    try:
        parsed.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise ImproperlyConfigured(
            f"The environment variable {name} has an invalid port: {shown!r}."
        ) from None
    return value


def env_timezone(name: str, default: str) -> str:
    """An IANA time zone name such as Africa/Bangui."""
    value = env_str(name, default)
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(
            f"The environment variable {name} must be a time zone name such as "
            f"Africa/Bangui, got {value!r}."
        ) from None
    return value


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """One of choices, compared without regard to case."""
    value = env_str(name, default)
    for choice in choices:
        if value.strip().lower() == choice.lower():
            return choice
    raise ImproperlyConfigured(
        f"The environment variable {name} must be one of {', '.join(choices)}, got {value!r}."
    )


def env_fernet_keys(name: str, *, required: bool = False) -> list[str]:
    """Comma-separated Fernet keys, newest first. The message names a bad key's position,
    never the key."""
    keys = env_list(name)
    if required and not keys:
        raise ImproperlyConfigured(
            f"The environment variable {name} is required: one or more Fernet keys, newest "
            "first. Make one with: python3 -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'"
        )
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode())
        except (ValueError, TypeError):
            raise ImproperlyConfigured(
                f"The environment variable {name} must be Fernet keys separated by commas "
                f"(32 bytes in URL-safe base64, 44 characters); key {position} is not one."
            ) from None
    return keys


def fernet_key_from_secret(secret: str) -> str:
    """A Fernet key derived from SECRET_KEY: the development and test default only."""
    digest = hashlib.sha256(b"earlywarning.field-encryption:" + secret.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def _without_password(url: str) -> str:
    parsed = urlparse(url)
    if parsed.password is None:
        return url
    netloc = parsed.netloc.replace(f":{parsed.password}@", ":***@", 1)
    return parsed._replace(netloc=netloc).geturl()
