from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from exchange import api

router = SimpleRouter()
router.register("exports", api.ExportViewSet, basename="export")

urlpatterns = [
    path("cap/alerts/<int:pk>/", api.CapAlertView.as_view(), name="exchange-cap-alert"),
    path("cap/feed/", api.CapFeedView.as_view(), name="exchange-cap-feed"),
    *router.urls,
]
