"""View decorators. A person without the role gets 404: pages they may not use do not exist for them."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from homestart.permissions import can_administer, can_coordinate, is_volunteer


def _role_required(rule: Callable[[Any], bool]) -> Callable:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not rule(request.user):
                raise Http404("No such page")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


coordinator_required = _role_required(can_coordinate)
volunteer_required = _role_required(is_volunteer)
administrator_required = _role_required(can_administer)
