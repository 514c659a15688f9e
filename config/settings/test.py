"""Tests: the embedded default, or PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set."""

from __future__ import annotations

from config.env import fernet_key_from_secret

from .base import *  # noqa: F403
from .base import DATABASES, FIELD_ENCRYPTION_KEYS, REST_FRAMEWORK, SECRET_KEY

DEBUG = False
FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or [fernet_key_from_secret(SECRET_KEY)]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests call tasks in-process unless an integration test starts a real worker.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}

# Nothing is collected before the tests: WhiteNoise finds static files at request time.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# The test client's login() authenticates without a request; axes stays on for the rest.
AUTHENTICATION_BACKENDS = [
    "tests.auth_backends.ClientLoginAxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Two-step sign-in off: tests sign in with force_login; its own tests turn it back on.
OTP_REQUIRED_ROLES: tuple[str, ...] = ()
# Far above what any test sends; the throttle tests set their own rates.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        "user": "100000/min",
        "anon": "100000/min",
        "auth_token": "100000/min",
    },
}
