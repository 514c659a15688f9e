from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from alerts import api, escalation_api, rota_api

router = SimpleRouter()
router.register("alerts", api.AlertViewSet, basename="alert")
router.register("queues", api.QueueViewSet, basename="queue")
router.register("categories", api.ThreatCategoryViewSet, basename="category")
router.register("identity-views", api.IdentityViewViewSet, basename="identity-view")

urlpatterns = [
    *router.urls,
    path(
        "queues/<int:pk>/escalation-policy/",
        escalation_api.EscalationPolicyView.as_view(),
        name="queue-escalation-policy",
    ),
    path("queues/<int:pk>/rota/", rota_api.RotaView.as_view(), name="queue-rota"),
    path(
        "queues/<int:pk>/rota/<int:shift_id>/",
        rota_api.RotaShiftView.as_view(),
        name="queue-rota-shift",
    ),
    path("queues/uncovered/", rota_api.UncoveredQueuesView.as_view(), name="queue-uncovered"),
]
