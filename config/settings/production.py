"""Production: every secret and endpoint from the environment, no defaults."""

from __future__ import annotations

import sys
from urllib.parse import urlparse

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_fernet_keys, env_int, env_list, env_str, env_url

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY", required=True)
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured(
        "The environment variable SECRET_KEY must be at least 50 random characters."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("The environment variable ALLOWED_HOSTS is required.")
env_url("DATABASE_URL", ("postgres", "postgresql"), required=True)
env_url("REDIS_URL", ("redis", "rediss"), required=True)
# Informants' names and contacts are encrypted with these (README "Informants protected at
# rest"): never derived from SECRET_KEY here, so that the two are kept and rotated apart.
# Building the static files and the catalogues reads no data: an image is built, and a release's
# files collected, without the keys (a malformed key is refused all the same).
BUILD_COMMANDS = ("collectstatic", "compile_catalogues", "compilemessages")
BUILDING = len(sys.argv) > 1 and sys.argv[1] in BUILD_COMMANDS
FIELD_ENCRYPTION_KEYS = env_fernet_keys("FIELD_ENCRYPTION_KEYS", required=not BUILDING)

# Plain HTTP only where nothing travels over a network: a check of the production processes on
# 127.0.0.1. It turns off the HTTPS redirect, HSTS and secure-only cookies, and allows an
# http:// SITE_URL; `check --deploy` warns about each of these.
ALLOW_PLAIN_HTTP = env_bool("ALLOW_PLAIN_HTTP", False)

# Links in emails point here: a real deployment has an address of its own, never a default.
SITE_URL = env_str("SITE_URL", required=True).rstrip("/")
_site = urlparse(SITE_URL)
if _site.scheme not in (("https", "http") if ALLOW_PLAIN_HTTP else ("https",)) or not _site.netloc:
    raise ImproperlyConfigured(
        "The environment variable SITE_URL must be the https:// address users reach the "
        f"system at, got {SITE_URL!r}."
    )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not ALLOW_PLAIN_HTTP)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if ALLOW_PLAIN_HTTP else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = not ALLOW_PLAIN_HTTP
CSRF_COOKIE_SECURE = not ALLOW_PLAIN_HTTP
LANGUAGE_COOKIE_SECURE = not ALLOW_PLAIN_HTTP
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
LOG_FORMAT = env_choice("LOG_FORMAT", "json", ("plain", "json"))  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "core.staticstorage.CompactStaticFilesStorage"},
}
