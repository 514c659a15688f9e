"""The copy of the alert form a phone keeps for when there is no link (the service worker).

Every form page carries its version: a digest of the page without what changes from one
rendering to the next (the masked CSRF tokens, the form's client key), and of the CSRF secret
it was made for, so a new login or another user is another copy. The service worker asks for
the form with the version of its copy; when the server would send the same page, it answers
204 with no body and the worker shows its copy: a few hundred bytes of headers on a slow link
instead of the whole form. Only the service worker sends the header: a browser with no script
always gets the whole page (and a fresh client key)."""

from __future__ import annotations

import hashlib
import re

from django.http import HttpRequest, HttpResponse

HEADER = "X-Kept-Copy"
# Where the page carries its version, empty while the version is computed.
SLOT = b'data-kept-copy=""'
_CHANGES_EVERY_TIME = re.compile(rb'(name="(?:csrfmiddlewaretoken|client_key)" value=")[^"]*"')


def version_of(request: HttpRequest, content: bytes) -> str:
    digest = hashlib.sha256(_CHANGES_EVERY_TIME.sub(rb'\1"', content))
    digest.update(b"\0" + request.META.get("CSRF_COOKIE", "").encode())
    return digest.hexdigest()[:32]


def answer(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """The form page with its version, or 204 when the worker's copy is this very page."""
    version = version_of(request, response.content)
    if request.headers.get(HEADER) == version:
        unchanged = HttpResponse(status=204)
        unchanged[HEADER] = version
        return unchanged
    response.content = response.content.replace(SLOT, f'data-kept-copy="{version}"'.encode(), 1)
    response[HEADER] = version
    return response
