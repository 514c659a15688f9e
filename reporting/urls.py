from __future__ import annotations

from django.urls import path

from reporting import assessment_views, monitoring_views, views

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
    path("monitoring/", monitoring_views.monitoring, name="monitoring"),
    path("assessment/", assessment_views.assessment, name="assessment"),
    path("assessment/compile/", assessment_views.assessment_compile, name="assessment_compile"),
]

from reporting.dashboard_urls import urlpatterns as _dashboard_urlpatterns  # noqa: E402

urlpatterns += _dashboard_urlpatterns
