"""The dashboard page and the CSV of each of its figures.

The figures come from reporting.dashboard.selectors (the API calls the same selectors) and
are laid out by reporting.dashboard.tables; this module only answers the requests.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from alerts.selectors import queues_without_duty
from clas.models import Role, User
from core.formatting import duration_text
from core.navigation import role_home_url
from reporting.dashboard.forms import DashboardFilterForm
from reporting.dashboard.selectors import (
    DashboardFilters,
    dashboard_figures,
    dashboard_map,
    url_or_empty,
)
from reporting.dashboard.tables import (
    FIGURE_NAMES,
    dashboard_panels,
    dashboard_tables,
    share_text,
    table_csv,
)
from reporting.permissions import may_view_dashboard
from reporting.selectors import mission_tz


def _refuse(request: HttpRequest) -> HttpResponse:
    """CLAs have their own pages: send them there (nobody else is refused)."""
    home = role_home_url(request.user)
    if home and home != request.path:
        return redirect(home)
    raise Http404


def _scope_label(user: User) -> str:
    if user.is_mission_wide:
        return settings.MISSION_NAME
    if user.role == Role.COORDINATOR and user.field_office_id:
        return _("Area of %(office)s") % {"office": user.field_office.name}
    if user.role == Role.FORCE and user.sector_id:
        return str(user.sector)
    return ""


def _query(filters: DashboardFilters) -> str:
    params = {"start": filters.start.isoformat(), "end": filters.end.isoformat()}
    if filters.sector_id:
        params["sector"] = str(filters.sector_id)
    if filters.category_id:
        params["category"] = str(filters.category_id)
    return "&".join(f"{k}={v}" for k, v in params.items())


def _page_context(request: HttpRequest, form: DashboardFilterForm) -> dict[str, Any]:
    user = request.user
    filters = form.filters()
    fig = dashboard_figures(user=user, filters=filters)
    tables = dashboard_tables(fig, dashboard_map(user=user, filters=filters))
    query = _query(filters)
    for name, table in tables.items():
        table.csv_url = f"{reverse('reporting:dashboard_csv', args=[name])}?{query}"
    acknowledge = fig["response_times"]["acknowledge"]
    return {
        "form": form,
        "filters": filters,
        "scope_label": _scope_label(user),
        "fig": fig,
        "tables": tables,
        "panels": dashboard_panels(tables, fig),
        "ack_median": duration_text(acknowledge["median"]),
        "ack_p90": duration_text(acknowledge["p90"]),
        "community_share": share_text(fig["community_informed"]["share"]),
        "community_median": duration_text(fig["community_informed"]["time_to_informed"]["median"]),
        "map_url": f"{reverse('dashboard-map')}?{query}",
        "api_url": f"{reverse('dashboard-figures')}?{query}",
        "verification_url": f"{reverse('reporting:dashboard_verification')}?{query}",
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "bounds": settings.MISSION_BOUNDS,
        "alerts_url": url_or_empty("alerts:alert_list", filters.alert_params()),
        # HQ: the queues with nobody on duty now (alerts.services.rota).
        "uncovered_queues": (
            list(queues_without_duty(user=user, at=timezone.now()))
            if user.is_mission_wide
            else None
        ),
    }


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    if not may_view_dashboard(request.user):
        return _refuse(request)
    with timezone.override(mission_tz()):
        form = DashboardFilterForm(request.GET or None, user=request.user)
        return render(request, "reporting/dashboard.html", _page_context(request, form))


@login_required
def dashboard_csv(request: HttpRequest, figure: str) -> HttpResponse:
    if not may_view_dashboard(request.user):
        return _refuse(request)
    if figure not in FIGURE_NAMES:
        raise Http404
    with timezone.override(mission_tz()):
        filters = DashboardFilterForm(request.GET or None, user=request.user).filters()
        fig = dashboard_figures(user=request.user, filters=filters)
        points = (
            dashboard_map(user=request.user, filters=filters)
            if figure == "alerts_by_location"
            else None
        )
        table = dashboard_tables(fig, points)[figure]
        body = table_csv(table)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    name = f"dashboard-{figure}-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
