from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from clas import api
from clas.password_api import PasswordChangeView, PasswordResetView
from clas.token_api import TokenView

router = SimpleRouter()
router.register("sectors", api.SectorViewSet, basename="sector")
router.register("locations", api.LocationViewSet, basename="location")
router.register("clas", api.CLAViewSet, basename="cla")
router.register("deployments", api.DeploymentViewSet, basename="deployment")
router.register("networks", api.NetworkViewSet, basename="network")
router.register("trainings", api.TrainingViewSet, basename="training")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("auth/password/", PasswordChangeView.as_view(), name="auth-password"),
    path("auth/password/reset/", PasswordResetView.as_view(), name="auth-password-reset"),
    *router.urls,
]
