"""URLs with a stand-in page for every name the navigation knows, so redirects can be tested
before the real pages exist."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import include, path

from clas.navigation import ROLE_NAV


def _stand_in(request: HttpRequest) -> HttpResponse:
    return render(request, "base.html")


def _namespace(name: str) -> tuple[list, str]:
    url_names = {
        u.split(":", 1)[1] for urls in ROLE_NAV.values() for u in urls if u.startswith(f"{name}:")
    }
    return [path(f"{u}/", _stand_in, name=u) for u in sorted(url_names)], name


urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("core.urls")),
    path("alerts/", include(_namespace("alerts"))),
    path("clas/", include(_namespace("clas"))),
    path("plans/", include(_namespace("protection_plans"))),
    path("reporting/", include(_namespace("reporting"))),
]
