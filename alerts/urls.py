from __future__ import annotations

from django.urls import path

from alerts import case_views, escalation_views, rota_views, verification_views, views

app_name = "alerts"
urlpatterns = [
    path("alerts/", views.alert_list_view, name="alert_list"),
    path("alerts/new/", views.alert_create, name="alert_create"),
    path("alerts/mine/", views.my_alerts, name="my_alerts"),
    path("alerts/identity-views/", views.identity_views, name="identity_views"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert_detail"),
    # The link of an escalation email (a GET page; the generic action path below is POST only).
    path(
        "alerts/<int:pk>/acknowledge-now/",
        escalation_views.alert_acknowledge_page,
        name="alert_acknowledge_page",
    ),
    path("alerts/<int:pk>/follow-up/<str:what>/", views.alert_follow_up, name="alert_follow_up"),
    path("alerts/<int:pk>/checks/", verification_views.alert_check, name="alert_check"),
    path("alerts/<int:pk>/grade/", verification_views.alert_grade, name="alert_grade"),
    path(
        "alerts/<int:pk>/duplicates/<int:other>/<str:decision>/",
        case_views.duplicate_decide,
        name="duplicate_decide",
    ),
    path("alerts/<int:pk>/<str:action>/", views.alert_action, name="alert_action"),
    path("queue/", views.queue, name="queue"),
    path("queue/rows/", views.queue_rows, name="queue_rows"),
    path("queue/<int:queue_id>/rota/", rota_views.rota_page, name="rota"),
    path(
        "queue/<int:queue_id>/rota/<int:shift_id>/",
        rota_views.rota_shift_edit,
        name="rota_shift_edit",
    ),
    path(
        "queue/<int:queue_id>/rota/<int:shift_id>/delete/",
        rota_views.rota_shift_delete,
        name="rota_shift_delete",
    ),
    path(
        "queue/escalation-policies/",
        escalation_views.escalation_policy_list,
        name="escalation_policies",
    ),
    path(
        "queue/escalation-policies/<int:pk>/",
        escalation_views.escalation_policy_edit,
        name="escalation_policy_edit",
    ),
    # The installable alert form: the worker at the root, so that its scope covers the form.
    path("sw.js", views.service_worker, name="service_worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("offline/", views.offline, name="offline"),
]
