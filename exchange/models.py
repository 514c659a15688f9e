"""Exports of the alert list, built by a task in constant memory and kept a few days."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Export(models.Model):
    class Format(models.TextChoices):
        CSV = "csv", _("CSV (spreadsheet)")
        XLSX = "xlsx", _("Excel workbook (XLSX)")
        HXL = "hxl", _("HXL-tagged CSV (humanitarian data exchange)")
        ACLED = "acled", _("ACLED-compatible CSV")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")  # saved; its task is queued
        RUNNING = "running", _("Being built")  # a worker is writing the file
        DONE = "done", _("Ready")  # the file can be downloaded until it expires
        FAILED = "failed", _("Failed")  # nothing to download; the error is logged

    # Not the primary key in URLs: the file's name, hard to guess.
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="exports",
    )
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    # The alert list's filters as given (validated when asked, applied again by the task in the
    # requester's scope) and the language of the headings and labels.
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    rows_total = models.PositiveIntegerField(_("rows to write"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    attempts = models.PositiveSmallIntegerField(default=0)  # builds started (exchange.services)
    file = models.CharField(max_length=200, blank=True)  # under MEDIA_ROOT
    size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [
            models.Index(fields=["requested_by", "-created_at"]),
            models.Index(fields=["status", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_format_display()} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def extension(self) -> str:
        return "xlsx" if self.format == self.Format.XLSX else "csv"

    @property
    def download_name(self) -> str:
        kind = f"-{self.format}" if self.format in (self.Format.HXL, self.Format.ACLED) else ""
        return f"alerts-{self.created_at:%Y%m%d-%H%M}{kind}.{self.extension}"

    @property
    def expires_at(self) -> dt.datetime:
        return self.created_at + dt.timedelta(days=settings.EXPORT_KEEP_DAYS)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)
