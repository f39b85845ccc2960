"""Navigation for the signed-in person's role only (a volunteer never sees a coordinator's links)."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from homestart.permissions import can_administer, can_coordinate, is_volunteer


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    if can_coordinate(user):
        items = [
            ("Dashboard", reverse("dashboard")),
            ("Referrals", reverse("families:referrals")),
            ("Families", reverse("families:list")),
            ("Volunteers", reverse("volunteers:list")),
        ]
    elif is_volunteer(user):
        items = [("My families", reverse("volunteers:home"))]
    elif can_administer(user):
        items = [("Accounts", reverse("accounts:list"))]
    else:
        items = []
    path = request.path
    return {
        "nav_items": [
            {"label": label, "url": url, "current": path == url or (url != "/" and path.startswith(url))}
            for label, url in items
        ]
    }
