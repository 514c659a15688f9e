"""The grades page, included by reporting/urls.py in the "reporting" namespace."""

from __future__ import annotations

from django.urls import path

from reporting.verification import views

urlpatterns = [
    path("dashboard/verification/", views.verification_page, name="dashboard_verification"),
]
