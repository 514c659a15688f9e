"""The assessment pages, included by reporting/urls.py in the "reporting" namespace."""

from __future__ import annotations

from django.urls import path

from reporting.assessment import views

urlpatterns = [
    path("assessment/", views.assessment, name="assessment"),
    path("assessment/compile/", views.assessment_compile, name="assessment_compile"),
]
