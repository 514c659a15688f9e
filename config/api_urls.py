from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "docs/",
        login_required(SpectacularSwaggerView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path("v1/", include("clas.api_urls")),
    path("v1/", include("protection_plans.api_urls")),
    path("v1/", include("alerts.api_urls")),
    path("v1/", include("reporting.api_urls")),
    path("v1/", include("sms.api_urls")),
    path("v1/", include("notifications.api_urls")),
    path("v1/", include("exchange.api_urls")),
]
