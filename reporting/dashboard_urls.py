"""The dashboard pages. No namespace of its own: reporting/urls.py adds these patterns to the
"reporting" namespace, so the page is `reporting:dashboard`."""

from __future__ import annotations

from django.urls import path

from reporting import dashboard_views

urlpatterns = [
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("dashboard/csv/<slug:figure>/", dashboard_views.dashboard_csv, name="dashboard_csv"),
]
