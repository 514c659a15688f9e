from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from core import health

# A database outage met outside a view is a 503 too (core.middleware handles those in views).
handler500 = "core.views.server_error"
# Under /api/ a JSON 404, pages elsewhere.
handler404 = "core.views.page_not_found"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("healthz/live", health.healthz_live, name="healthz_live"),
    path("metrics", health.metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("config.api_urls")),
    path("", include("core.urls")),
    path("", include("clas.urls")),
    path("", include("protection_plans.urls")),
    path("", include("alerts.urls")),
    path("", include("reporting.urls")),
    path("", include("sms.urls")),
    path("", include("notifications.urls")),
    path("", include("exchange.urls")),
]
