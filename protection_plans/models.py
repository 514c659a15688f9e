"""Community Protection Plans: perceived threats, vulnerable groups, measures, versions."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class ProtectionPlan(models.Model):
    """The plan a community wrote with its CLA for one location."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")  # being written with the community
        ACTIVE = "active", _("Active")  # adopted and in force
        UNDER_REVIEW = "under_review", _("Under review")  # the periodic review has started
        ARCHIVED = "archived", _("Archived")  # replaced or no longer relevant

    location = models.OneToOneField(
        "clas.Location",
        verbose_name=_("location"),
        on_delete=models.PROTECT,
        related_name="protection_plan",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    review_cycle_months = models.PositiveSmallIntegerField(
        _("review cycle (months)"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(36)],
    )
    next_review_due = models.DateField(_("next review due"), null=True, blank=True, db_index=True)
    summary = models.TextField(_("summary"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["location__name"]
        verbose_name = _("Community Protection Plan")
        verbose_name_plural = _("Community Protection Plans")

    def __str__(self) -> str:
        return str(_("Protection plan of %(location)s") % {"location": self.location})


# The statuses of a plan in force: adopted, and reviewed periodically.
IN_FORCE = (ProtectionPlan.Status.ACTIVE, ProtectionPlan.Status.UNDER_REVIEW)


class PlanVersion(models.Model):
    """An adopted or reviewed version of a plan, with who took part."""

    plan = models.ForeignKey(ProtectionPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    adopted_on = models.DateField(_("adopted on"))
    notes = models.TextField(_("changes"), blank=True)
    participants_women = models.PositiveIntegerField(_("women taking part"), default=0)
    participants_men = models.PositiveIntegerField(_("men taking part"), default=0)
    authorities_present = models.PositiveIntegerField(_("local authorities taking part"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["plan", "-number"]
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique"),
            models.CheckConstraint(
                condition=Q(participants_women__gte=0)
                & Q(participants_men__gte=0)
                & Q(authorities_present__gte=0),
                name="plan_version_counts_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"


class Threat(models.Model):
    """A threat the community perceives, with its likelihood and impact (1 to 5)."""

    plan = models.ForeignKey(ProtectionPlan, on_delete=models.CASCADE, related_name="threats")
    category = models.ForeignKey(
        "alerts.ThreatCategory",
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.TextField(_("description"), blank=True)
    perpetrators = models.CharField(_("perpetrators"), max_length=200, blank=True)
    likelihood = models.PositiveSmallIntegerField(
        _("likelihood"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    impact = models.PositiveSmallIntegerField(
        _("impact"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    risk = models.GeneratedField(
        expression=F("likelihood") * F("impact"),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
        verbose_name=_("risk"),
    )

    class Meta:
        ordering = ["plan", "-risk"]
        verbose_name = _("perceived threat")
        verbose_name_plural = _("perceived threats")
        constraints = [
            models.CheckConstraint(
                condition=Q(likelihood__gte=1, likelihood__lte=5) & Q(impact__gte=1, impact__lte=5),
                name="threat_scores_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} ({self.plan.location})"


class VulnerableGroup(models.Model):
    """People the plan says are most at risk."""

    class Group(models.TextChoices):
        WOMEN_GIRLS = "women_girls", _("Women and girls")
        CHILDREN = "children", _("Children")
        DISPLACED = "displaced", _("Displaced people")
        ELDERLY = "elderly", _("Elderly people")
        DISABLED = "disabled", _("People with disabilities")
        MINORITY = "minority", _("Minority or herder communities")
        OTHER = "other", _("Other")

    plan = models.ForeignKey(
        ProtectionPlan, on_delete=models.CASCADE, related_name="vulnerable_groups"
    )
    group = models.CharField(_("group"), max_length=20, choices=Group.choices)
    description = models.TextField(_("description"), blank=True)
    estimated_size = models.PositiveIntegerField(_("estimated size"), null=True, blank=True)

    class Meta:
        verbose_name = _("vulnerable group")
        verbose_name_plural = _("vulnerable groups")

    def __str__(self) -> str:
        return self.get_group_display()


class Measure(models.Model):
    """Who does what, by when, to protect people from a threat."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    plan = models.ForeignKey(ProtectionPlan, on_delete=models.CASCADE, related_name="measures")
    threat = models.ForeignKey(
        Threat,
        verbose_name=_("threat"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="measures",
    )
    action = models.TextField(_("what"))
    responsible = models.CharField(_("who"), max_length=200)
    due_on = models.DateField(_("by when"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )

    class Meta:
        ordering = ["plan", "due_on"]
        verbose_name = _("protection measure")
        verbose_name_plural = _("protection measures")

    def __str__(self) -> str:
        return self.action[:60]
