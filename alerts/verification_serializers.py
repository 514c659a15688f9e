"""The API's input for the verification of an alert: a check, a grade. Typed here, decided
by alerts.services.verification (the same service as the alert page)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from alerts.models import (
    InformationCredibility,
    SourceReliability,
    Triangulation,
    VerificationCheck,
)
from alerts.serializers import AlertActionSerializer, TextField


class AlertCheckSerializer(AlertActionSerializer):
    method = serializers.ChoiceField(
        choices=Triangulation.Method.choices,
        error_messages={"invalid_choice": _("Choose how it was checked.")},
    )
    result = serializers.ChoiceField(
        choices=VerificationCheck.Result.choices,
        error_messages={"invalid_choice": _("Choose what the check found.")},
    )
    note = TextField(max_length=2000, help_text=_("Who was asked or what was seen."))


class AlertGradeSerializer(AlertActionSerializer):
    source_reliability = serializers.ChoiceField(
        choices=SourceReliability.choices,
        help_text=_("A (completely reliable) to F (reliability cannot be judged)."),
        error_messages={"invalid_choice": _("Choose the reliability of the source, from A to F.")},
    )
    information_credibility = serializers.ChoiceField(
        choices=InformationCredibility.choices,
        help_text=_("1 (confirmed by other sources) to 6 (truth cannot be judged)."),
        error_messages={
            "invalid_choice": _("Choose the credibility of the information, from 1 to 6.")
        },
    )
