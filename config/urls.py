from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("config.api_urls")),
    path("", include("core.urls")),
    path("", include("clas.urls")),
    path("", include("protection_plans.urls")),
    path("", include("alerts.urls")),
    path("", include("reporting.urls")),
]
