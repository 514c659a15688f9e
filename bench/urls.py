"""The product's URLs plus the baseline of the intake benchmark under /bench/."""

from __future__ import annotations

from django.urls import include, path

from bench import views

urlpatterns = [
    path("bench/ping/", views.ping),
    path("bench/insert/", views.insert_one_row),
    path("", include("config.urls")),
]
