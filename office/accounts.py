"""The administrator's deactivation page: on the top floor because a leaving coordinator's families are handed over
on it (core's account and the families' coordinators, in one transaction). Its name stays ``accounts:deactivate``."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from families.selectors import families_led_by
from homestart.decorators import administrator_required
from homestart.exceptions import ActionNotAllowed
from homestart.selectors import active_coordinators, get_account_for_administrator_or_404
from office import services
from office.forms import HandoverForm


@require_http_methods(["GET", "POST"])
@administrator_required
def account_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """Deactivate an account; a coordinator's families are handed over first, one by one or all to one."""
    account = get_account_for_administrator_or_404(request.user, pk)
    families = list(families_led_by(account))
    coordinators = active_coordinators(account.scheme_id).exclude(pk=account.pk)
    data = request.POST if request.method == "POST" else None
    form = HandoverForm(data, families=families, coordinators=coordinators) if families else None
    error = ""
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            services.user_deactivate_with_handover(
                user=account, handover=form.chosen() if form else {}, actor=request.user
            )
        except ActionNotAllowed as exc:
            if form is None:
                error = exc.message
            else:
                form.add_service_error(exc.message)
        else:
            moved = ""
            if len(families) == 1:
                moved = " The family they led has a new coordinator."
            elif families:
                moved = f" The {len(families)} families they led have new coordinators."
            messages.success(request, f"{account}'s account is deactivated. They can no longer sign in.{moved}")
            return redirect("accounts:list")
    return render(
        request,
        "office/account_deactivate.html",
        {
            "account": account,
            "families": families,
            "form": form,
            "error": error,
            "has_coordinators": coordinators.exists(),
        },
    )
