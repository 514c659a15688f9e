"""Forms of the review inbox: turn a message into an alert, or discard it with a reason."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from alerts.models import Alert, Severity, Urgency
from alerts.selectors import intake_choices
from alerts.services import AlertInput
from clas.models import User
from sms.models import IncomingMessage


class ConvertForm(forms.Form):
    """The few fields an SMS leaves to decide; the rest of the alert comes from the message
    (when it was sent, who sent it)."""

    location = forms.ModelChoiceField(
        label=_("Location"),
        queryset=None,
        empty_label=_("Choose a location"),
        error_messages={"required": _("Choose the location.")},
    )
    category = forms.ModelChoiceField(
        label=_("Threat category"),
        queryset=None,
        empty_label=_("Choose a threat category"),
        error_messages={"required": _("Choose a threat category.")},
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    place = forms.CharField(label=_("Place or village"), max_length=150, required=False)
    description = forms.CharField(
        label=_("What happened"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The message as received; correct or translate it if needed."),
        error_messages={"required": _("Describe what happened.")},
    )

    def __init__(self, *args: Any, user: User, message: IncomingMessage, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "location": message.location_id,
                "urgency": Urgency.UNKNOWN,
                "severity": Severity.UNKNOWN,
                "description": message.text if message.coding != 1 else "",
            },
        )
        super().__init__(*args, **kwargs)
        choices = intake_choices(user=user)
        self.fields["location"].queryset = choices.locations
        self.fields["category"].queryset = choices.categories
        self.message = message

    def to_input(self) -> AlertInput:
        data = self.cleaned_data
        message = self.message
        point = message.sender_focal_point
        source: dict[str, Any] = {"source_type": Alert.SourceType.OTHER}
        if point is not None:
            source.update(source_name=point.name)
            if point.network.location_id == data["location"].pk:
                source.update(
                    source_type=Alert.SourceType.CAN_MEMBER, source_can_id=point.network_id
                )
        elif message.sender_user is not None:
            source.update(source_name=message.sender_user.get_full_name())
        return AlertInput(
            location_id=data["location"].pk,
            category_id=data["category"].pk,
            urgency=data["urgency"],
            severity=data["severity"],
            place=data["place"],
            description=data["description"],
            description_language=message.language,
            occurred_at=message.received_at,
            reported_at=message.received_at,
            source_contact=message.sender or message.sender_raw,
            **source,
        )


class DiscardForm(forms.Form):
    reason = forms.CharField(
        label=_("Why discard it"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the message: a test, a duplicate of ALT-..., not an alert..."),
        error_messages={"required": _("Say why the message is discarded.")},
    )


class PreferencesForm(forms.Form):
    sms_alerts = forms.BooleanField(
        label=_("Send me an SMS for Immediate or Extreme alerts and for escalations"),
        required=False,
        help_text=_(
            "Officers get the alerts of their queues; everyone gets the escalations of the alerts they logged. Reply ACK and the reference to acknowledge."
        ),
    )
    sms_own_alerts = forms.BooleanField(
        label=_(
            "Send me an SMS when an alert I logged is acknowledged, its outcome or response recorded, or it is closed"
        ),
        required=False,
        help_text=_("Also for the alerts logged for you, heard by phone or radio."),
    )

    def __init__(self, *args: Any, follows_alerts: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not follows_alerts:
            del self.fields["sms_own_alerts"]
