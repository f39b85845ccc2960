"""Navigation for the signed-in person's role only (a volunteer never sees a coordinator's links)."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from homestart.permissions import can_administer, can_choose_reminders, can_coordinate, is_volunteer
from safeguarding.permissions import is_safeguarding_lead


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The links of the signed-in person's role, in menu order, the one for this page marked current."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(user, "is_verified", lambda: False)():
        return {"nav_items": []}  # nothing to navigate to before the second factor
    if can_coordinate(user):
        items = [
            ("Dashboard", reverse("dashboard")),
            ("Referrals", reverse("families:referrals")),
            ("Families", reverse("families:list")),
            ("Volunteers", reverse("volunteers:list")),
            ("Consents", reverse("consents:overview")),
            ("Register", reverse("consents:register")),
            ("Outcomes", reverse("outcomes:report")),
        ]
        if is_safeguarding_lead(user):
            items.insert(-2, ("Safeguarding", reverse("safeguarding:dashboard")))  # before "Register"
    elif is_volunteer(user):
        items = [("My families", reverse("volunteers:home")), ("Supervision", reverse("volunteers:my_supervision"))]
    elif can_administer(user):
        items = [
            ("Accounts", reverse("accounts:list")),
            ("Consent wordings", reverse("consents:wordings")),
            ("Documents", reverse("documents:list")),
            ("Directory", reverse("families:directory")),
            ("Outcome framework", reverse("outcomes:framework")),
            ("Scheme settings", reverse("scheme_settings")),
        ]
    else:
        items = []
    # The item whose address is the longest prefix of this page is the current one (Referrals, not Families,
    # on /families/referrals/).
    path = request.path
    current = max((url for _, url in items if path.startswith(url)), key=len, default=None)
    return {
        "nav_items": [{"label": label, "url": url, "current": url == current} for label, url in items],
        # The person's own email reminders, beside "Change your password" in the header.
        "reminders_url": reverse("reminder_preferences") if can_choose_reminders(user) else "",
    }
