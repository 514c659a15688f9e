"""Pages of the exports: ask for one from the alert list, follow it, download it."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode
from uuid import UUID

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods, require_safe

from alerts.filters import AlertFilter
from alerts.models import Alert, ThreatCategory
from core.exceptions import DomainError
from core.pages import PAGE_SIZE
from exchange import services
from exchange.forms import ExportForm
from exchange.models import Export
from exchange.permissions import may_export_alerts
from exchange.selectors import export_list


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def export_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not may_export_alerts(user):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else request.GET
    filters = services.filters_in(data)
    form = ExportForm(request.POST or None)
    filter_errors: dict[str, list[str]] = {}
    status = 200
    count = None
    try:
        filters = services.export_filters_clean(user=user, params=filters)
        count = services.export_queryset(user=user, filters=filters).count()
    except ValidationError as exc:
        filter_errors = exc.message_dict
        status = 400
    if request.method == "POST" and not filter_errors and form.is_valid():
        try:
            export = services.export_request(
                user=user,
                format=form.cleaned_data["format"],
                params=filters,
                language=get_language() or "en",
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            status = 400
        except DomainError as exc:
            form.add_error(None, exc.message)
            status = exc.status_code
        else:
            return redirect("exchange:export_detail", token=export.token)
    elif request.method == "POST":
        status = 400
    labels = {name: f.label for name, f in AlertFilter.base_filters.items()}
    filter_rows = [] if filter_errors else _described(request, filters, labels)
    return render(
        request,
        "exchange/export_form.html",
        {
            "form": form,
            "filters": filters,
            "filter_rows": filter_rows,
            "filter_errors": [
                (labels.get(name, name), error)
                for name, errors in filter_errors.items()
                for error in errors
            ],
            "count": count,
            "list_query": urlencode(filters),
        },
        status=status,
    )


def _described(
    request: HttpRequest, filters: dict[str, str], labels: dict[str, object]
) -> list[tuple[object, str]]:
    """Each filter as a reader says it: a location's name, a status's label, not their codes."""
    checked = AlertFilter(data=filters, queryset=Alert.objects.none(), request=request)
    checked.is_valid()
    rows = []
    for name, raw in filters.items():
        value = checked.form.cleaned_data.get(name, raw)
        field = checked.form.fields[name]
        if name == "category":
            category = ThreatCategory.objects.filter(
                **({"pk": raw} if raw.isdigit() else {"code": raw})
            ).first()
            shown = category.name if category else raw
        elif getattr(field, "choices", None) and not hasattr(field, "queryset"):
            shown = str(dict(field.choices).get(value, value))
        elif isinstance(value, dt.date):
            shown = value.isoformat()
        else:
            shown = str(value)
        rows.append((labels.get(name, name), shown))
    return rows


@login_required
@require_safe
def export_list_view(request: HttpRequest) -> HttpResponse:
    page = Paginator(export_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "exchange/export_list.html",
        {
            "page_obj": page,
            "rows": page.object_list,
            "may_export": may_export_alerts(request.user),
            "export_keep_days": settings.EXPORT_KEEP_DAYS,
        },
    )


def _own(request: HttpRequest, token: UUID) -> Export:
    return get_object_or_404(export_list(user=request.user), token=token)


@login_required
@require_safe
def export_detail(request: HttpRequest, token: UUID) -> HttpResponse:
    export = _own(request, token)
    return render(request, "exchange/export_detail.html", {"export": export})


@login_required
@require_safe
def export_download(request: HttpRequest, token: UUID) -> FileResponse:
    export = _own(request, token)
    if export.status != Export.Status.DONE:
        raise Http404
    path = services.export_path(export)
    if not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=export.download_name)
