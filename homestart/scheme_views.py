"""The scheme's settings, for its administrators: the letterhead every letter prints, and the supervision interval.

Coordinators set the supervision interval on their own page too (volunteers:supervision_interval).
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from homestart import services
from homestart.decorators import administrator_required
from homestart.exceptions import ActionNotAllowed
from homestart.scheme_forms import SchemeSettingsForm

FIELDS = ("name", "address", "phone", "email", "charity_number", "supervision_interval_days")


@require_http_methods(["GET", "POST"])
@administrator_required
def scheme_settings(request: HttpRequest) -> HttpResponse:
    scheme = request.user.scheme
    form = SchemeSettingsForm(request.POST or None, initial={field: getattr(scheme, field) for field in FIELDS})
    if request.method == "POST" and form.is_valid():
        try:
            scheme = services.scheme_settings_update(scheme=scheme, actor=request.user, **form.cleaned_data)
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            messages.success(
                request,
                "The scheme's settings are saved. Letters printed from now on carry the new letterhead; "
                "letters already printed keep theirs.",
            )
            return redirect("scheme_settings")
    return render(request, "homestart/scheme_settings.html", {"form": form, "scheme": scheme})
