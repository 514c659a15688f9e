from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from clas import api, board_api
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
    path("deployments/board/", board_api.BoardView.as_view(), name="deployment-board"),
    path(
        "deployments/board/export.<str:fmt>",
        board_api.BoardExportView.as_view(),
        name="deployment-board-export",
    ),
    path("deployments/assign/", board_api.AssignView.as_view(), name="deployment-assign"),
    path("deployments/<int:pk>/rotate/", board_api.RotateView.as_view(), name="deployment-rotate"),
    path("deployments/<int:pk>/end/", board_api.EndView.as_view(), name="deployment-end"),
    path("deployments/<int:pk>/leave/", board_api.LeaveView.as_view(), name="deployment-leave"),
    path("deployments/import/", board_api.ImportView.as_view(), name="deployment-import"),
    *router.urls,
]
