from __future__ import annotations

from django.urls import path

from exchange import views

app_name = "exchange"

urlpatterns = [
    path("exports/", views.export_list_view, name="export_list"),
    path("exports/new/", views.export_create, name="export_create"),
    path("exports/<uuid:token>/", views.export_detail, name="export_detail"),
    path("exports/<uuid:token>/download/", views.export_download, name="export_download"),
]
