"""The pages of reporting, all in the "reporting" namespace: the reports here, the monitoring,
the joint assessment and the dashboard from their packages (which have no namespace of their
own, so the dashboard is `reporting:dashboard`)."""

from __future__ import annotations

from django.urls import include, path

from reporting import views

app_name = "reporting"
urlpatterns = [
    path("reports/", views.report_list, name="report_list"),
    path("reports/new/<str:kind>/", views.report_create, name="report_create"),
    path("reports/overdue/", views.reports_overdue, name="reports_overdue"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/submit/", views.report_submit, name="report_submit"),
    path("reports/<int:pk>/review/", views.report_review, name="report_review"),
    path("reports/<int:pk>/pdf/", views.report_pdf, name="report_pdf"),
    path("reports/<int:pk>/csv/", views.report_csv, name="report_csv"),
    path("", include("reporting.on_demand.urls")),
    path("", include("reporting.monitoring.urls")),
    path("", include("reporting.assessment.urls")),
    path("", include("reporting.dashboard.urls")),
    path("", include("reporting.verification.urls")),
]
