"""Sign in and out, the home page that sends each role to its work, and error pages."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import translation

from core.navigation import nav_links, role_home_url


class LoginView(auth_views.LoginView):
    """Django's login view that also switches to the language the user prefers."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        language = form.get_user().language
        if translation.check_for_language(language):
            translation.activate(language)
            _set_language_cookie(response, language)
        return response


def _set_language_cookie(response: HttpResponseBase, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send the user to the work page of their role, or list their pages."""
    target = role_home_url(request.user)
    if target is not None:
        return redirect(target)
    return render(request, "core/home.html", {"links": nav_links(request.user)})
