"""Pages of people and places. Each starts from the selector its API twin uses."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from clas import selectors
from clas.filters import (
    CLAFilter,
    DeploymentFilter,
    LocationFilter,
    NetworkFilter,
    SectorFilter,
    TrainingFilter,
)
from clas.permissions import may_manage_deployments, may_see_focal_points
from clas.sections import LOCATION_DETAIL, NETWORK_DETAIL, sections_render
from core.pages import render_list_page


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
        "sections": sections_render(LOCATION_DETAIL, request=request, location_id=location.pk),
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
        "events": selectors.deployment_events(user=user, cla=cla)[:100],
        "may_manage": may_manage_deployments(user),
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
    show_focal_points = may_see_focal_points(user)
    context = {
        "network": network,
        "show_focal_points": show_focal_points,
        "focal_points": selectors.focal_point_list(user=user).filter(network=network)
        if show_focal_points
        else [],
        "sections": sections_render(
            NETWORK_DETAIL, request=request, location_id=network.location_id
        ),
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
