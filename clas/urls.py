from __future__ import annotations

from django.urls import path

from clas import board_views, otp_views, views

app_name = "clas"
urlpatterns = [
    path("sectors/", views.sector_list, name="sector_list"),
    path("sectors/<int:pk>/", views.sector_detail, name="sector_detail"),
    path("locations/", views.location_list, name="location_list"),
    path("locations/<int:pk>/", views.location_detail, name="location_detail"),
    path("clas/", views.cla_list, name="cla_list"),
    path("clas/<int:pk>/", views.cla_detail, name="cla_detail"),
    path("deployments/", views.deployment_list, name="deployment_list"),
    path("deployments/<int:pk>/", views.deployment_detail, name="deployment_detail"),
    path("deployments/board/", board_views.board, name="board"),
    path(
        "deployments/board/export.<str:fmt>",
        board_views.board_export,
        name="board_export",
    ),
    path("deployments/assign/", board_views.assign, name="deployment_assign"),
    path("deployments/<int:pk>/rotate/", board_views.rotate, name="deployment_rotate"),
    path("deployments/<int:pk>/end/", board_views.end, name="deployment_end"),
    path("deployments/<int:pk>/leave/", board_views.leave, name="deployment_leave"),
    path("deployments/import/", board_views.import_sheet, name="deployment_import"),
    path(
        "deployments/import/template.<str:fmt>",
        board_views.import_template,
        name="deployment_import_template",
    ),
    path("networks/", views.network_list, name="network_list"),
    path("networks/<int:pk>/", views.network_detail, name="network_detail"),
    path("trainings/", views.training_list, name="training_list"),
    path("trainings/<int:pk>/", views.training_detail, name="training_detail"),
    path("accounts/two-step/", otp_views.two_step, name="two_step"),
    path("accounts/two-step/code/", otp_views.two_step_verify, name="two_step_verify"),
    path("accounts/two-step/set-up/", otp_views.two_step_setup, name="two_step_setup"),
    path("accounts/two-step/turn-off/", otp_views.two_step_disable, name="two_step_disable"),
    path(
        "accounts/two-step/recovery-codes/",
        otp_views.two_step_recovery_codes_new,
        name="two_step_recovery_codes_new",
    ),
]
