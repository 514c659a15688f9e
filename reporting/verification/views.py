"""The page of the Admiralty grades (/dashboard/verification/): how reliable the sources of
each type and of each CLA were judged, and how credible their information. The dashboard's
readers, scope and filters; the figures from reporting.verification.selectors, as the API's.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alerts.models import InformationCredibility, SourceReliability
from reporting.dashboard.forms import DashboardFilterForm
from reporting.dashboard.views import _query, _refuse, _scope_label
from reporting.permissions import may_view_dashboard
from reporting.selectors import mission_tz
from reporting.verification.selectors import verification_distribution

TABLES = (
    ("by_source_type", _("By source type"), _("Source type")),
    ("by_cla", _("By CLA"), _("CLA")),
)


def _columns() -> list[dict[str, str]]:
    """The letters A to F, then the figures 1 to 6, each with its meaning as a title."""
    columns = [
        {"part": "reliability", "key": value, "title": str(label)}
        for value, label in SourceReliability.choices
    ]
    columns += [
        {"part": "credibility", "key": str(value), "title": str(label)}
        for value, label in InformationCredibility.choices
    ]
    return columns


def _cells(row: dict[str, Any], columns: list[dict[str, str]]) -> list[int]:
    return [row[column["part"]][column["key"]] for column in columns]


@login_required
def verification_page(request: HttpRequest) -> HttpResponse:
    if not may_view_dashboard(request.user):
        return _refuse(request)
    with timezone.override(mission_tz()):
        form = DashboardFilterForm(request.GET or None, user=request.user)
        filters = form.filters()
        figures = verification_distribution(user=request.user, filters=filters)
        columns = _columns()
        tables = [
            {
                "name": name,
                "title": title,
                "label": label,
                "rows": [
                    {"label": row["label"], "cells": _cells(row, columns), **row}
                    for row in figures[name]["rows"]
                ],
                "total": {
                    "cells": _cells(figures[name]["total"], columns),
                    **figures[name]["total"],
                },
            }
            for name, title, label in TABLES
        ]
        context = {
            "form": form,
            "filters": filters,
            "scope_label": _scope_label(request.user),
            "columns": columns,
            "tables": tables,
            "api_url": f"{reverse('dashboard-verification')}?{_query(filters)}",
            "dashboard_url": f"{reverse('reporting:dashboard')}?{_query(filters)}",
        }
        return render(request, "reporting/verification.html", context)
