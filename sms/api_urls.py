from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from sms import api

router = SimpleRouter()
router.register("sms/inbox", api.InboxViewSet, basename="sms-inbox")

urlpatterns = [
    path("sms/card/", api.CardView.as_view(), name="sms-card"),
    *router.urls,
]
