from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from reporting import api, monitoring_api

router = SimpleRouter()
router.register("reports", api.ReportViewSet, basename="report")

urlpatterns = router.urls
urlpatterns += [
    path("monitoring/", monitoring_api.MonitoringView.as_view(), name="monitoring-figures"),
    path("assessment/", monitoring_api.AssessmentView.as_view(), name="assessment-state"),
    path(
        "assessment/answers/",
        monitoring_api.AssessmentAnswersView.as_view(),
        name="assessment-answers",
    ),
    path(
        "assessment/compile/",
        monitoring_api.AssessmentCompileView.as_view(),
        name="assessment-compile",
    ),
]
