"""Retention pages: the families due to be anonymised this month, and holding or releasing a family's records."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from families import retention, services
from families.forms import RetentionHoldForm
from families.models import Family
from families.permissions import can_see_retention
from families.selectors import load_family
from homestart import retention as core_retention
from homestart.decorators import coordinator_required
from homestart.exceptions import ActionNotAllowed

GET_POST = require_http_methods(["GET", "POST"])
# Where "Place a hold" goes back to when it was pressed on the list of families due (a fixed choice, not a URL).
FROM_DUE = "due"


@require_http_methods(["GET"])
@coordinator_required
def retention_due(request: HttpRequest) -> HttpResponse:
    """The scheme's families due to be anonymised by the end of this month, and the holds on families' records."""
    user = request.user
    if not can_see_retention(user, user.scheme_id):
        raise Http404("No such page")
    today = timezone.localdate()
    return render(
        request,
        "families/retention_due.html",
        {
            "rows": retention.due_this_month(user, today),
            "holds": retention.holds_in_scheme(user.scheme_id),
            "today": today,
            "family_years": core_retention.period("family_years"),
            "from_due": FROM_DUE,
        },
    )


def _back(request: HttpRequest, family: Family) -> HttpResponse:
    if request.GET.get("from") == FROM_DUE:
        return redirect("families:retention_due")
    return redirect("families:detail", pk=family.pk)


@GET_POST
@coordinator_required
@load_family
def retention_hold(request: HttpRequest, family: Family) -> HttpResponse:
    if not can_see_retention(request.user, family.scheme_id):
        raise Http404("No such page")
    current = retention.open_holds().filter(family=family).select_related("placed_by").first()
    form = RetentionHoldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.retention_hold_place(family=family, reason=form.cleaned_data["reason"], actor=request.user)
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            messages.success(
                request,
                f"The {family.family_name} family's records are on hold. Nothing about the family will be "
                "anonymised until a coordinator lifts the hold.",
            )
            return _back(request, family)
    return render(
        request,
        "families/retention_hold.html",
        {"family": family, "form": form, "current": current, "back_to_due": request.GET.get("from") == FROM_DUE},
    )


@GET_POST
@coordinator_required
@load_family
def retention_hold_lift(request: HttpRequest, family: Family) -> HttpResponse:
    if not can_see_retention(request.user, family.scheme_id):
        raise Http404("No such page")
    current = retention.open_holds().filter(family=family).select_related("placed_by").first()
    if current is None:
        messages.info(request, "The family's records are not on hold.")
        return redirect("families:detail", pk=family.pk)
    error = None
    if request.method == "POST":
        try:
            services.retention_hold_lift(family=family, actor=request.user)
        except ActionNotAllowed as exc:
            error = exc.message
        else:
            messages.success(
                request,
                "The hold is lifted. If the family's records are past their retention date, they will be anonymised "
                "at the next nightly run.",
            )
            return redirect("families:detail", pk=family.pk)
    return render(
        request,
        "families/retention_lift.html",
        {
            "family": family,
            "hold": current,
            "retention": retention.family_retention(request.user, family),
            "today": timezone.localdate(),
            "extra_errors": [error] if error else [],
        },
    )
