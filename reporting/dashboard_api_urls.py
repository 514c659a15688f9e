from __future__ import annotations

from django.urls import path

from reporting import dashboard_api

urlpatterns = [
    path("dashboard/", dashboard_api.DashboardView.as_view(), name="dashboard-figures"),
    path("dashboard/map/", dashboard_api.DashboardMapView.as_view(), name="dashboard-map"),
]
