from __future__ import annotations

from django.urls import path

from sms import views

app_name = "sms"
urlpatterns = [
    path("sms/kannel/incoming/", views.kannel_incoming, name="kannel_incoming"),
    path("sms/kannel/report/<int:pk>/", views.kannel_report, name="kannel_report"),
    path("sms/inbox/", views.inbox, name="inbox"),
    path("sms/inbox/<int:pk>/", views.message_detail, name="message_detail"),
    path("sms/inbox/<int:pk>/convert/", views.message_convert, name="message_convert"),
    path("sms/inbox/<int:pk>/discard/", views.message_discard, name="message_discard"),
    path("sms/dead-letters/", views.dead_letters, name="dead_letters"),
    path("sms/dead-letters/<int:pk>/retry/", views.dead_letter_retry, name="dead_letter_retry"),
    path("sms/card/", views.card, name="card"),
    path("sms/card.pdf", views.card_download, name="card_pdf"),
    path("sms/preferences/", views.preferences, name="preferences"),
]
