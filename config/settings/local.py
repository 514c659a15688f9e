"""Development and the embedded default: `make run`."""

from __future__ import annotations

from config.env import env_bool, fernet_key_from_secret

from .base import *  # noqa: F403
from .base import FIELD_ENCRYPTION_KEYS, SECRET_KEY

DEBUG = env_bool("DEBUG", True)
FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or [fernet_key_from_secret(SECRET_KEY)]
