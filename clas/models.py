"""People and places: sectors, locations, CLAs, deployments, trainings, alert networks."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from clas.changes import change_text
from clas.phones import PhoneNumberField


class Role(models.TextChoices):
    CLA = "cla", _("Community Liaison Assistant")
    COORDINATOR = "coordinator", _("CLA coordinator")
    HQ = "hq", _("Civil Affairs HQ")
    FORCE = "force", _("Force officer")
    ADMIN = "admin", _("Mission admin")


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")


class User(AbstractUser):
    """A person who signs in. The role decides what they may see (see clas.selectors)."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CLA)
    # Coordinators review the CLAs of one field office's area.
    field_office = models.ForeignKey(
        "clas.Location",
        verbose_name=_("field office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="coordinators",
        limit_choices_to={"kind": "permanent"},
    )
    # Force officers work the triangulation queues of one sector.
    sector = models.ForeignKey(
        "clas.Sector",
        verbose_name=_("sector"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officers",
    )
    # E.164; one person per number, so an SMS from it names its sender (see sms.senders).
    phone = PhoneNumberField(_("phone"), blank=True)
    language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=[("en", _("English")), ("fr", _("French"))],
        default="fr",
    )
    # Sees who reported an alert to the CLA (source identity is sensitive).
    can_view_source_identity = models.BooleanField(_("may see source identity"), default=False)
    # Opted in to SMS (to `phone`) for Immediate or Extreme alerts and escalations (sms app).
    sms_alerts = models.BooleanField(
        _("SMS for urgent alerts"),
        default=False,
        help_text=_("Immediate or Extreme alerts and escalations, by SMS to the phone number."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        indexes = [models.Index(fields=["role"])]
        constraints = [
            models.UniqueConstraint(
                fields=["phone"],
                condition=~Q(phone=""),
                name="user_phone_unique",
                violation_error_message=_("Another user has this phone number."),
            ),
        ]

    @property
    def is_mission_wide(self) -> bool:
        return self.is_superuser or self.role in (Role.HQ, Role.ADMIN)


class Sector(models.Model):
    """A military area of responsibility."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    """A base or town where the mission is present."""

    class Kind(models.TextChoices):
        PERMANENT = "permanent", _("Permanent base with field office")
        TEMPORARY = "temporary", _("Temporary operating base")
        HQ = "hq", _("Mission headquarters")

    code = models.CharField(_("code"), max_length=20, unique=True, help_text=_("P-code style."))
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    prefecture = models.CharField(_("prefecture"), max_length=100)
    prefecture_code = models.CharField(_("prefecture code"), max_length=10, blank=True)
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="locations"
    )
    # The field office that covers this location (a permanent base covers itself).
    field_office = models.ForeignKey(
        "self",
        verbose_name=_("field office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="covered_locations",
        limit_choices_to={"kind": "permanent"},
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90)
                & Q(longitude__gte=-180, longitude__lte=180),
                name="location_coordinates_valid",
            ),
        ]
        indexes = [models.Index(fields=["sector", "kind"]), models.Index(fields=["prefecture"])]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """A base outside the mission's area is a typo (a swapped sign or digits): it would
        become the nearest base of nothing, or of the wrong alerts."""
        super().clean()
        bounds = settings.MISSION_BOUNDS
        errors: dict[str, str] = {}
        if self.latitude is not None and not (
            bounds["min_lat"] <= float(self.latitude) <= bounds["max_lat"]
        ):
            errors["latitude"] = _(
                "This latitude is outside the mission's area (%(min)s to %(max)s)."
            ) % {"min": number_format(bounds["min_lat"]), "max": number_format(bounds["max_lat"])}
        if self.longitude is not None and not (
            bounds["min_lon"] <= float(self.longitude) <= bounds["max_lon"]
        ):
            errors["longitude"] = _(
                "This longitude is outside the mission's area (%(min)s to %(max)s)."
            ) % {"min": number_format(bounds["min_lon"]), "max": number_format(bounds["max_lon"])}
        if errors:
            raise ValidationError(errors)


class Language(models.Model):
    """A language a CLA speaks (Sango, French, Arabic, Fulfulde...)."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        ordering = ["name"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")

    def __str__(self) -> str:
        return self.name


class CLA(models.Model):
    """The staff profile of a Community Liaison Assistant."""

    class Connectivity(models.TextChoices):
        NONE = "none", _("No connection")
        RADIO = "radio", _("Radio only")
        INTERMITTENT = "intermittent", _("Intermittent mobile data")
        SATELLITE = "satellite", _("Satellite (VSAT)")
        GOOD = "good", _("Reliable connection")

    user = models.OneToOneField(
        User, verbose_name=_("user"), on_delete=models.PROTECT, related_name="cla_profile"
    )
    staff_number = models.CharField(_("staff number"), max_length=20, unique=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    languages = models.ManyToManyField(Language, verbose_name=_("languages"), blank=True)
    phone = PhoneNumberField(_("phone"), blank=True)
    radio_call_sign = models.CharField(_("radio call sign"), max_length=32, blank=True)
    has_phone = models.BooleanField(_("has a mobile phone"), default=True)
    has_radio = models.BooleanField(_("has a radio"), default=False)
    has_satellite_phone = models.BooleanField(_("has a satellite phone"), default=False)
    has_laptop = models.BooleanField(_("has a laptop"), default=False)
    connectivity = models.CharField(
        _("connectivity"),
        max_length=20,
        choices=Connectivity.choices,
        default=Connectivity.INTERMITTENT,
    )
    joined_on = models.DateField(_("joined the mission on"), null=True, blank=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        verbose_name = _("Community Liaison Assistant")
        verbose_name_plural = _("Community Liaison Assistants")
        constraints = [
            models.UniqueConstraint(
                fields=["phone"],
                condition=~Q(phone=""),
                name="cla_phone_unique",
                violation_error_message=_("Another CLA has this phone number."),
            ),
        ]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.username


class DeploymentStatus(models.TextChoices):
    WORKING = "working", _("Working")  # the CLA is at the location
    ON_LEAVE = "on_leave", _("On leave")  # still posted there, but away: nobody on the spot


class Deployment(models.Model):
    """A CLA posted at a location from one date to another (open while end is empty)."""

    Status = DeploymentStatus

    cla = models.ForeignKey(
        CLA, verbose_name=_("CLA"), on_delete=models.PROTECT, related_name="deployments"
    )
    location = models.ForeignKey(
        Location, verbose_name=_("location"), on_delete=models.PROTECT, related_name="deployments"
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=DeploymentStatus.choices, default="working"
    )
    end_reason = models.CharField(_("reason for ending"), max_length=200, blank=True)
    # Raised by every write (clas.services): a form or API call made from an older version
    # is refused instead of silently overwriting the change made in between.
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("deployment")
        verbose_name_plural = _("deployments")
        constraints = [
            models.UniqueConstraint(
                fields=["cla"],
                condition=Q(end_date__isnull=True),
                name="one_open_deployment_per_cla",
                violation_error_message=_("This CLA already has an open deployment."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="deployment_ends_after_start",
                violation_error_message=_("A deployment cannot end before it starts."),
            ),
        ]
        indexes = [models.Index(fields=["location", "end_date"])]

    def __str__(self) -> str:
        return f"{self.cla} @ {self.location} ({self.start_date} - {self.end_date or '...'})"


class DeploymentEvent(models.Model):
    """One change to a CLA's deployments: who made it, when, and what it was (append-only)."""

    class Action(models.TextChoices):
        ASSIGNED = "assigned", _("Assignment")
        ROTATED = "rotated", _("Rotation")
        ENDED = "ended", _("End of deployment")
        LEAVE_STARTED = "leave_started", _("Went on leave")
        LEAVE_ENDED = "leave_ended", _("Back from leave")
        IMPORTED = "imported", _("Imported")
        CREATED = "created", _("CLA created")

    cla = models.ForeignKey(
        CLA, verbose_name=_("CLA"), on_delete=models.PROTECT, related_name="deployment_events"
    )
    deployment = models.ForeignKey(
        Deployment,
        verbose_name=_("deployment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        User,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("changed at"), auto_now_add=True)
    # The version of the deployment this change produced (0: no deployment).
    version = models.PositiveIntegerField(_("version"), default=0)
    # A message key and its values (clas.changes): put in words in the reader's language.
    details = models.JSONField(_("what changed"), default=dict)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("deployment change")
        verbose_name_plural = _("deployment changes")
        indexes = [models.Index(fields=["cla", "-at"])]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return change_text(self.details)


class Training(models.Model):
    """An induction or refresher training, for CLAs or uniformed personnel."""

    class Kind(models.TextChoices):
        INDUCTION = "induction", _("Induction")
        REFRESHER = "refresher", _("Refresher")
        JOINT = "joint", _("Joint CLA and uniformed training")

    class Audience(models.TextChoices):
        CLA = "cla", _("CLAs")
        UNIFORMED = "uniformed", _("Uniformed personnel")
        MIXED = "mixed", _("CLAs and uniformed personnel")

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    held_on = models.DateField(_("held on"))
    location = models.ForeignKey(
        Location, verbose_name=_("location"), null=True, blank=True, on_delete=models.SET_NULL
    )
    participants = models.ManyToManyField(
        CLA, verbose_name=_("CLA participants"), blank=True, related_name="trainings"
    )
    uniformed_participants = models.PositiveIntegerField(_("uniformed participants"), default=0)

    class Meta:
        ordering = ["-held_on"]
        verbose_name = _("training")
        verbose_name_plural = _("trainings")

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on})"


class CommunityAlertNetwork(models.Model):
    """Village volunteers who report threats to the CLA of a location."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")  # reports and meets
        DORMANT = "dormant", _("Dormant")  # exists but has gone quiet
        DISSOLVED = "dissolved", _("Dissolved")  # no longer exists

    name = models.CharField(_("name"), max_length=150)
    location = models.ForeignKey(
        Location, verbose_name=_("location"), on_delete=models.PROTECT, related_name="networks"
    )
    established_on = models.DateField(_("established on"))
    established_by = models.ForeignKey(
        CLA,
        verbose_name=_("established by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="networks_established",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    volunteers_women = models.PositiveIntegerField(_("women volunteers"), default=0)
    volunteers_men = models.PositiveIntegerField(_("men volunteers"), default=0)
    last_activity_on = models.DateField(_("last activity on"), null=True, blank=True)

    class Meta:
        ordering = ["location__name", "name"]
        verbose_name = _("Community Alert Network")
        verbose_name_plural = _("Community Alert Networks")
        constraints = [
            models.CheckConstraint(
                condition=Q(volunteers_women__gte=0) & Q(volunteers_men__gte=0),
                name="can_volunteer_counts_non_negative",
            ),
            models.UniqueConstraint(
                fields=["location", "name"], name="can_unique_name_per_location"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def volunteers_total(self) -> int:
        return self.volunteers_women + self.volunteers_men


class FocalPoint(models.Model):
    """A named contact in a network. Sensitive: identities and phone numbers can get people hurt."""

    network = models.ForeignKey(
        CommunityAlertNetwork,
        verbose_name=_("network"),
        on_delete=models.CASCADE,
        related_name="focal_points",
    )
    name = models.CharField(_("name"), max_length=150)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    phone = PhoneNumberField(_("phone"), blank=True)
    village = models.CharField(_("village"), max_length=150, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("focal point")
        verbose_name_plural = _("focal points")
        constraints = [
            models.UniqueConstraint(
                fields=["phone"],
                condition=~Q(phone=""),
                name="focal_point_phone_unique",
                violation_error_message=_("Another focal point has this phone number."),
            ),
        ]

    def __str__(self) -> str:
        return self.name
