"""Forms of the alert pages: the CLA's alert form, the list filters and the triage actions.

Forms only type and bound the input; the rules of the domain (dates, mission area, victim
counts, network of the location, plain text) are checked by alerts.services, whose field
errors the views put back on these forms' fields. The triage forms follow alerts.transitions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, ClassVar

from django import forms
from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from alerts import permissions
from alerts.geo import filter_near_base
from alerts.models import (
    Alert,
    Certainty,
    Channel,
    Severity,
    ThreatCategory,
    Triangulation,
    TriangulationQueue,
    Urgency,
)
from alerts.search import SEARCH_MAX_LENGTH, alert_search
from alerts.selectors import IntakeChoices, intake_choices
from alerts.services import CLIENT_KEY_PATTERN, MAX_VICTIMS, AlertInput
from alerts.transitions import (
    ACKNOWLEDGE,
    ASSIGN,
    CLOSE,
    NOTE,
    OUTCOME,
    REOPEN,
    RESPONSE,
    TRANSITIONS,
    TRIANGULATE,
    Transition,
)
from clas.models import CLA, CommunityAlertNetwork, FocalPoint, Location, Sector, User
from clas.selectors import location_list, open_deployment_for, sector_list
from core.validators import validate_plausible_year
from core.widgets import DateInput

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"

# CAP 1.2 definitions, short enough to read on a phone.
URGENCY_CHOICES = [
    (Urgency.IMMEDIATE, _("Immediate: act now")),
    (Urgency.EXPECTED, _("Expected: act within the next hour")),
    (Urgency.FUTURE, _("Future: act in the near future")),
    (Urgency.PAST, _("Past: no action needed any more")),
    (Urgency.UNKNOWN, _("Unknown")),
]
SEVERITY_CHOICES = [
    (Severity.EXTREME, _("Extreme: extraordinary threat to life")),
    (Severity.SEVERE, _("Severe: significant threat to life or property")),
    (Severity.MODERATE, _("Moderate: possible threat to life or property")),
    (Severity.MINOR, _("Minor: little or no known threat")),
    (Severity.UNKNOWN, _("Unknown")),
]
CERTAINTY_CHOICES = [
    (Certainty.OBSERVED, _("Observed: seen or confirmed")),
    (Certainty.LIKELY, _("Likely: more likely than not")),
    (Certainty.POSSIBLE, _("Possible: could happen, not likely")),
    (Certainty.UNLIKELY, _("Unlikely: not expected")),
    (Certainty.UNKNOWN, _("Unknown")),
]
DESCRIPTION_LANGUAGES = [
    ("", _("Not said")),
    ("fr", _("French")),
    ("sg", _("Sango")),
    ("en", _("English")),
    ("ar", _("Arabic")),
    ("other", _("Other")),
]


client_key_validator = RegexValidator(
    CLIENT_KEY_PATTERN, _("The form is damaged: reload the page and enter the alert again.")
)


class DateTimeLocalInput(forms.DateTimeInput):
    """A browser date and time picker; the value is read in the mission's time zone."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=DATETIME_FORMAT)


class CoordinateField(forms.DecimalField):
    """A latitude or longitude, rounded to the five decimals the database keeps (about 1 m)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_digits=8, decimal_places=5, required=False, **kwargs)
        self.widget.attrs.update({"step": "any", "inputmode": "decimal"})

    def to_python(self, value: Any) -> Decimal | None:
        number = super().to_python(value)
        if number is None:
            return None
        try:
            return number.quantize(Decimal("0.00001"), rounding=ROUND_HALF_UP)
        except InvalidOperation:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class CountField(forms.IntegerField):
    """A number of people; empty means none. Bounds are checked by the service."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, initial=0, **kwargs)
        self.widget.attrs.update({"min": 0, "max": MAX_VICTIMS, "inputmode": "numeric"})

    def clean(self, value: Any) -> int:
        number = super().clean(value)
        return 0 if number is None else number


class NetworkChoiceField(forms.ModelChoiceField):
    def __init__(self, *, show_location: bool, **kwargs: Any) -> None:
        self.show_location = show_location
        super().__init__(**kwargs)

    def label_from_instance(self, obj: CommunityAlertNetwork) -> str:
        return f"{obj.location.name} · {obj.name}" if self.show_location else obj.name


RECEIVED_VIA_CHOICES = [(Channel.PHONE, _("Phone call")), (Channel.RADIO, _("Radio"))]
# A choice of received_from names its kind and id: "cla-12", "focal_point-7".
RELAY_KINDS = {"cla": "received_from_cla_id", "focal_point": "received_from_focal_point_id"}


def relay_options(user: User, choices: IntakeChoices) -> list[tuple[Any, Any]]:
    """Whom a call may be logged for, grouped: CLAs, then focal points (alerts.selectors)."""
    clas: list[CLA] = list(choices.clas)
    points: list[FocalPoint] = list(choices.focal_points)
    several_places = len({p.network.location_id for p in points}) > 1
    groups: list[tuple[Any, Any]] = []
    if clas:
        groups.append((_("CLAs"), [(f"cla-{c.pk}", _cla_label(c, user)) for c in clas]))
    if points:
        options = [
            (
                f"focal_point-{p.pk}",
                f"{p.name} · {p.network.location.name} · {p.network.name}"
                if several_places
                else f"{p.name} · {p.network.name}",
            )
            for p in points
        ]
        groups.append((_("Focal points"), options))
    return groups


def _cla_label(cla: CLA, user: User) -> str:
    name = str(cla)
    if cla.user_id == user.pk:
        name = gettext("%(name)s (you)") % {"name": name}
    location = getattr(cla, "location_name", None)
    return f"{name} · {location}" if location else name


def form_owner_key(user: User) -> str:
    """A stable value that tells whose form this is, without naming them: kept with what the
    device or the server holds for a signed-out user, and checked when they sign in again."""
    return salted_hmac("alerts.AlertForm.owner", str(user.pk)).hexdigest()[:32]


class AlertForm(forms.Form):
    """The alert a CLA logs. Field names match AlertInput and the service's error keys."""

    # The order of the page, which the error summary follows.
    field_order = (
        "client_key",
        "owner",
        "category",
        "description",
        "urgency",
        "severity",
        "certainty",
        "location",
        "place",
        "occurred_at",
        "reported_at",
        "victims_killed",
        "victims_injured",
        "victims_abducted",
        "victims_sexual_violence",
        "victims_displaced",
        "perpetrator",
        "source_type",
        "source_can",
        "source_name",
        "source_contact",
        "received_via",
        "received_from",
        "latitude",
        "longitude",
        "description_language",
        "translation",
    )
    # A Force officer logs only what was heard by phone or radio: those fields come first.
    relay_first_order = ("client_key", "owner", "received_via", "received_from")

    # Hidden, with no label: their errors are whole sentences.
    client_key = forms.CharField(
        label="",
        max_length=64,
        required=False,
        widget=forms.HiddenInput,
        validators=[client_key_validator],
    )
    owner = forms.CharField(label="", max_length=64, required=False, widget=forms.HiddenInput)
    category = forms.ModelChoiceField(
        label=_("Threat category"),
        queryset=ThreatCategory.objects.none(),
        empty_label=_("Choose a threat category"),
        error_messages={"required": _("Choose a threat category.")},
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Who, what, where, how many. In the language it was reported in."),
        error_messages={"required": _("Describe what happened.")},
    )
    description_language = forms.ChoiceField(
        label=_("Language of the description"), choices=DESCRIPTION_LANGUAGES, required=False
    )
    location = forms.ModelChoiceField(
        label=_("Location"),
        queryset=Location.objects.none(),
        empty_label=_("Choose a location"),
        error_messages={
            "required": _("Choose a location."),
            "invalid_choice": _("Choose a location you work at."),
        },
    )
    place = forms.CharField(label=_("Place or village"), max_length=150, required=False)
    occurred_at = forms.DateTimeField(
        label=_("When it happened"),
        widget=DateTimeLocalInput,
        validators=[validate_plausible_year],
        help_text=_("Mission time. Your best estimate if you do not know exactly."),
        error_messages={"required": _("Enter when it happened, your best estimate if unsure.")},
    )
    reported_at = forms.DateTimeField(
        label=_("When it was reported to you"),
        widget=DateTimeLocalInput,
        validators=[validate_plausible_year],
        error_messages={"required": _("Enter when it was reported to you.")},
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=URGENCY_CHOICES,
        initial=Urgency.UNKNOWN,
        widget=forms.RadioSelect,
    )
    severity = forms.ChoiceField(
        label=_("Severity"),
        choices=SEVERITY_CHOICES,
        initial=Severity.UNKNOWN,
        widget=forms.RadioSelect,
    )
    certainty = forms.ChoiceField(
        label=_("Certainty"),
        choices=CERTAINTY_CHOICES,
        initial=Certainty.UNKNOWN,
        widget=forms.RadioSelect,
    )
    perpetrator = forms.CharField(
        label=_("Perpetrator"),
        max_length=150,
        required=False,
        help_text=_("Armed group, unit or community, if known."),
    )
    victims_killed = CountField(label=_("Killed"))
    victims_injured = CountField(label=_("Injured"))
    victims_abducted = CountField(label=_("Abducted"))
    victims_sexual_violence = CountField(label=_("Survivors of sexual violence"))
    victims_displaced = CountField(label=_("Displaced"))
    # No default: "alert network member" with no network chosen would be refused (see __init__).
    source_type = forms.ChoiceField(
        label=_("Who reported it"),
        choices=[("", _("Choose who reported it")), *Alert.SourceType.choices],
        error_messages={"required": _("Choose who reported it.")},
    )
    source_can = NetworkChoiceField(
        show_location=False,
        label=_("Community Alert Network"),
        queryset=CommunityAlertNetwork.objects.none(),
        required=False,
        empty_label=_("None: not from an alert network"),
        error_messages={
            "invalid_choice": _("Choose an alert network of the alert's location."),
        },
    )
    source_name = forms.CharField(
        label=_("Name of the person who reported it"),
        max_length=150,
        required=False,
        help_text=_("Confidential: never shown to the Force."),
    )
    source_contact = forms.CharField(
        label=_("Their phone or contact"), max_length=100, required=False
    )
    latitude = CoordinateField(label=_("Latitude"), help_text=_("Decimal degrees, e.g. 5.76543."))
    longitude = CoordinateField(
        label=_("Longitude"), help_text=_("Decimal degrees, e.g. 20.67890.")
    )
    translation = forms.CharField(
        label=_("Translation"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("In French or English, if the description is in another language."),
    )
    # Heard by phone or radio, logged on behalf of a CLA or a focal point (the service checks
    # that the two go together and whom the user may name).
    received_via = forms.ChoiceField(
        label=_("How it was heard"),
        choices=[("", _("Not by phone or radio")), *RECEIVED_VIA_CHOICES],
        required=False,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Say whether it was heard by phone or by radio."),
            "invalid_choice": _("Choose phone or radio."),
        },
    )
    received_from = forms.ChoiceField(
        label=_("Heard from"),
        choices=[],
        required=False,
        help_text=_("The CLA or focal point who called: the alert is logged on their behalf."),
        error_messages={"invalid_choice": _("Choose a CLA or focal point from the list.")},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner_key = form_owner_key(user)
        choices = intake_choices(user=user)
        # A Force officer on duty logs only what was heard by phone or radio, so says how.
        self.relay_only = permissions.is_force_officer_on_duty(user)
        via, heard_from = self.fields["received_via"], self.fields["received_from"]
        heard_from.choices = [
            ("", _("Choose who it was heard from")),
            *relay_options(user, choices),
        ]
        if self.relay_only:
            via.required = heard_from.required = True
            via.choices = RECEIVED_VIA_CHOICES
            heard_from.error_messages["required"] = _("Say which CLA it was heard from.")
            heard_from.help_text = _("The CLA who called: the alert is logged on their behalf.")
            self.order_fields(self.relay_first_order)
        locations = list(choices.locations)
        self.locations = locations
        self.fields["location"].queryset = choices.locations
        self.fields["category"].queryset = choices.categories
        networks = choices.networks
        if len(locations) == 1:
            # A CLA works at one location: no need to choose it.
            self.fields["location"].widget = forms.HiddenInput()
            networks = networks.filter(location=locations[0])
        else:
            self.fields["source_can"].show_location = True
        self.fields["source_can"].queryset = networks
        if not self.is_bound:
            self.initial.setdefault("client_key", uuid.uuid4().hex)
            self.initial.setdefault(
                "reported_at", timezone.localtime().replace(second=0, microsecond=0)
            )
            self.initial.setdefault("owner", self.owner_key)
            location = _default_location(user, locations)
            self.initial.setdefault("location", location)
            language = (get_language() or "").split("-")[0]
            if language in dict(DESCRIPTION_LANGUAGES):
                self.initial.setdefault("description_language", language)
            # The one network of the location is the usual source; with none or several,
            # the CLA says who reported it rather than start from a refused pair.
            only_network = list(networks.filter(location=location)[:2]) if location else []
            if len(only_network) == 1:
                self.initial.setdefault("source_type", Alert.SourceType.CAN_MEMBER)
                self.initial.setdefault("source_can", only_network[0].pk)

    @property
    def fixed_location(self) -> Location | None:
        """The only location the user may log for, shown as text instead of a choice."""
        return self.locations[0] if len(self.locations) == 1 else None

    def clean_owner(self) -> str:
        owner = self.cleaned_data["owner"]
        if owner and owner != self.owner_key:
            raise forms.ValidationError(
                _(
                    "This form was opened by another user. Log in as them to send it, "
                    "or copy what it says into a new form."
                ),
                code="other_user",
            )
        return owner

    def error_summary(self) -> list[dict[str, str]]:
        """The errors of the page in its order, each with the link to its field (the GOV.UK
        error summary); errors of fields the CLA cannot see come without a link."""
        items = [{"href": "", "text": str(error)} for error in self.non_field_errors()]
        for name in self.fields:
            if name not in self.errors:
                continue
            field = self[name]
            anchor = field.auto_id
            if isinstance(field.field.widget, forms.RadioSelect):
                anchor = (
                    f"{anchor}_0"  # the first choice: a group of radios has no input of its own
                )
            label = str(field.label or "")
            for error in self.errors[name]:
                text = (
                    gettext("%(label)s: %(message)s") % {"label": label, "message": error}
                    if label
                    else str(error)
                )
                href = "" if field.is_hidden else f"#{anchor}"
                items.append({"href": href, "text": text})
        return items

    @property
    def relay_open(self) -> bool:
        """The phone and radio fieldset is shown open: filled in, refused, or the only way."""
        names = ("received_via", "received_from")
        return self.relay_only or any(self[name].value() or self.errors.get(name) for name in names)

    def to_input(self) -> AlertInput:
        values = dict(self.cleaned_data)
        kind, _sep, pk = (values.pop("received_from", "") or "").partition("-")
        if kind in RELAY_KINDS and pk.isdigit():
            values[RELAY_KINDS[kind]] = int(pk)
        return AlertInput.from_values(values)

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        """Put the service's errors on the fields they name (the rest on the whole form)."""
        for name, messages in errors.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)


# Changes when the form's fields change: a draft kept on a device by an older form is shown
# to be copied, never poured into fields that mean something else now.
FORM_REVISION = 1
FORM_VERSION = hashlib.sha256(
    f"{FORM_REVISION}:{','.join(AlertForm.base_fields)}".encode()
).hexdigest()[:12]


def _default_location(user: User, locations: list[Location]) -> int | None:
    if len(locations) == 1:
        return locations[0].pk
    deployment = open_deployment_for(user)
    return deployment.location_id if deployment is not None else None


# --- lists --------------------------------------------------------------------------------


# Within NEAR_BASE_KM of a base, or not (farther, or without coordinates).
NEAR_BASE_CHOICES = [("", _("Any")), ("true", _("Yes")), ("false", _("No"))]


class AlertFilterForm(forms.Form):
    """Filters of the alert list. Choices come from the user's scope; an invalid value is
    reported on its field and ignored, the others still apply."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        help_text=_("Words of the description or the place, or a reference."),
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any")), *Alert.Status.choices], required=False
    )
    category = forms.ModelChoiceField(
        label=_("Threat category"),
        queryset=ThreatCategory.objects.none(),
        required=False,
        empty_label=_("Any"),
    )
    sector = forms.ModelChoiceField(
        label=_("Sector"), queryset=Sector.objects.none(), required=False, empty_label=_("Any")
    )
    location = forms.ModelChoiceField(
        label=_("Location"), queryset=Location.objects.none(), required=False, empty_label=_("Any")
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=[("", _("Any")), *Urgency.choices], required=False
    )
    severity = forms.ChoiceField(
        label=_("Severity"), choices=[("", _("Any")), *Severity.choices], required=False
    )
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[("", _("Any")), *Channel.choices], required=False
    )
    near_base = forms.ChoiceField(label=_("Near a base"), choices=NEAR_BASE_CHOICES, required=False)
    reported_after = forms.DateField(
        label=_("Reported from"),
        required=False,
        widget=DateInput,
        validators=[validate_plausible_year],
    )
    reported_before = forms.DateField(
        label=_("Reported to"),
        required=False,
        widget=DateInput,
        validators=[validate_plausible_year],
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = ThreatCategory.objects.all()
        self.fields["sector"].queryset = sector_list(user=user)
        self.fields["location"].queryset = location_list(user=user)

    def filter(self, qs: QuerySet[Alert]) -> QuerySet[Alert]:
        """Apply the filters that are valid; call after is_valid()."""
        data = getattr(self, "cleaned_data", {})
        if data.get("q"):
            qs = alert_search(qs, data["q"])
        for name, lookup in (
            ("status", "status"),
            ("category", "category"),
            ("sector", "location__sector"),
            ("location", "location"),
            ("urgency", "urgency"),
            ("severity", "severity"),
            ("channel", "channel"),
        ):
            value = data.get(name)
            if value:
                qs = qs.filter(**{lookup: value})
        if data.get("near_base"):
            qs = filter_near_base(qs, data["near_base"] == "true")
        if data.get("reported_after"):
            qs = qs.filter(reported_at__gte=_start_of(data["reported_after"]))
        if data.get("reported_before"):
            qs = qs.filter(
                reported_at__lt=_start_of(data["reported_before"] + dt.timedelta(days=1))
            )
        return qs


def _start_of(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day`, mission time."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class QueueFilterForm(forms.Form):
    queue = forms.ModelChoiceField(
        label=_("Queue"),
        queryset=TriangulationQueue.objects.none(),
        required=False,
        empty_label=_("All my queues"),
    )
    near_base = forms.ChoiceField(
        label=_("Show"),
        choices=[("", _("All alerts")), ("true", _("Only alerts near a base"))],
        required=False,
    )

    def __init__(self, *args: Any, queues: QuerySet[TriangulationQueue], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["queue"].queryset = queues


# --- triage actions -----------------------------------------------------------------------


class ActionForm(forms.Form):
    """Base of the triage forms: every action carries the version of the alert it was shown
    with, so an action on a page that is out of date is refused instead of overwriting."""

    # The action of alerts.transitions: the page offers the form only in the states it allows.
    transition: ClassVar[Transition]
    title = _("Action")
    submit_label = _("Save")

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, alert: Alert, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", self.prefix_name())
        kwargs.setdefault("initial", {"version": alert.version})
        super().__init__(*args, **kwargs)
        self.alert = alert

    @classmethod
    def prefix_name(cls) -> str:
        return cls.transition.name

    @classmethod
    def applies_to(cls, alert: Alert) -> bool:
        return cls.transition.allows(alert.status)

    def service_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


def _note_field(*, required: bool = False, label: Any = None) -> forms.CharField:
    return forms.CharField(
        label=label or _("Note"),
        max_length=2000,
        required=required,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AcknowledgeForm(ActionForm):
    transition = ACKNOWLEDGE
    title = _("Acknowledge")
    submit_label = _("Acknowledge")
    note = _note_field()


class AssignForm(ActionForm):
    transition = ASSIGN
    title = _("Assign")
    submit_label = _("Assign")
    officer = forms.ModelChoiceField(
        label=_("Officer"),
        queryset=User.objects.none(),
        error_messages={"invalid_choice": _("Choose an officer of this alert's queue.")},
    )

    def __init__(self, *args: Any, alert: Alert, **kwargs: Any) -> None:
        super().__init__(*args, alert=alert, **kwargs)
        officers = alert.queue.officers.filter(is_active=True) if alert.queue_id else None
        self.fields["officer"].queryset = (
            officers.order_by("last_name", "first_name")
            if officers is not None
            else User.objects.none()
        )
        self.fields["officer"].label_from_instance = lambda u: u.get_full_name() or u.username

    @classmethod
    def applies_to(cls, alert: Alert) -> bool:
        return alert.queue_id is not None and super().applies_to(alert)

    def service_kwargs(self) -> dict[str, Any]:
        return {
            "officer_id": self.cleaned_data["officer"].pk,
            "version": self.cleaned_data["version"],
        }


class TriangulateForm(ActionForm):
    transition = TRIANGULATE
    title = _("Request triangulation")
    submit_label = _("Request triangulation")
    method = forms.ChoiceField(label=_("How"), choices=Triangulation.Method.choices)
    note = _note_field()


class OutcomeForm(ActionForm):
    transition = OUTCOME
    title = _("Record the outcome")
    submit_label = _("Record the outcome")
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Alert.Outcome.choices, widget=forms.RadioSelect
    )
    note = _note_field()


class ResponseForm(ActionForm):
    transition = RESPONSE
    title = _("Record the response")
    submit_label = _("Record the response")
    response = forms.ChoiceField(
        label=_("Response"), choices=Alert.Response.choices, widget=forms.RadioSelect
    )
    note = _note_field(label=_("What was done"))


class CloseForm(ActionForm):
    transition = CLOSE
    title = _("Close")
    submit_label = _("Close the alert")
    note = _note_field()


class ReopenForm(ActionForm):
    transition = REOPEN
    title = _("Reopen")
    submit_label = _("Reopen the alert")
    note = _note_field(required=True, label=_("Why it is reopened"))


class NoteForm(ActionForm):
    transition = NOTE
    title = _("Add a note")
    submit_label = _("Add the note")
    note = _note_field(required=True)


_BY_ACTION: dict[str, type[ActionForm]] = {
    form.transition.name: form
    for form in (
        AcknowledgeForm,
        AssignForm,
        TriangulateForm,
        OutcomeForm,
        ResponseForm,
        CloseForm,
        ReopenForm,
        NoteForm,
    )
}
# The form of every action of alerts.transitions, by name, in the table's order (the page's).
ACTION_FORMS: dict[str, type[ActionForm]] = {name: _BY_ACTION[name] for name in TRANSITIONS}
