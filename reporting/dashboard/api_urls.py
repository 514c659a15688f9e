"""The dashboard in the API, included by reporting/api_urls.py under /api/v1/."""

from __future__ import annotations

from django.urls import path

from reporting.dashboard import api

urlpatterns = [
    path("dashboard/", api.DashboardView.as_view(), name="dashboard-figures"),
    path("dashboard/map/", api.DashboardMapView.as_view(), name="dashboard-map"),
]
