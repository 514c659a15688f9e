from __future__ import annotations

from django.urls import path

from protection_plans import views

app_name = "protection_plans"
urlpatterns = [
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
]
