"""The production settings with the static files of one folder only, holding a broken reference
(only that folder: collecting every app's files would take half a minute to prove nothing more)."""

from __future__ import annotations

from pathlib import Path

from config.settings.production import *  # noqa: F403

STATICFILES_DIRS = [Path(__file__).resolve().parent / "broken_static"]
STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
