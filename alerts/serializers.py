"""Serializers of the alert API: they type and bound the input; the rules (plain text among
them) are the services'."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from alerts import texts
from alerts.geo import is_near_base
from alerts.models import (
    Alert,
    AlertEvent,
    AlertLink,
    Certainty,
    Channel,
    IdentityView,
    InformationCredibility,
    InformedHow,
    Severity,
    SourceReliability,
    ThreatCategory,
    Triangulation,
    TriangulationQueue,
    Urgency,
    VerificationCheck,
)
from alerts.selectors import intake_choices
from alerts.services import CLIENT_KEY_PATTERN, AlertInput
from alerts.timing import response_times
from clas.api import LocationSummarySerializer, SectorSummarySerializer
from clas.models import User
from clas.selectors import open_deployment_for
from core.validators import validate_plausible_year

# Database integers are 32-bit: anything larger is refused before it reaches a query.
MAX_ID = 2_147_483_647
MAX_COUNT = 2_147_483_647

client_key_validator = RegexValidator(
    CLIENT_KEY_PATTERN,
    _("Use 1 to 64 letters, digits or dashes (a UUID for example)."),
)


def person_name(user: User | None) -> str | None:
    if user is None:
        return None
    return user.get_full_name() or user.username


class TextField(serializers.CharField):
    """Text: no NUL bytes (the default of CharField), bounded. Markup is refused by the
    services (alerts.validators), for the pages and the API alike."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_blank", True)
        if not kwargs["required"]:
            kwargs.setdefault("default", "")
        super().__init__(**kwargs)


@extend_schema_field(OpenApiTypes.INT)
class IntakeChoiceField(serializers.PrimaryKeyRelatedField):
    """An id among the rows the requesting user may log an alert with
    (alerts.selectors.intake_choices); any other id reads as unknown."""

    default_error_messages = {
        "does_not_exist": _("Unknown, or not available to you."),
        "incorrect_type": _("Give the id (a whole number)."),
    }

    def __init__(self, *, choices: str, **kwargs: Any) -> None:
        self.choices_name = choices  # which of alerts.selectors.IntakeChoices
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet:
        user = getattr(self.context.get("request"), "user", None)
        return getattr(intake_choices(user=user), self.choices_name)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and re.fullmatch(r"[0-9]{1,18}", data.strip()):
            data = int(data.strip())
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not 0 < data <= MAX_ID:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


class CoordinateField(serializers.DecimalField):
    """Decimal degrees, rounded to the five decimals the database keeps (about 1 m)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_digits=8, decimal_places=5, required=False, allow_null=True, **kwargs)

    def validate_precision(self, value: Decimal) -> Decimal:
        try:
            value = value.quantize(Decimal("0.00001"), rounding=ROUND_HALF_UP)
        except InvalidOperation:
            self.fail("invalid")
        return super().validate_precision(value)


class IdField(serializers.IntegerField):
    """The id of a row: a whole number within the database's range. Whether the row exists
    and may be named is the service's to say."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool | float):
            self.fail("invalid")
        return super().to_internal_value(data)


class ReceivedFromSerializer(serializers.Serializer):
    """Whom an alert heard by phone or radio was heard from: one of the two."""

    cla = IdField(
        required=False,
        allow_null=True,
        help_text=_("Id of the CLA who called (GET /api/v1/clas/)."),
    )
    focal_point = IdField(
        required=False,
        allow_null=True,
        help_text=_("Id of the focal point who called. Not for Force officers."),
    )


class ReceivedFromDetailSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[("cla", _("CLA")), ("focal_point", _("Focal point"))],
        help_text=_("Whether it was heard from a CLA or from a focal point."),
    )
    cla = serializers.IntegerField(allow_null=True, help_text=_("Id of the CLA, or null."))
    focal_point = serializers.IntegerField(
        allow_null=True,
        help_text=_("Id of the focal point; null for users who may not see who it is."),
    )
    name = serializers.CharField(
        allow_null=True,
        help_text=_(
            "Name of the CLA or focal point; a focal point's is null for users who may not see "
            "who reported the alert (the Force, except the officer who logged it)."
        ),
    )


class AlertCreateSerializer(serializers.Serializer):
    """The alert form of a CLA. Domain rules (dates, area, victims, network) are the service's."""

    client_key = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=64,
        validators=[client_key_validator],
        help_text=_(
            "Set by the client, one per alert it logs: a resubmission with the same key returns "
            "the alert already saved. The Idempotency-Key header does the same."
        ),
    )
    location = IntakeChoiceField(
        choices="locations",
        required=False,
        help_text=_("Defaults to the location of the CLA's open deployment."),
    )
    category = IntakeChoiceField(choices="categories")
    source_type = serializers.ChoiceField(choices=Alert.SourceType.choices)
    source_can = IntakeChoiceField(choices="networks", required=False, allow_null=True)
    source_name = TextField(max_length=150)
    source_contact = TextField(max_length=100)
    place = TextField(max_length=150)
    latitude = CoordinateField(min_value=-90, max_value=90)
    longitude = CoordinateField(min_value=-180, max_value=180)
    occurred_at = serializers.DateTimeField(validators=[validate_plausible_year])
    reported_at = serializers.DateTimeField(validators=[validate_plausible_year])
    perpetrator = TextField(max_length=150)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.UNKNOWN)
    severity = serializers.ChoiceField(choices=Severity.choices, default=Severity.UNKNOWN)
    certainty = serializers.ChoiceField(choices=Certainty.choices, default=Certainty.UNKNOWN)
    victims_killed = serializers.IntegerField(default=0, min_value=0, max_value=MAX_COUNT)
    victims_injured = serializers.IntegerField(default=0, min_value=0, max_value=MAX_COUNT)
    victims_abducted = serializers.IntegerField(default=0, min_value=0, max_value=MAX_COUNT)
    victims_sexual_violence = serializers.IntegerField(default=0, min_value=0, max_value=MAX_COUNT)
    victims_displaced = serializers.IntegerField(default=0, min_value=0, max_value=MAX_COUNT)
    description = TextField(required=True, allow_blank=False, max_length=5000)
    description_language = TextField(max_length=10)
    translation = TextField(max_length=5000)
    received_via = serializers.ChoiceField(
        choices=[(Channel.PHONE, Channel.PHONE.label), (Channel.RADIO, Channel.RADIO.label)],
        required=False,
        allow_blank=True,
        default="",
        help_text=_(
            "Heard by phone or radio and logged on behalf of the CLA or focal point named in "
            "`received_from` (both or neither); stored as the alert's `channel`. Required for "
            "Force officers, who log only such alerts."
        ),
    )
    received_from = ReceivedFromSerializer(
        required=False,
        allow_null=True,
        help_text=_(
            "Whom it was heard from, one of the two: the id of a CLA in `cla` or of a focal "
            "point in `focal_point`, within the user's scope (a CLA names themselves or a focal "
            "point of their networks, a coordinator those of their area, a Force officer a CLA "
            "deployed in their sector)."
        ),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        header = self.context.get("idempotency_key")
        body = (attrs.get("client_key") or "").strip()
        if header is not None:
            header = header.strip()
            try:
                client_key_validator(header)
            except Exception:
                raise serializers.ValidationError(
                    {"client_key": [_("The Idempotency-Key header is not a valid key.")]}
                ) from None
            if body and body != header:
                raise serializers.ValidationError(
                    {
                        "client_key": [
                            _("The client key and the Idempotency-Key header differ: send one key.")
                        ]
                    }
                )
        attrs["client_key"] = body or header or None
        if attrs.get("location") is None:
            request = self.context["request"]
            deployment = open_deployment_for(request.user)
            if deployment is None:
                raise serializers.ValidationError({"location": [_("Choose a location.")]})
            attrs["location_id"] = deployment.location_id
        else:
            attrs["location_id"] = attrs["location"].pk
        relay = attrs.pop("received_from", None) or {}
        attrs["received_from_cla_id"] = relay.get("cla")
        attrs["received_from_focal_point_id"] = relay.get("focal_point")
        return attrs

    def to_input(self) -> AlertInput:
        return AlertInput.from_values(self.validated_data)


# Triage actions ---------------------------------------------------------------------------


class AlertActionSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_COUNT,
        help_text=_(
            "The alert's version when it was loaded: if someone changed it since, the action "
            "is refused (409)."
        ),
    )


class AlertNoteActionSerializer(AlertActionSerializer):
    note = TextField(max_length=2000)


class AlertAssignSerializer(AlertActionSerializer):
    # Named as the service takes it (officer_id): every action's input goes to its service as is.
    officer = serializers.IntegerField(
        source="officer_id",
        min_value=1,
        max_value=MAX_ID,
        help_text=_("Id of an officer of the alert's queue."),
    )


class AlertTriangulateSerializer(AlertNoteActionSerializer):
    method = serializers.ChoiceField(choices=Triangulation.Method.choices)


class AlertOutcomeSerializer(AlertNoteActionSerializer):
    outcome = serializers.ChoiceField(choices=Alert.Outcome.choices)


class AlertResponseSerializer(AlertNoteActionSerializer):
    response = serializers.ChoiceField(choices=Alert.Response.choices)


class AlertReopenSerializer(AlertActionSerializer):
    note = TextField(
        required=True, max_length=2000, help_text=_("Why the alert is reopened (required).")
    )


class DuplicateRejectSerializer(AlertActionSerializer):
    pass


class DuplicateConfirmSerializer(AlertActionSerializer):
    # Named as the service takes it (lead_id).
    lead = serializers.IntegerField(
        source="lead_id",
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text=_(
            "Id of the alert that leads the case: this one or the other; by default the one "
            "reported first."
        ),
    )


# Output -----------------------------------------------------------------------------------


class ThreatCategorySerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text=_("In the language of the request."))

    class Meta:
        model = ThreatCategory
        fields = ["id", "code", "name", "name_en", "name_fr", "acled_event_type"]


class ThreatCategorySummarySerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = ThreatCategory
        fields = ["id", "code", "name"]


class QueueSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = TriangulationQueue
        fields = ["id", "code", "name"]


class QueueSerializer(serializers.ModelSerializer):
    sector = SectorSummarySerializer(read_only=True)
    waiting = serializers.IntegerField(
        read_only=True, help_text=_("Alerts in the queue that nobody has acknowledged yet.")
    )

    class Meta:
        model = TriangulationQueue
        fields = ["id", "code", "name", "sector", "is_default", "ack_limit_minutes", "waiting"]


class PersonSummarySerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "name"]

    def get_name(self, user: User) -> str:
        return person_name(user) or ""


class CaseLeadSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    outcome = serializers.ChoiceField(
        choices=Alert.Outcome.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = Alert
        fields = ["id", "reference", "status", "status_display", "outcome"]


class AlertListSerializer(serializers.ModelSerializer):
    location = LocationSummarySerializer(read_only=True)
    sector = SectorSummarySerializer(source="location.sector", read_only=True)
    category = ThreatCategorySummarySerializer(read_only=True)
    queue = QueueSummarySerializer(read_only=True, allow_null=True)
    case_lead = CaseLeadSerializer(
        read_only=True,
        allow_null=True,
        help_text=_(
            "The alert leading the case this one was merged into (a confirmed duplicate): its "
            "outcome is this alert's. Null for an alert merged into none."
        ),
    )
    assigned_to = PersonSummarySerializer(read_only=True, allow_null=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    victims_total = serializers.IntegerField(read_only=True)
    escalation_tier = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=_(
            "Tier of the queue's escalation policy the alert reached while nobody "
            "acknowledged it (0: the queue's officers at routing); null if it never escalated."
        ),
    )
    next_escalation_at = serializers.SerializerMethodField(
        help_text=_(
            "When the next escalation step is due if nobody acknowledges the alert; null "
            "once acknowledged or for an alert that does not escalate."
        ),
    )
    nearest_base = LocationSummarySerializer(
        read_only=True,
        allow_null=True,
        help_text=_("The active base nearest to the alert's coordinates; null without them."),
    )
    base_distance_km = serializers.DecimalField(
        max_digits=7,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text=_("Kilometres from the nearest base; null without coordinates."),
    )
    near_base = serializers.SerializerMethodField(
        help_text=_(
            "Within NEAR_BASE_KM (5 km unless configured) of a base: urgent, it escalates "
            "on the shortest delays."
        )
    )
    grade = serializers.CharField(
        read_only=True,
        help_text=_(
            "Admiralty grade: source reliability A to F then information credibility 1 to 6 "
            '("B2"); empty until graded.'
        ),
    )

    class Meta:
        model = Alert
        fields = [
            "id",
            "reference",
            "status",
            "status_display",
            "location",
            "sector",
            "place",
            "category",
            "urgency",
            "severity",
            "certainty",
            "occurred_at",
            "reported_at",
            "created_at",
            "channel",
            "queue",
            "assigned_to",
            "victims_total",
            "escalated_at",
            "escalation_tier",
            "next_escalation_at",
            "case_lead",
            "nearest_base",
            "base_distance_km",
            "near_base",
            "grade",
            "version",
        ]

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_next_escalation_at(self, alert: Alert) -> str | None:
        # Kept on the row after the alert leaves the queue (the sweep looks at queued alerts
        # only): shown only while it still counts.
        if alert.status != Alert.Status.QUEUED or alert.next_escalation_at is None:
            return None
        return serializers.DateTimeField().to_representation(alert.next_escalation_at)

    def get_near_base(self, alert: Alert) -> bool:
        return is_near_base(alert)


class AlertEventSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    actor = serializers.SerializerMethodField(
        help_text=_("Display name of who did it; null for the system.")
    )
    note = serializers.CharField(read_only=True, help_text=_("What a person wrote, as written."))
    detail = serializers.CharField(
        read_only=True,
        help_text=_(
            "What the line says besides its kind, in the request's language: the method, "
            "outcome or response, the queue or officer, or what the system said."
        ),
    )
    code = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text=_("Code of what the system said on this line (null if nothing)."),
    )
    params = serializers.DictField(read_only=True, help_text=_("Parameters of the code."))

    class Meta:
        model = AlertEvent
        fields = [
            "id",
            "kind",
            "kind_display",
            "actor",
            "at",
            "from_status",
            "to_status",
            "note",
            "detail",
            "code",
            "params",
        ]

    def get_actor(self, event: AlertEvent) -> str | None:
        return person_name(event.actor)


class VerificationCheckSerializer(serializers.ModelSerializer):
    method_display = serializers.CharField(source="get_method_display", read_only=True)
    result_display = serializers.CharField(source="get_result_display", read_only=True)
    checked_by = PersonSummarySerializer(read_only=True)

    class Meta:
        model = VerificationCheck
        fields = [
            "id",
            "method",
            "method_display",
            "result",
            "result_display",
            "note",
            "checked_by",
            "checked_at",
        ]
        read_only_fields = fields


class AlertLinkSerializer(serializers.Serializer):
    alert = serializers.IntegerField(help_text=_("Id of the other alert."))
    reference = serializers.CharField()
    kind = serializers.ChoiceField(choices=AlertLink.Kind.choices)
    reason = serializers.CharField(help_text=_("Why they were linked, in the request's language."))
    reason_code = serializers.CharField(
        allow_null=True,
        help_text=_("Code of the system's reason; null for a reason a person typed."),
    )
    decision = serializers.ChoiceField(
        choices=AlertLink.Decision.choices,
        help_text=_("An officer's decision: suggested until confirmed (merged) or rejected."),
    )
    created_at = serializers.DateTimeField()


def _link_reason(link: AlertLink) -> dict[str, str | None]:
    code = link.reason if link.reason in texts.SYSTEM_TEXTS else None
    return {"reason": texts.link_reason(link.reason), "reason_code": code}


class AlertDetailSerializer(AlertListSerializer):
    logged_by = PersonSummarySerializer(read_only=True)
    # Not read-only so that the schema shows them as optional: they are left out for users who
    # may not see who reported the alert (always for Force officers).
    source_name = serializers.CharField(
        required=False, help_text=_("Only for users who may see who reported the alert.")
    )
    source_contact = serializers.CharField(
        required=False, help_text=_("Only for users who may see who reported the alert.")
    )
    time_to_acknowledge = serializers.SerializerMethodField(
        help_text=_("Seconds from logging to acknowledgement; null until acknowledged.")
    )
    time_to_outcome = serializers.SerializerMethodField(
        help_text=_("Seconds from logging to the outcome; null until recorded.")
    )
    time_to_response = serializers.SerializerMethodField(
        help_text=_("Seconds from logging to the response; null until recorded.")
    )
    links = serializers.SerializerMethodField(
        help_text=_("Likely duplicates and related alerts that the user may see.")
    )
    received_from = serializers.SerializerMethodField(
        help_text=_(
            "For an alert heard by phone or radio (`channel`), whom it was heard from: it was "
            "logged on their behalf. Null otherwise."
        )
    )
    # Declared so that the schema lists the empty value of an alert not yet that far.
    outcome = serializers.ChoiceField(
        choices=Alert.Outcome.choices,
        allow_blank=True,
        read_only=True,
        help_text=_("Outcome of the triangulation; empty until recorded."),
    )
    response = serializers.ChoiceField(
        choices=Alert.Response.choices,
        allow_blank=True,
        read_only=True,
        help_text=_("The mission's response; empty until recorded."),
    )
    timeline = AlertEventSerializer(source="events", many=True, read_only=True)
    merged_count = serializers.SerializerMethodField(
        help_text=_(
            "How many reports of the same event were merged into this alert, as the lead of "
            "their case; 0 otherwise."
        )
    )
    source_reliability = serializers.ChoiceField(
        choices=SourceReliability.choices,
        allow_blank=True,
        read_only=True,
        help_text=_("Reliability of the source, A to F; empty until graded."),
    )
    information_credibility = serializers.ChoiceField(
        choices=InformationCredibility.choices,
        allow_null=True,
        read_only=True,
        help_text=_("Credibility of the information, 1 to 6; null until graded."),
    )
    grade_meaning = serializers.CharField(
        read_only=True, help_text=_("What the grade says, in the request's language.")
    )
    graded_by = PersonSummarySerializer(read_only=True, allow_null=True)
    checks = VerificationCheckSerializer(many=True, read_only=True)

    class Meta(AlertListSerializer.Meta):
        fields = [
            *AlertListSerializer.Meta.fields,
            "logged_by",
            "received_from",
            "source_type",
            "source_can",
            "source_name",
            "source_contact",
            "latitude",
            "longitude",
            "perpetrator",
            "victims_killed",
            "victims_injured",
            "victims_abducted",
            "victims_sexual_violence",
            "victims_displaced",
            "description",
            "description_language",
            "translation",
            "plan_threat",
            "outcome",
            "response",
            "response_note",
            "routed_at",
            "acknowledged_at",
            "outcome_at",
            "responded_at",
            "closed_at",
            "community_informed_at",
            "time_to_acknowledge",
            "time_to_outcome",
            "time_to_response",
            "links",
            "merged_count",
            "source_reliability",
            "information_credibility",
            "grade_meaning",
            "graded_by",
            "graded_at",
            "checks",
            "timeline",
        ]
        read_only_fields = fields

    def to_representation(self, alert: Alert) -> dict[str, Any]:
        data = super().to_representation(alert)
        if not self.context.get("show_source_identity", False):
            data.pop("source_name", None)
            data.pop("source_contact", None)
        return data

    @extend_schema_field(ReceivedFromDetailSerializer(allow_null=True))
    def get_received_from(self, alert: Alert) -> dict[str, Any] | None:
        if alert.received_from_cla_id:
            cla = alert.received_from_cla
            return {"kind": "cla", "cla": cla.pk, "focal_point": None, "name": str(cla)}
        if alert.received_from_focal_point_id:
            point = alert.received_from_focal_point
            shown = self.context.get("show_relay_identity", False)
            return {
                "kind": "focal_point",
                "cla": None,
                "focal_point": point.pk if shown else None,
                "name": point.name if shown else None,
            }
        return None

    def _seconds(self, alert: Alert, key: str) -> int | None:
        duration = response_times(alert)[key]
        return None if duration is None else int(duration.total_seconds())

    def get_merged_count(self, alert: Alert) -> int:
        return alert.case_followers.count()

    def get_time_to_acknowledge(self, alert: Alert) -> int | None:
        return self._seconds(alert, "acknowledge")

    def get_time_to_outcome(self, alert: Alert) -> int | None:
        return self._seconds(alert, "outcome")

    def get_time_to_response(self, alert: Alert) -> int | None:
        return self._seconds(alert, "response")

    @extend_schema_field(AlertLinkSerializer(many=True))
    def get_links(self, alert: Alert) -> list[dict[str, Any]]:
        links = [
            {
                "alert": link.to_alert_id,
                "reference": link.to_alert.reference,
                "kind": link.kind,
                **_link_reason(link),
                "decision": link.decision,
                "created_at": link.created_at,
            }
            for link in alert.visible_links_out
        ] + [
            {
                "alert": link.from_alert_id,
                "reference": link.from_alert.reference,
                "kind": link.kind,
                **_link_reason(link),
                "decision": link.decision,
                "created_at": link.created_at,
            }
            for link in alert.visible_links_in
        ]
        return AlertLinkSerializer(sorted(links, key=lambda x: x["created_at"]), many=True).data


# --- the CLA's follow-up (alerts.services.follow_up) --------------------------------------
# Only typed here: the service checks the rest (lengths, markup, dates), as for the page form.


class FollowUpNoteSerializer(serializers.Serializer):
    note = serializers.CharField(
        trim_whitespace=False, allow_blank=True, help_text=_("The note, plain text.")
    )


class CommunityInformedSerializer(serializers.Serializer):
    informed_at = serializers.DateTimeField(
        help_text=_("When the community was informed: not in the future, not before logging.")
    )
    how = serializers.ChoiceField(
        choices=InformedHow.choices,
        error_messages={"invalid_choice": _("Choose how the community was informed.")},
    )
    informed_by = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        trim_whitespace=False,
        help_text=_("Who informed it; empty: the user."),
    )
    note = serializers.CharField(
        required=False, allow_blank=True, default="", trim_whitespace=False
    )


class IdentityViewSerializer(serializers.ModelSerializer):
    user = PersonSummarySerializer(read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)
    alert_reference = serializers.CharField(source="alert.reference", read_only=True)
    where_display = serializers.CharField(source="get_where_display", read_only=True)

    class Meta:
        model = IdentityView
        fields = [
            "id",
            "at",
            "user",
            "username",
            "alert",
            "alert_reference",
            "where",
            "where_display",
        ]
        read_only_fields = fields
