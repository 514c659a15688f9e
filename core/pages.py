"""Helpers of the pages every app shares: filtered lists and choices from the user's scope."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_filters import FilterSet

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


def scoped_choices(
    selector: Callable[..., QuerySet], model: type[Model]
) -> Callable[[HttpRequest | None], QuerySet]:
    """The choices of a filter: the selector's rows for the requesting user, none without one."""

    def choices(request: HttpRequest | None) -> QuerySet:
        if request is None or not request.user.is_authenticated:
            return model.objects.none()
        return selector(user=request.user)

    return choices
