from __future__ import annotations

from django.apps import AppConfig


class DemoConfig(AppConfig):
    # No models: the app holds the seeding code and the seed_demo command, nothing shown.
    name = "demo"
