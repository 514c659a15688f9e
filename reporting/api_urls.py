from __future__ import annotations

from rest_framework.routers import SimpleRouter

from reporting import api

router = SimpleRouter()
router.register("reports", api.ReportViewSet, basename="report")

urlpatterns = router.urls
