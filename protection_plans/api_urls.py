from __future__ import annotations

from rest_framework.routers import SimpleRouter

from protection_plans import api

router = SimpleRouter()
router.register("plans", api.PlanViewSet, basename="plan")

urlpatterns = router.urls
