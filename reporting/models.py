"""Reports written by CLAs and compiled by the system, and who receives them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from alerts.texts import localized

TITLE_LENGTH = 200


class Report(models.Model):
    """A daily, weekly, flash or annual report, written by a CLA or compiled by the system."""

    class Kind(models.TextChoices):
        DAILY = "daily", _("Daily situation report")
        WEEKLY = "weekly", _("Weekly analysis")
        FLASH = "flash", _("Flash report")
        ANNUAL = "annual", _("Annual joint CAS-Force assessment")

    class Origin(models.TextChoices):
        WRITTEN = "written", _("Written by a CLA")
        COMPILED = "compiled", _("Compiled by the system")

    class Scope(models.TextChoices):
        MISSION = "mission", _("Mission")
        SECTOR = "sector", _("Sector")
        LOCATION = "location", _("Location")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")  # being written (or opened by a flash alert)
        SUBMITTED = "submitted", _("Submitted")  # waiting for the coordinator's review
        RETURNED = "returned", _("Returned")  # sent back to the CLA with a comment
        ACCEPTED = "accepted", _("Accepted")  # reviewed and accepted
        PUBLISHED = "published", _("Published")  # compiled by the system and distributed

    class SecurityLevel(models.TextChoices):
        CALM = "calm", _("Calm")
        TENSE = "tense", _("Tense")
        VOLATILE = "volatile", _("Volatile")
        CRITICAL = "critical", _("Critical")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    sector = models.ForeignKey(
        "clas.Sector",
        verbose_name=_("sector"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    location = models.ForeignKey(
        "clas.Location",
        verbose_name=_("location"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    title = models.CharField(_("title"), max_length=TITLE_LENGTH)
    # A title the system gave, as {"code", "params", "text"} (TITLES): shown in the reader's
    # language for as long as `title` is still that text, written in the report language.
    system_title = models.JSONField(default=dict, blank=True, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    # A flash report opened by an Immediate or Extreme alert.
    alert = models.ForeignKey(
        "alerts.Alert",
        verbose_name=_("alert"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="flash_reports",
    )
    security_level = models.CharField(
        _("security situation"), max_length=10, choices=SecurityLevel.choices, blank=True
    )
    key_events = models.TextField(_("key events"), max_length=10000, blank=True)
    can_activity = models.TextField(_("alert network activity"), max_length=5000, blank=True)
    needs = models.TextField(_("needs"), max_length=5000, blank=True)
    narrative = models.TextField(_("analysis"), max_length=20000, blank=True)
    alerts = models.ManyToManyField(
        "alerts.Alert", verbose_name=_("alerts of the period"), blank=True, related_name="reports"
    )
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    html = models.TextField(blank=True, editable=False)
    pdf = models.FileField(_("PDF"), upload_to="reports/pdf/%Y/", blank=True)
    csv = models.FileField(_("CSV of alerts"), upload_to="reports/csv/%Y/", blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), max_length=5000, blank=True)
    generated_at = models.DateTimeField(_("generated at"), null=True, blank=True)
    distributed_at = models.DateTimeField(_("distributed at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period_start", "kind"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="report_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(scope="mission", sector__isnull=True, location__isnull=True)
                | Q(scope="sector", sector__isnull=False, location__isnull=True)
                | Q(scope="location", location__isnull=False),
                name="report_scope_consistent",
            ),
            # One compiled report per kind, period and scope: a re-run replaces it.
            models.UniqueConstraint(
                fields=["kind", "period_start", "period_end"],
                condition=Q(origin="compiled", scope="mission"),
                name="report_compiled_mission_unique",
            ),
            models.UniqueConstraint(
                fields=["kind", "period_start", "period_end", "sector"],
                condition=Q(origin="compiled", scope="sector"),
                name="report_compiled_sector_unique",
            ),
            # One daily and one weekly report per location and period from the CLAs.
            models.UniqueConstraint(
                fields=["kind", "location", "period_start"],
                condition=Q(origin="written", kind__in=["daily", "weekly"]),
                name="report_written_unique_per_location",
            ),
            # One flash report per alert.
            models.UniqueConstraint(
                fields=["alert"],
                condition=Q(kind="flash", alert__isnull=False),
                name="report_flash_per_alert",
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "status", "period_start"]),
            models.Index(fields=["location", "period_start"]),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        """The title in the active language when the system gave it; as written once edited."""
        given = self.system_title if isinstance(self.system_title, dict) else {}
        if given.get("text") == self.title:
            return title_text(given.get("code"), given.get("params")) or self.title
        return self.title

    def set_system_title(self, code: str, **params: Any) -> None:
        """Give the report a title of TITLES (its text in the report language)."""
        self.system_title = system_title(code, **params)
        self.title = self.system_title["text"]


def _flash_title(params: Mapping[str, Any]) -> str:
    return gettext("Flash report: %(category)s at %(location)s (%(reference)s)") % {
        "category": localized(params["category"]),
        "location": params["location"],
        "reference": params["reference"],
    }


def _period_title(params: Mapping[str, Any]) -> str:
    label = Report.Kind(params["kind"]).label
    if params["start"] == params["end"]:
        return f"{label} - {params['scope']} - {params['start']}"
    return f"{label} - {params['scope']} - {params['start']} / {params['end']}"


def _assessment_title(params: Mapping[str, Any]) -> str:
    return gettext("Joint CAS-Force assessment %(year)s") % {"year": params["year"]}


# The titles the system gives, by code. Parameters are stored as given: names of places as
# they are, a threat category in every language ({"en": ..., "fr": ...}), dates in ISO form.
TITLES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    # An Immediate or Extreme alert's flash report: category, location, reference.
    "flash": _flash_title,
    # A report of a period: kind (Report.Kind), scope (mission, sector or location name),
    # start and end.
    "period": _period_title,
    # The annual joint assessment: year.
    "assessment": _assessment_title,
}


def system_title(code: str, **params: Any) -> dict[str, Any]:
    """What Report.system_title stores for a title of TITLES: its code, its parameters and
    its text in the report language (what `title` holds)."""
    with translation.override(settings.REPORT_LANGUAGE):
        text = title_text(code, params)
    if not text:
        raise ValueError(f"Title {code!r} cannot be made of {params!r}")
    return {"code": code, "params": params, "text": text[:TITLE_LENGTH]}


def title_text(code: object, params: object) -> str:
    """A title of TITLES in the active language; "" when the stored code or its parameters
    do not fit (the caller shows the title as written)."""
    make = TITLES.get(code) if isinstance(code, str) else None
    if make is None or not isinstance(params, Mapping):
        return ""
    try:
        return make(params)
    except (KeyError, TypeError, ValueError):
        return ""


class DistributionList(models.Model):
    """Who receives compiled reports by email."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    emails = models.TextField(_("email addresses"), help_text=_("One address per line."))
    kinds = models.JSONField(_("report kinds"), default=list, blank=True)
    sector = models.ForeignKey(
        "clas.Sector",
        verbose_name=_("sector"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("Empty: mission-wide reports."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("distribution list")
        verbose_name_plural = _("distribution lists")

    def __str__(self) -> str:
        return self.name

    @property
    def addresses(self) -> list[str]:
        return [line.strip() for line in self.emails.splitlines() if line.strip()]


class Assessment(models.Model):
    """The annual joint Civil Affairs and Force assessment of how CLAs and uniformed
    personnel work together."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")  # CLAs and officers can answer
        CLOSED = "closed", _("Closed")  # answers are final; the analysis can be compiled

    year = models.PositiveIntegerField(_("year"), unique=True)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    report = models.OneToOneField(
        Report,
        verbose_name=_("analytical report"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assessment",
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = _("joint assessment")
        verbose_name_plural = _("joint assessments")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")), name="assessment_dates_ordered"
            )
        ]

    def __str__(self) -> str:
        return str(_("Joint CAS-Force assessment %(year)s") % {"year": self.year})


class AssessmentResponse(models.Model):
    """One person's answers to the joint assessment questionnaire."""

    class RespondentKind(models.TextChoices):
        CLA = "cla", _("Community Liaison Assistant")
        FORCE = "force", _("Force officer")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="responses")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessment_responses"
    )
    respondent_kind = models.CharField(
        _("respondent"), max_length=10, choices=RespondentKind.choices
    )
    location = models.ForeignKey(
        "clas.Location",
        verbose_name=_("location"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    # Question code -> score 1..5, or free text for open questions.
    answers = models.JSONField(_("answers"), default=dict)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now=True)

    class Meta:
        verbose_name = _("assessment response")
        verbose_name_plural = _("assessment responses")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "respondent"], name="assessment_one_response_each"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment} - {self.respondent}"


# The digests that are compiled (a written report is written, never compiled).
COMPILED_KIND_CHOICES = [
    (kind.value, kind.label) for kind in (Report.Kind.DAILY, Report.Kind.WEEKLY, Report.Kind.FLASH)
]


class CompileRequest(models.Model):
    """A digest someone asked to have compiled now, outside the schedule, and how far its
    task got. At most one of the same kind, period and scope is waiting or running at once:
    a second ask follows the first (reporting.on_demand.services)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")  # saved; its task is queued
        RUNNING = "running", _("Being compiled")  # a worker is compiling the report
        DONE = "done", _("Ready")  # the report is compiled: `report`
        FAILED = "failed", _("Failed")  # nothing compiled; `error` says why (for admins)

    OPEN_STATUSES = (Status.PENDING, Status.RUNNING)

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="compile_requests",
    )
    kind = models.CharField(
        _("kind"),
        max_length=10,
        choices=COMPILED_KIND_CHOICES,
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    # Empty: the mission-wide digest.
    sector = models.ForeignKey(
        "clas.Sector",
        verbose_name=_("sector"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    # Sent to the distribution lists of its kind and scope once compiled.
    distribute = models.BooleanField(_("send to the distribution lists"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    report = models.ForeignKey(
        Report,
        verbose_name=_("report"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("compilation request")
        verbose_name_plural = _("compilation requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="compile_request_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="compile_request_progress_percent"
            ),
            # The same digest is never compiled twice at once (NULL sectors differ in a
            # unique index, hence the two constraints).
            models.UniqueConstraint(
                fields=["kind", "period_start", "period_end"],
                condition=Q(status__in=["pending", "running"], sector__isnull=True),
                name="compile_request_one_open_mission",
            ),
            models.UniqueConstraint(
                fields=["kind", "period_start", "period_end", "sector"],
                condition=Q(status__in=["pending", "running"], sector__isnull=False),
                name="compile_request_one_open_sector",
            ),
        ]
        indexes = [models.Index(fields=["requested_by", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_start} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES
