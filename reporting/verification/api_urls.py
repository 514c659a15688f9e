"""The grades in the API, included by reporting/api_urls.py under /api/v1/."""

from __future__ import annotations

from django.urls import path

from reporting.verification import api

urlpatterns = [
    path(
        "dashboard/verification/",
        api.VerificationDistributionView.as_view(),
        name="dashboard-verification",
    ),
]
