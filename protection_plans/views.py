"""Pages of Community Protection Plans. Each starts from the selector its API twin uses."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from core.pages import render_list_page
from protection_plans import selectors
from protection_plans.filters import PlanFilter
from protection_plans.selectors import with_review_overdue


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    return render_list_page(
        request,
        "protection_plans/plan_list.html",
        queryset=with_review_overdue(selectors.plan_list(user=request.user)),
        filterset_class=PlanFilter,
    )


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    qs = with_review_overdue(selectors.plan_detail_queryset(user=request.user))
    plan = get_object_or_404(qs, pk=pk)
    threats = {threat.pk: threat for threat in plan.threats.all()}
    measures = [(measure, threats.get(measure.threat_id)) for measure in plan.measures.all()]
    return render(
        request, "protection_plans/plan_detail.html", {"plan": plan, "measures": measures}
    )
