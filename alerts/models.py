"""The early warning chain: alerts, triangulation queues, routing rules and the timeline."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from alerts import chain
from alerts.texts import system_text
from core.encryption import EncryptedCharField


class ThreatCategory(models.Model):
    """A kind of threat to civilians (after ACLED's event types). Admins may add more."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_fr = models.CharField(_("name (French)"), max_length=100)
    acled_event_type = models.CharField(_("ACLED event type"), max_length=100, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("threat category")
        verbose_name_plural = _("threat categories")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_fr if (get_language() or "en").startswith("fr") else self.name_en


class Urgency(models.TextChoices):
    """CAP 1.2 urgency."""

    IMMEDIATE = "Immediate", _("Immediate")
    EXPECTED = "Expected", _("Expected")
    FUTURE = "Future", _("Future")
    PAST = "Past", _("Past")
    UNKNOWN = "Unknown", _("Unknown")


class Severity(models.TextChoices):
    """CAP 1.2 severity."""

    EXTREME = "Extreme", _("Extreme")
    SEVERE = "Severe", _("Severe")
    MODERATE = "Moderate", _("Moderate")
    MINOR = "Minor", _("Minor")
    UNKNOWN = "Unknown", _("Unknown")


class Certainty(models.TextChoices):
    """CAP 1.2 certainty."""

    OBSERVED = "Observed", _("Observed")
    LIKELY = "Likely", _("Likely")
    POSSIBLE = "Possible", _("Possible")
    UNLIKELY = "Unlikely", _("Unlikely")
    UNKNOWN = "Unknown", _("Unknown")


# Lower rank sorts first on the queue: most urgent at the top.
URGENCY_RANK = {"Immediate": 0, "Expected": 1, "Future": 2, "Unknown": 3, "Past": 4}
SEVERITY_RANK = {"Extreme": 0, "Severe": 1, "Moderate": 2, "Unknown": 3, "Minor": 4}


class TriangulationQueue(models.Model):
    """Where Force officers of a sector or unit triage and verify alerts."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    sector = models.ForeignKey(
        "clas.Sector", verbose_name=_("sector"), on_delete=models.PROTECT, related_name="queues"
    )
    is_default = models.BooleanField(
        _("default queue of the sector"),
        default=False,
        help_text=_("Alerts no rule matches go to the default queue of their sector."),
    )
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("officers"), blank=True, related_name="queues"
    )
    senior_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("senior officer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="queues_supervised",
    )
    ack_limit_minutes = models.PositiveIntegerField(
        _("acknowledgement limit (minutes)"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)],
        help_text=_("An Immediate alert not acknowledged within this time escalates."),
    )
    # Told by the escalation policy's last tiers (EscalationPolicy): the sector's operations
    # centre is an address, not a user, so its language is kept here.
    operations_centre_email = models.EmailField(
        _("operations centre email"),
        blank=True,
        help_text=_("The sector's operations centre, told when an urgent alert escalates."),
    )
    operations_centre_language = models.CharField(
        _("operations centre language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )

    class Meta:
        ordering = ["sector__name", "name"]
        verbose_name = _("triangulation queue")
        verbose_name_plural = _("triangulation queues")
        constraints = [
            models.UniqueConstraint(
                fields=["sector"],
                condition=Q(is_default=True),
                name="one_default_queue_per_sector",
                violation_error_message=_("This sector already has a default queue."),
            ),
            models.CheckConstraint(
                condition=Q(ack_limit_minutes__gte=1), name="queue_ack_limit_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RoutingRule(models.Model):
    """Sends matching alerts to a queue. Empty criteria match anything; lowest priority wins."""

    queue = models.ForeignKey(
        TriangulationQueue, verbose_name=_("queue"), on_delete=models.CASCADE, related_name="rules"
    )
    sector = models.ForeignKey(
        "clas.Sector", verbose_name=_("sector"), null=True, blank=True, on_delete=models.CASCADE
    )
    category = models.ForeignKey(
        ThreatCategory,
        verbose_name=_("threat category"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, blank=True)
    priority = models.PositiveIntegerField(_("priority"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["priority", "id"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self) -> str:
        return f"#{self.priority} → {self.queue}"


class Channel(models.TextChoices):
    """How an alert reached the system. Every way in calls alerts.services.alert_create."""

    WEB = "web", _("Web form")  # the page form, online
    OFFLINE = "offline", _("Offline replay")  # the form filled offline, sent when the link returned
    API = "api", _("API")
    SMS = "sms", _("SMS")  # through the SMS gateway (sms app)
    PHONE = "phone", _("Phone call")  # heard by phone, logged on behalf of a CLA or focal point
    RADIO = "radio", _("Radio")  # heard on the radio, logged likewise


class InformedHow(models.TextChoices):
    """How a community was told what happened to its alert."""

    MEETING = "meeting", _("Community meeting")
    PHONE = "phone", _("Phone call")
    RADIO = "radio", _("Radio")
    SMS = "sms", _("SMS")
    FOCAL_POINT = "focal_point", _("In person, through the focal point")
    IN_PERSON = "in_person", _("In person")
    OTHER = "other", _("Other")


class SourceReliability(models.TextChoices):
    """Admiralty (NATO) grading of the source, from its record."""

    A = "A", _("A: completely reliable")
    B = "B", _("B: usually reliable")
    C = "C", _("C: fairly reliable")
    D = "D", _("D: not usually reliable")
    E = "E", _("E: unreliable")
    F = "F", _("F: reliability cannot be judged")


class InformationCredibility(models.IntegerChoices):
    """Admiralty (NATO) grading of the information, from what else is known."""

    CONFIRMED = 1, _("1: confirmed by other sources")
    PROBABLY_TRUE = 2, _("2: probably true")
    POSSIBLY_TRUE = 3, _("3: possibly true")
    DOUBTFUL = 4, _("4: doubtful")
    IMPROBABLE = 5, _("5: improbable")
    CANNOT_JUDGE = 6, _("6: truth cannot be judged")


class Alert(models.Model):
    """A threat to civilians reported to a CLA."""

    class Status(models.TextChoices):
        NEW = "new", _("New")  # saved, waiting to be routed to a queue
        QUEUED = "queued", _("Queued")  # in a triangulation queue, nobody has acknowledged it
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")  # an officer has taken note
        TRIANGULATING = "triangulating", _("Triangulating")  # verification under way
        VERIFIED = "verified", _("Outcome recorded")  # confirmed, partly, not confirmed or false
        RESPONDED = "responded", _("Response recorded")  # the mission's response is recorded
        CLOSED = "closed", _("Closed")  # nothing more to do; may be reopened

    class SourceType(models.TextChoices):
        CAN_MEMBER = "can_member", _("Community Alert Network member")
        LOCAL_AUTHORITY = "local_authority", _("Local authority")
        CIVIL_SOCIETY = "civil_society", _("Civil society or religious leader")
        CLA_OBSERVATION = "cla_observation", _("CLA's own observation")
        HUMANITARIAN = "humanitarian", _("Humanitarian partner")
        OTHER = "other", _("Other")

    class Outcome(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        PARTLY = "partly", _("Partly confirmed")
        NOT_CONFIRMED = "not_confirmed", _("Not confirmed")
        FALSE = "false", _("False alarm")

    class Response(models.TextChoices):
        PATROL = "patrol", _("Patrol dispatched")
        PRESENCE = "presence", _("Presence reinforced")
        MEDIATION = "mediation", _("Mediation")
        REFERRAL = "referral", _("Referral to national authorities")
        NONE = "none", _("No response")

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    client_key = models.CharField(
        _("client key"), max_length=64, unique=True, null=True, blank=True
    )
    # Hash of the submitted payload: the same client key with another payload is refused.
    payload_hash = models.CharField(max_length=64, blank=True, editable=False)
    # A database default too: rows written by bulk paths (the demo's COPY) that name no channel
    # came in through the web, as every alert did before channels were recorded.
    channel = models.CharField(
        _("channel"),
        max_length=10,
        choices=Channel.choices,
        default=Channel.WEB,
        db_default=Channel.WEB,
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.PROTECT,
        related_name="alerts_logged",
    )
    # Heard by phone or radio and logged by someone else: the CLA or focal point it came from.
    # The CLA named here follows the alert as if they had logged it themselves.
    received_from_cla = models.ForeignKey(
        "clas.CLA",
        verbose_name=_("received from (CLA)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="alerts_relayed",
    )
    # Sensitive like the source: a focal point's name is never shown to Force.
    received_from_focal_point = models.ForeignKey(
        "clas.FocalPoint",
        verbose_name=_("received from (focal point)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alerts_relayed",
    )
    source_type = models.CharField(_("source"), max_length=20, choices=SourceType.choices)
    source_can = models.ForeignKey(
        "clas.CommunityAlertNetwork",
        verbose_name=_("source network"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="alerts",
    )
    # Sensitive: who reported to the CLA. Never shown to Force, never exported. Encrypted at
    # rest (core.encryption); each display is recorded (IdentityView). Not searchable.
    source_name = EncryptedCharField(_("reported by (name)"), max_length=150, blank=True)
    source_contact = EncryptedCharField(_("reported by (contact)"), max_length=100, blank=True)
    location = models.ForeignKey(
        "clas.Location", verbose_name=_("location"), on_delete=models.PROTECT, related_name="alerts"
    )
    place = models.CharField(_("place or village"), max_length=150, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    # The active base nearest to the coordinates and how far it is (alerts.geo), set at intake
    # and when a correction moves the alert; both None without coordinates.
    nearest_base = models.ForeignKey(
        "clas.Location",
        verbose_name=_("nearest base"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alerts_nearby",
        editable=False,
    )
    base_distance_km = models.DecimalField(
        _("distance to the nearest base (km)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
    )
    occurred_at = models.DateTimeField(_("occurred at"))
    reported_at = models.DateTimeField(_("reported at"))
    category = models.ForeignKey(
        ThreatCategory,
        verbose_name=_("threat category"),
        on_delete=models.PROTECT,
        related_name="alerts",
    )
    perpetrator = models.CharField(_("perpetrator"), max_length=150, blank=True)
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.UNKNOWN
    )
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.UNKNOWN
    )
    certainty = models.CharField(
        _("certainty"), max_length=10, choices=Certainty.choices, default=Certainty.UNKNOWN
    )
    victims_killed = models.PositiveIntegerField(_("killed"), default=0)
    victims_injured = models.PositiveIntegerField(_("injured"), default=0)
    victims_abducted = models.PositiveIntegerField(_("abducted"), default=0)
    victims_sexual_violence = models.PositiveIntegerField(
        _("survivors of sexual violence"), default=0
    )
    victims_displaced = models.PositiveIntegerField(_("displaced"), default=0)
    description = models.TextField(_("description"), max_length=5000)
    description_language = models.CharField(
        _("language of the description"), max_length=10, blank=True
    )
    translation = models.TextField(_("translation"), max_length=5000, blank=True)
    plan_threat = models.ForeignKey(
        "protection_plans.Threat",
        verbose_name=_("protection plan threat"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alerts",
    )

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    queue = models.ForeignKey(
        TriangulationQueue,
        verbose_name=_("queue"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="alerts",
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alerts_assigned",
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    response = models.CharField(_("response"), max_length=20, choices=Response.choices, blank=True)
    response_note = models.TextField(_("response note"), max_length=2000, blank=True)
    # Sort keys for the queue, derived from urgency and severity at creation.
    urgency_rank = models.PositiveSmallIntegerField(default=3, editable=False)
    severity_rank = models.PositiveSmallIntegerField(default=3, editable=False)

    created_at = models.DateTimeField(_("logged at"), default=timezone.now, db_index=True)
    routed_at = models.DateTimeField(_("routed at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    outcome_at = models.DateTimeField(_("outcome recorded at"), null=True, blank=True)
    responded_at = models.DateTimeField(_("response recorded at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    # The escalation of an urgent alert still queued (alerts.services.escalation): how many
    # steps of its queue's policy were taken (the claim counter), the tier the last one
    # reached, and when the next one is due (None: nothing more to do).
    escalation_step = models.PositiveIntegerField(_("escalation steps taken"), default=0)
    escalation_tier = models.PositiveSmallIntegerField(
        _("escalation tier reached"), null=True, blank=True
    )
    next_escalation_at = models.DateTimeField(_("next escalation at"), null=True, blank=True)
    # When the community was first told what happened (the earliest "community informed" event
    # of the timeline, as the CLA reported it): kept here so the dashboard reads one column.
    community_informed_at = models.DateTimeField(_("community informed at"), null=True, blank=True)
    # The Admiralty grade (alerts.services.verification): set together, or not at all.
    # A database default too: the demo's bulk path names no grade.
    source_reliability = models.CharField(
        _("source reliability"),
        max_length=1,
        choices=SourceReliability.choices,
        blank=True,
        db_default="",
    )
    information_credibility = models.PositiveSmallIntegerField(
        _("information credibility"),
        choices=InformationCredibility.choices,
        null=True,
        blank=True,
    )
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("graded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    graded_at = models.DateTimeField(_("graded at"), null=True, blank=True)
    # A confirmed duplicate: the alert leading the case this one was merged into (always the
    # case's real lead, never another follower). Followers leave the queue and follow the
    # lead's closing and reopening (alerts.services.cases); the figures count cases.
    case_lead = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="case_followers",
    )
    # Bumped by every transition: a form posted against an older version is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-reported_at"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [
            models.CheckConstraint(
                condition=Q(victims_killed__gte=0)
                & Q(victims_injured__gte=0)
                & Q(victims_abducted__gte=0)
                & Q(victims_sexual_violence__gte=0)
                & Q(victims_displaced__gte=0),
                name="alert_victim_counts_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="alert_coordinates_both_or_neither",
            ),
            models.CheckConstraint(
                condition=Q(source_reliability__in=["", *SourceReliability.values]),
                name="alert_source_reliability_valid",
            ),
            models.CheckConstraint(
                condition=Q(information_credibility__isnull=True)
                | Q(information_credibility__in=InformationCredibility.values),
                name="alert_information_credibility_valid",
            ),
            models.CheckConstraint(
                condition=Q(
                    source_reliability="", information_credibility__isnull=True, graded_at=None
                )
                | (
                    ~Q(source_reliability="")
                    & Q(information_credibility__isnull=False, graded_at__isnull=False)
                ),
                name="alert_grade_complete_or_empty",
            ),
        ]
        indexes = [
            models.Index(
                fields=["queue", "status", "urgency_rank", "severity_rank", "reported_at"]
            ),
            models.Index(fields=["location", "reported_at"]),
            models.Index(fields=["category", "reported_at"]),
            models.Index(fields=["status", "reported_at"]),
            models.Index(fields=["logged_by", "reported_at"]),
            models.Index(fields=["reported_at"]),
            models.Index(fields=["channel", "reported_at"]),
            # Alerts near a base among the open ones of a queue (the queue's near_base filter).
            models.Index(
                fields=["queue", "status", "base_distance_km"],
                condition=Q(base_distance_km__isnull=False),
                name="alert_queue_near_base_idx",
            ),
            # The escalation sweep: queued alerts whose next step is due, soonest first.
            models.Index(
                fields=["next_escalation_at"],
                condition=Q(status="queued", next_escalation_at__isnull=False),
                name="alert_escalation_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def victims_total(self) -> int:
        return (
            self.victims_killed
            + self.victims_injured
            + self.victims_abducted
            + self.victims_sexual_violence
            + self.victims_displaced
        )

    @property
    def grade(self) -> str:
        """The Admiralty grade as it is written ("B2"); "" until graded."""
        if not self.source_reliability or self.information_credibility is None:
            return ""
        return f"{self.source_reliability}{self.information_credibility}"

    @property
    def grade_meaning(self) -> str:
        """What the grade says, in the active language; "" until graded."""
        if not self.grade:
            return ""
        return grade_meaning(self.source_reliability, self.information_credibility)


def grade_meaning(reliability: str, credibility: int) -> str:
    """What a grade says ("B: usually reliable; 2: probably true"), in the active language."""
    return _("%(reliability)s; %(credibility)s") % {
        "reliability": SourceReliability(reliability).label,
        "credibility": InformationCredibility(int(credibility)).label,
    }


class ReferenceCounter(models.Model):
    """The last alert number given in a year: references are ALT-<year>-<number>."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class AlertDispatch(models.Model):
    """The outbox: saved with the alert, it says whether routing has happened yet."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")  # not routed yet; the sweep picks it up
        DONE = "done", _("Done")  # routed

    alert = models.OneToOneField(Alert, on_delete=models.CASCADE, related_name="dispatch")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("alert dispatch")
        verbose_name_plural = _("alert dispatches")
        indexes = [
            models.Index(
                fields=["created_at"], condition=Q(state="pending"), name="dispatch_pending_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.alert_id}: {self.state}"


class AlertEvent(models.Model):
    """One line on an alert's timeline. Append-only."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Logged")
        ROUTED = "routed", _("Routed to queue")
        DUPLICATE = "duplicate", _("Possible duplicate linked")
        NOTIFIED = "notified", _("Officers notified")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        ASSIGNED = "assigned", _("Assigned")
        TRIANGULATION = "triangulation", _("Triangulation requested")
        OUTCOME = "outcome", _("Outcome recorded")
        RESPONSE = "response", _("Response recorded")
        CLOSED = "closed", _("Closed")
        REOPENED = "reopened", _("Reopened")
        ESCALATED = "escalated", _("Escalated")
        NOTE = "note", _("Note")
        COMMUNITY_INFORMED = "community_informed", _("Community informed")
        CORRECTED = "corrected", _("Corrected")  # an admin corrected the alert's facts
        CHECKED = "checked", _("Check recorded")  # a verification check and its result
        GRADED = "graded", _("Graded")  # the Admiralty grade given or changed
        MERGED = "merged", _("Duplicates merged")  # one alert of a case merged into its lead
        DUPLICATE_REJECTED = "duplicate_rejected", _("Not a duplicate")  # a link rejected

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    data = models.JSONField(default=dict, blank=True)
    # The hash chain (alerts.chain): each line seals its content and the hash of the line
    # before it, so an edited, removed or reordered line shows (manage.py verify_timeline).
    prev_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    hash = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("alert event")
        verbose_name_plural = _("alert events")
        indexes = [
            models.Index(fields=["alert", "at"]),
            # The news a CLA is told about (Transition.tells_cla), by time: the sweep that tells
            # what the broker never carried (notifications.services.alert_news_sweep).
            models.Index(
                fields=["at"],
                condition=Q(kind__in=["acknowledged", "outcome", "response", "closed"]),
                name="alert_event_news_at_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.at:%Y-%m-%d %H:%M})"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("Alert events are append-only.")
        if isinstance(self.at, str):
            self.at = self._meta.get_field("at").to_python(self.at)
        if timezone.is_naive(self.at):
            self.at = timezone.make_aware(self.at)
        with transaction.atomic(savepoint=False):
            # The alert's row lock orders the writers of its timeline: the line read as the
            # latest is still the latest when this one is inserted. The services hold it
            # already; taking it here keeps any other writer from forking the chain. One
            # query: the lock and the latest line's hash together.
            latest = (
                AlertEvent.objects.filter(alert_id=OuterRef("pk")).order_by("-id").values("hash")
            )
            last_hash = (
                Alert.objects.select_for_update(no_key=True)
                .filter(pk=self.alert_id)
                .annotate(last_hash=Subquery(latest[:1]))
                .values_list("last_hash", flat=True)
                .first()
            )
            self.prev_hash = last_hash or chain.GENESIS
            self.hash = chain.event_seal(self, prev_hash=self.prev_hash)
            super().save(*args, **kwargs)

    @property
    def code(self) -> str | None:
        """The code of what the system said on this line (alerts.texts), None if nothing."""
        code = self.data.get("code") if isinstance(self.data, dict) else None
        return code if isinstance(code, str) else None

    @property
    def params(self) -> dict[str, Any]:
        params = self.data.get("params") if isinstance(self.data, dict) else None
        return params if isinstance(params, dict) else {}

    @property
    def system_text(self) -> str:
        """What the system said on this line, in the active language ("" if nothing)."""
        return system_text(self.code, self.params)

    @property
    def detail(self) -> str:
        """What the line says besides its kind, in the active language: the method, outcome or
        response chosen, the queue or officer, or what the system said. A person's note is
        apart (`note`), as they wrote it."""
        data = self.data if isinstance(self.data, dict) else {}
        if self.kind == AlertEvent.Kind.GRADED and isinstance(data.get("grade"), str):
            return data["grade"]
        if data.get("result") in VerificationCheck.Result.values and data.get("method") in (
            Triangulation.Method.values
        ):
            return _("%(method)s: %(result)s") % {
                "method": Triangulation.Method(data["method"]).label,
                "result": VerificationCheck.Result(data["result"]).label,
            }
        for key, choices in (
            ("method", Triangulation.Method),
            ("outcome", Alert.Outcome),
            ("response", Alert.Response),
        ):
            if data.get(key) in choices.values:
                return str(choices(data[key]).label)
        named = data.get("queue_name") or data.get("officer")
        return str(named) if named else self.system_text


class Triangulation(models.Model):
    """A request to verify an alert through another source."""

    class Method(models.TextChoices):
        PATROL = "patrol", _("Patrol")
        OTHER_CLA = "other_cla", _("Another CLA")
        UNPOL = "unpol", _("UN police")
        OTHER_SOURCE = "other_source", _("Other source")
        IMAGERY = "imagery", _("Imagery")

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="triangulations")
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(_("note"), max_length=2000, blank=True)

    class Meta:
        ordering = ["requested_at"]
        verbose_name = _("triangulation request")
        verbose_name_plural = _("triangulation requests")

    def __str__(self) -> str:
        return self.get_method_display()


class VerificationCheck(models.Model):
    """One check of an alert through another source, with what it found. Recorded by an
    officer (alerts.services.verification); a triangulation request asks for one."""

    class Result(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        PARTLY = "partly", _("Partly confirmed")
        NOT_CONFIRMED = "not_confirmed", _("Not confirmed")
        INCONCLUSIVE = "inconclusive", _("Inconclusive")

    alert = models.ForeignKey(
        Alert, verbose_name=_("alert"), on_delete=models.CASCADE, related_name="checks"
    )
    method = models.CharField(_("method"), max_length=20, choices=Triangulation.Method.choices)
    result = models.CharField(_("result"), max_length=20, choices=Result.choices)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("checked at"), default=timezone.now)

    class Meta:
        ordering = ["checked_at", "id"]
        verbose_name = _("verification check")
        verbose_name_plural = _("verification checks")
        constraints = [
            models.CheckConstraint(
                condition=Q(method__in=Triangulation.Method.values),
                name="verification_check_method_valid",
            ),
            models.CheckConstraint(
                condition=Q(result__in=["confirmed", "partly", "not_confirmed", "inconclusive"]),
                name="verification_check_result_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()}: {self.get_result_display()}"


class AlertLink(models.Model):
    """Two alerts that are likely the same event, or related. Linked, never dropped."""

    class Kind(models.TextChoices):
        DUPLICATE = "duplicate", _("Likely duplicate")
        RELATED = "related", _("Related")

    class Decision(models.TextChoices):
        SUGGESTED = "suggested", _("Suggested")  # linked at routing, nobody decided yet
        CONFIRMED = "confirmed", _("Same event")  # merged into one case
        REJECTED = "rejected", _("Not the same event")  # never suggested again

    from_alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="links_out")
    to_alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # An officer's decision on the link (alerts.services.cases): confirmed merges the two
    # alerts into one case; rejected is never suggested again. A database default too: the
    # demo's bulk paths insert links naming no decision.
    decision = models.CharField(
        _("decision"),
        max_length=10,
        choices=Decision.choices,
        default=Decision.SUGGESTED,
        db_default=Decision.SUGGESTED,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("alert link")
        verbose_name_plural = _("alert links")
        constraints = [
            models.UniqueConstraint(fields=["from_alert", "to_alert"], name="alert_link_unique"),
            models.CheckConstraint(
                condition=~Q(from_alert=models.F("to_alert")), name="alert_link_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_alert_id} ~ {self.to_alert_id}"


class IdentityView(models.Model):
    """One display of who reported an alert (its source's name or contact) to one user.

    Written by the read paths that show it (alerts.services.identity_view_record) and never
    changed; mission admins read them (alerts.selectors.identity_view_list)."""

    class Where(models.TextChoices):
        PAGE = "page", _("alert page")
        API = "api", _("API")
        ADMIN = "admin", _("administration")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    alert = models.ForeignKey(
        Alert, verbose_name=_("alert"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    where = models.CharField(_("where"), max_length=10, choices=Where.choices)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("source identity shown")
        verbose_name_plural = _("source identities shown")
        indexes = [
            models.Index(fields=["-at", "-id"], name="alerts_identityview_at"),
            models.Index(fields=["user", "-at"], name="alerts_identityview_user"),
            models.Index(fields=["alert", "-at"], name="alerts_identityview_alert"),
        ]

    def __str__(self) -> str:
        return f"{self.alert_id} · {self.user_id} · {self.at:%Y-%m-%d %H:%M}"


# --- escalation policies ------------------------------------------------------------------


class EscalationRecipients(models.TextChoices):
    """Who a tier of an escalation policy tells (alerts.services.escalation)."""

    OFFICERS = "officers", _("queue officers")  # the queue's officers
    ON_DUTY = "on_duty", _("officer on duty")  # the sector's officers on duty, else the queue's
    SENIOR_OFFICER = "senior_officer", _("senior officer")  # the queue's senior officer
    OPERATIONS_CENTRE = "operations_centre", _("operations centre")  # the queue's address


class EscalationPolicy(models.Model):
    """Who is told, and when, about an urgent alert of a queue nobody acknowledges: ordered
    tiers (EscalationTier), then the last tier again every `repeat_minutes` until someone
    acknowledges. A queue without one follows the default (alerts.services.escalation)."""

    queue = models.OneToOneField(
        TriangulationQueue,
        verbose_name=_("queue"),
        on_delete=models.CASCADE,
        related_name="escalation_policy",
    )
    repeat_minutes = models.PositiveIntegerField(
        _("repeat the last tier every (minutes)"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(24 * 60)],
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("escalation policy")
        verbose_name_plural = _("escalation policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(repeat_minutes__gte=5), name="escalation_repeat_at_least_5"
            ),
        ]

    def __str__(self) -> str:
        return str(self.queue)


class EscalationTier(models.Model):
    """One tier of an escalation policy: `delay_minutes` after routing, tell `recipients`."""

    policy = models.ForeignKey(
        EscalationPolicy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="tiers"
    )
    number = models.PositiveSmallIntegerField(_("tier"))  # 0, 1, 2... in order of delay
    delay_minutes = models.PositiveIntegerField(
        _("after (minutes)"), validators=[MaxValueValidator(7 * 24 * 60)]
    )
    recipients = models.CharField(
        _("who is told"), max_length=20, choices=EscalationRecipients.choices
    )

    class Meta:
        ordering = ["policy", "number"]
        verbose_name = _("escalation tier")
        verbose_name_plural = _("escalation tiers")
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="escalation_tier_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number}: {self.get_recipients_display()} +{self.delay_minutes}"


# --- on-duty rotas ------------------------------------------------------------------------


class DutyShift(models.Model):
    """One officer of a queue on duty from `starts_at` (included) to `ends_at` (excluded).
    Shifts of a queue never overlap (alerts.services.rota checks it under the queue's lock);
    a queue with no shift at a moment has nobody on duty, and escalation falls back to its
    officers."""

    queue = models.ForeignKey(
        TriangulationQueue,
        verbose_name=_("queue"),
        on_delete=models.CASCADE,
        related_name="duty_shifts",
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.CASCADE,
        related_name="duty_shifts",
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    handover_note = models.TextField(
        _("hand-over note"), blank=True, help_text=_("What the next officer must know.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["queue", "starts_at"]
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")
        indexes = [models.Index(fields=["queue", "starts_at"], name="duty_shift_queue_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="duty_shift_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.queue} {self.starts_at:%Y-%m-%d %H:%M}"
