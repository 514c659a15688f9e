"""The dashboard pages. No namespace of their own: reporting/urls.py includes them in the
"reporting" namespace, so the page is `reporting:dashboard`."""

from __future__ import annotations

from django.urls import path

from reporting.dashboard import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/csv/<slug:figure>/", views.dashboard_csv, name="dashboard_csv"),
]
