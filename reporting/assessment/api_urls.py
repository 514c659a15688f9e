"""The joint assessment in the API, included by reporting/api_urls.py under /api/v1/."""

from __future__ import annotations

from django.urls import path

from reporting.assessment import api

urlpatterns = [
    path("assessment/", api.AssessmentView.as_view(), name="assessment-state"),
    path("assessment/answers/", api.AssessmentAnswersView.as_view(), name="assessment-answers"),
    path("assessment/compile/", api.AssessmentCompileView.as_view(), name="assessment-compile"),
]
