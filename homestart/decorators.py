"""View decorators. A person without the role gets 404: pages they may not use do not exist for them."""

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from homestart.middleware import AUTHENTICATED_AT
from homestart.permissions import can_administer, can_coordinate, is_volunteer


def rule_required(rule: Callable[[Any], bool]) -> Callable:
    """A view decorator: signed in, and ``rule(user)`` holds; anyone else gets 404, as for a page that does not exist."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not rule(request.user):
                raise Http404("No such page")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def recent_authentication_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Ask for the password or a code again unless the person proved it was them in the last 10 minutes.

    For the most sensitive actions: recording a disclosure, downloading a family's records (SECURITY 10). After
    proving it, the person comes back to the page they were on: the page itself for a GET, the page whose button
    they pressed for a POST (a download asked for by a form), where they press it again.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        proved_at = request.session.get(AUTHENTICATED_AT)
        window = settings.RECENT_AUTHENTICATION_WINDOW.total_seconds()
        if proved_at is None or timezone.now().timestamp() - proved_at > window:
            back = request.get_full_path() if request.method == "GET" else _page_of_the_form(request)
            return redirect(f"{reverse('two_factor:reauthenticate')}?{urlencode({'next': back})}")
        return view(request, *args, **kwargs)

    return wrapped


def _page_of_the_form(request: HttpRequest) -> str:
    """The page a POST came from (its Referer, when it is this site's), else the person's home page."""
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}, require_https=False):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return reverse("home")


def loads(loader: Callable[[Any, Any], Any]) -> Callable:
    """A view decorator replacing the ``pk`` argument with the object ``loader(user, pk)`` returns.

    The loader is a selector that raises 404 for anything the user may not open (STYLE rule 2), so the view
    never sees an object it should not.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, pk: Any, *args: Any, **kwargs: Any) -> HttpResponse:
            return view(request, loader(request.user, pk), *args, **kwargs)

        return wrapped

    return decorator


coordinator_required = rule_required(can_coordinate)
volunteer_required = rule_required(is_volunteer)
administrator_required = rule_required(can_administer)
