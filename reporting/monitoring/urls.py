"""The monitoring page, included by reporting/urls.py in the "reporting" namespace."""

from __future__ import annotations

from django.urls import path

from reporting.monitoring import views

urlpatterns = [
    path("monitoring/", views.monitoring, name="monitoring"),
]
