"""Pages of the digests compiled on demand, in the "reporting" namespace."""

from __future__ import annotations

from django.urls import path

from reporting.on_demand import views

urlpatterns = [
    path("reports/compile/", views.compile_create, name="compile_create"),
    path("reports/compile/<int:pk>/", views.compile_detail, name="compile_detail"),
]
