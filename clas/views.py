"""Pages of people and places. Each starts from the selector its API twin uses."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django_filters import FilterSet

from clas import selectors
from clas.filters import (
    CLAFilter,
    DeploymentFilter,
    LocationFilter,
    NetworkFilter,
    SectorFilter,
    TrainingFilter,
)
from protection_plans.selectors import plan_list

PAGE_SIZE = 50


def render_list_page(
    request: HttpRequest,
    template: str,
    *,
    queryset: QuerySet,
    filterset_class: type[FilterSet],
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """A filtered, paginated list. Invalid filter values show form errors and no rows."""
    filterset = filterset_class(request.GET or None, queryset=queryset, request=request)
    rows = filterset.qs if not filterset.is_bound or filterset.is_valid() else queryset.none()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        template,
        {"filter": filterset, "page_obj": page, "rows": page.object_list, **(context or {})},
    )


@login_required
def sector_list(request: HttpRequest) -> HttpResponse:
    return render_list_page(
        request,
        "clas/sector_list.html",
        queryset=selectors.sector_list(user=request.user),
        filterset_class=SectorFilter,
    )


@login_required
def sector_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sector = get_object_or_404(selectors.sector_list(user=request.user), pk=pk)
    locations = selectors.location_list(user=request.user).filter(sector=sector)
    return render(request, "clas/sector_detail.html", {"sector": sector, "locations": locations})


@login_required
def location_list(request: HttpRequest) -> HttpResponse:
    return render_list_page(
        request,
        "clas/location_list.html",
        queryset=selectors.location_list(user=request.user),
        filterset_class=LocationFilter,
    )


@login_required
def location_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    location = get_object_or_404(selectors.location_list(user=user), pk=pk)
    context = {
        "location": location,
        "covered_locations": selectors.location_list(user=user)
        .filter(field_office=location)
        .exclude(pk=location.pk),
        "deployments": selectors.deployment_list(user=user).filter(
            location=location, end_date__isnull=True
        ),
        "networks": selectors.network_list(user=user).filter(location=location),
        "plan": plan_list(user=user).filter(location=location).first(),
    }
    return render(request, "clas/location_detail.html", context)


@login_required
def cla_list(request: HttpRequest) -> HttpResponse:
    return render_list_page(
        request,
        "clas/cla_list.html",
        queryset=selectors.with_open_deployment(selectors.cla_list(user=request.user)),
        filterset_class=CLAFilter,
    )


@login_required
def cla_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    cla = get_object_or_404(selectors.with_open_deployment(selectors.cla_list(user=user)), pk=pk)
    context = {
        "cla": cla,
        "deployments": selectors.deployment_list(user=user).filter(cla=cla),
        "trainings": selectors.training_list(user=user).filter(participants=cla),
    }
    return render(request, "clas/cla_detail.html", context)


@login_required
def deployment_list(request: HttpRequest) -> HttpResponse:
    return render_list_page(
        request,
        "clas/deployment_list.html",
        queryset=selectors.deployment_list(user=request.user),
        filterset_class=DeploymentFilter,
    )


@login_required
def deployment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    deployment = get_object_or_404(selectors.deployment_list(user=request.user), pk=pk)
    return render(request, "clas/deployment_detail.html", {"deployment": deployment})


@login_required
def network_list(request: HttpRequest) -> HttpResponse:
    return render_list_page(
        request,
        "clas/network_list.html",
        queryset=selectors.network_list(user=request.user),
        filterset_class=NetworkFilter,
    )


@login_required
def network_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    network = get_object_or_404(selectors.network_list(user=user), pk=pk)
    show_focal_points = selectors.can_see_focal_points(user)
    context = {
        "network": network,
        "show_focal_points": show_focal_points,
        "focal_points": selectors.focal_point_list(user=user).filter(network=network)
        if show_focal_points
        else [],
        "plan": plan_list(user=user).filter(location=network.location_id).first(),
    }
    return render(request, "clas/network_detail.html", context)


@login_required
def training_list(request: HttpRequest) -> HttpResponse:
    return render_list_page(
        request,
        "clas/training_list.html",
        queryset=selectors.with_participant_count(selectors.training_list(user=request.user)),
        filterset_class=TrainingFilter,
    )


@login_required
def training_detail(request: HttpRequest, pk: int) -> HttpResponse:
    qs = selectors.training_list(user=request.user).prefetch_related("participants__user")
    training = get_object_or_404(qs, pk=pk)
    return render(request, "clas/training_detail.html", {"training": training})
