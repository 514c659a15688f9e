"""The monitoring in the API, included by reporting/api_urls.py under /api/v1/."""

from __future__ import annotations

from django.urls import path

from reporting.monitoring import api

urlpatterns = [
    path("monitoring/", api.MonitoringView.as_view(), name="monitoring-figures"),
]
