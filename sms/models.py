"""SMS in and out through the Kannel gateway: every message received, every message sent, and
what the network said about each one sent.

An incoming message is saved by the endpoint Kannel calls before anything else happens to it,
keyed by the gateway's message id, so that a message delivered twice is stored once and never
lost; a worker then turns it into an alert or leaves it in the review inbox.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clas.phones import MAX_INPUT_LENGTH


class IncomingMessage(models.Model):
    """An SMS received through the gateway."""

    class State(models.TextChoices):
        RECEIVED = "received", _("Received")  # saved; a worker has not looked at it yet
        ALERTED = "alerted", _("Became an alert")  # parsed and saved as an alert
        ACKNOWLEDGED = "acknowledged", _("Acknowledged an alert")  # an officer's ACK <reference>
        REVIEW = "review", _("Waiting for review")  # in the coordinators' review inbox
        CONVERTED = "converted", _("Turned into an alert")  # by a coordinator, from the inbox
        DISCARDED = "discarded", _("Discarded")  # by a coordinator, with a reason

    class Reason(models.TextChoices):
        """Why a message waits in the review inbox."""

        UNKNOWN_SENDER = "unknown_sender", _("Number not registered")
        AMBIGUOUS_SENDER = "ambiguous_sender", _("Number registered to several people")
        UNPARSEABLE = "unparseable", _("Not understood")
        REJECTED = "rejected", _("Alert refused by the checks")
        NOT_ALLOWED = "not_allowed", _("Sender may not log alerts")
        NO_CLA = "no_cla", _("No CLA deployed for the focal point's network")
        TOO_LONG = "too_long", _("Too long")
        BINARY = "binary", _("Binary content")
        RATE_LIMITED = "rate_limited", _("Too many messages from this number")

    gateway_id = models.CharField(_("gateway message id"), max_length=64, unique=True)
    sender_raw = models.CharField(_("sender as received"), max_length=64)
    # E.164 when the sender is a valid number; blank for an alphanumeric or broken sender.
    sender = models.CharField(_("sender"), max_length=MAX_INPUT_LENGTH, blank=True)
    receiver = models.CharField(_("sent to"), max_length=64, blank=True)
    text = models.TextField(_("text"), blank=True)
    coding = models.PositiveSmallIntegerField(_("coding"), default=0)  # 0 7-bit, 1 8-bit, 2 UCS-2
    smsc = models.CharField(_("SMS centre"), max_length=64, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    created_at = models.DateTimeField(_("stored at"), default=timezone.now)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.RECEIVED
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices, blank=True)
    # What the parser or the alert checks said, in the words the sender was answered with.
    detail = models.TextField(_("detail"), blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    # Who the number belongs to, when it is registered.
    sender_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sender (user)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sender_focal_point = models.ForeignKey(
        "clas.FocalPoint",
        verbose_name=_("sender (focal point)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Where the message belongs, for the inbox's scope: the sender's location, or the location
    # named in the message. Blank when neither is known: every coordinator sees it.
    location = models.ForeignKey(
        "clas.Location",
        verbose_name=_("location"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    alert = models.ForeignKey(
        "alerts.Alert",
        verbose_name=_("alert"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sms_messages",
    )
    attempts = models.PositiveIntegerField(default=0)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    discard_reason = models.TextField(_("reason for discarding"), max_length=1000, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("incoming SMS")
        verbose_name_plural = _("incoming SMS")
        indexes = [
            models.Index(fields=["sender", "created_at"]),
            models.Index(fields=["sender_raw", "created_at"]),
            models.Index(fields=["state", "received_at"]),
            models.Index(
                fields=["created_at"],
                condition=Q(state="received"),
                name="sms_incoming_received_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sender or self.sender_raw} {self.received_at:%Y-%m-%d %H:%M}"


class OutgoingMessage(models.Model):
    """An SMS the system sends: a reply, or a notification."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")  # waiting for a worker (first try or a retry)
        SENDING = "sending", _("Sending")  # a worker has claimed it and is calling the gateway
        SENT = "sent", _("Accepted by the gateway")  # Kannel took it; no delivery report yet
        DELIVERED = "delivered", _("Delivered")  # the phone received it (delivery report)
        FAILED = "failed", _("Not delivered")  # the network reported it undeliverable
        DEAD = "dead", _("Given up")  # the gateway refused it, or every retry failed
        LOGGED = "logged", _("Written to the log")  # no gateway configured

    class Kind(models.TextChoices):
        REPLY = "reply", _("Reply")
        NOTIFICATION = "notification", _("Notification")

    # One message per purpose (e.g. "reply:<incoming id>"): a task that runs twice sends once.
    key = models.CharField(max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.REPLY)
    to = models.CharField(_("to"), max_length=MAX_INPUT_LENGTH)
    text = models.TextField(_("text"))
    language = models.CharField(_("language"), max_length=8, blank=True)
    incoming = models.ForeignKey(
        IncomingMessage,
        verbose_name=_("in reply to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replies",
    )
    alert = models.ForeignKey(
        "alerts.Alert",
        verbose_name=_("alert"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    dead_at = models.DateTimeField(_("given up at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("outgoing SMS")
        verbose_name_plural = _("outgoing SMS")
        indexes = [
            models.Index(fields=["state", "created_at"]),
            models.Index(
                fields=["dead_at"],
                condition=Q(state__in=["dead", "failed"]),
                name="sms_outgoing_dead_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.to}: {self.get_state_display()}"


class DeliveryReport(models.Model):
    """What the gateway reported about an outgoing message. Append-only."""

    class Status(models.IntegerChoices):
        """Kannel's DLR types (the dlr-mask bits)."""

        DELIVERED = 1, _("Delivered to the phone")
        UNDELIVERABLE = 2, _("Not delivered to the phone")
        BUFFERED = 4, _("Queued on the network")
        SMSC_ACCEPTED = 8, _("Accepted by the SMS centre")
        SMSC_REJECTED = 16, _("Rejected by the SMS centre")

    message = models.ForeignKey(
        OutgoingMessage, on_delete=models.CASCADE, related_name="delivery_reports"
    )
    status = models.PositiveSmallIntegerField(_("status"))
    answer = models.CharField(_("answer"), max_length=250, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)

    class Meta:
        ordering = ["received_at", "pk"]
        verbose_name = _("delivery report")
        verbose_name_plural = _("delivery reports")

    def __str__(self) -> str:
        return f"{self.message_id}: {self.status}"


class OptIn(models.Model):
    """What a person chose to be told by SMS besides urgent alerts and escalations
    (User.sms_alerts): one row per person who ever chose, none for the others."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="sms_opt_in",
    )
    # What happens to the alerts they logged or that were logged for them: acknowledged,
    # outcome, response, closed (alerts.signals.news_for_cla).
    own_alerts = models.BooleanField(
        _("SMS about my alerts"),
        default=False,
        help_text=_("Acknowledged, outcome, response and closing of the alerts the user follows."),
    )

    class Meta:
        verbose_name = _("SMS choice")
        verbose_name_plural = _("SMS choices")

    def __str__(self) -> str:
        return str(self.user_id)
