from __future__ import annotations

from django.urls import path

from alerts import views

app_name = "alerts"
urlpatterns = [
    path("alerts/", views.alert_list_view, name="alert_list"),
    path("alerts/new/", views.alert_create, name="alert_create"),
    path("alerts/mine/", views.my_alerts, name="my_alerts"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert_detail"),
    path("alerts/<int:pk>/<str:action>/", views.alert_action, name="alert_action"),
    path("queue/", views.queue, name="queue"),
    path("queue/rows/", views.queue_rows, name="queue_rows"),
]
