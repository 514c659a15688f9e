"""Development and the embedded default: `make run`."""

from __future__ import annotations

from config.env import env_bool

from .base import *  # noqa: F403

DEBUG = env_bool("DEBUG", True)
