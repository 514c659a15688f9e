"""The notifications page: what happened to the alerts the user follows, newest first."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alerts.views import mission_time
from core.pages import PAGE_SIZE
from notifications import services
from notifications.selectors import has_notifications, notification_list


@login_required
@mission_time
def notification_list_view(request: HttpRequest) -> HttpResponse:
    if not has_notifications(request.user):
        raise PermissionDenied
    qs = notification_list(user=request.user)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/notification_list.html",
        {"page_obj": page, "rows": page.object_list},
    )


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    services.notification_mark_read(user=request.user, notification_id=pk)
    return redirect(_back(request))


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All notifications marked as read."))
    return redirect(_back(request))


def _back(request: HttpRequest) -> str:
    page = request.POST.get("page", "")
    suffix = f"?page={page}" if page.isdigit() else ""
    return f"{redirect('notifications:list').url}{suffix}"
