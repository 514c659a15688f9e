from __future__ import annotations

app_name = "protection_plans"
urlpatterns: list = []
