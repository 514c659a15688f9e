"""The API of reporting under /api/v1/: the reports here, the monitoring, the joint assessment
and the dashboard from their packages. URL names have no namespace (`dashboard-figures`)."""

from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from reporting import api
from reporting.on_demand.api import CompileRequestViewSet

router = SimpleRouter()
router.register("reports", api.ReportViewSet, basename="report")
router.register("reports/compile", CompileRequestViewSet, basename="compile-request")

urlpatterns = [
    *router.urls,
    path("", include("reporting.monitoring.api_urls")),
    path("", include("reporting.assessment.api_urls")),
    path("", include("reporting.dashboard.api_urls")),
    path("", include("reporting.verification.api_urls")),
]
