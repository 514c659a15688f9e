from __future__ import annotations

app_name = "clas"
urlpatterns: list = []
