"""Consent wordings: every version, for administrators (who publish them) and coordinators (who read them)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from consents import selectors, services
from consents.models import ConsentWording, Purpose
from consents.permissions import can_publish_wordings, can_read_wordings
from consents.request_forms import WordingForm
from consents.views._common import GET, GET_POST
from homestart.decorators import administrator_required, rule_required
from homestart.exceptions import ActionNotAllowed


@GET
@rule_required(can_read_wordings)
def wording_list(request: HttpRequest) -> HttpResponse:
    versions = selectors.wording_versions(request.user)
    by_purpose: dict[str, list[ConsentWording]] = {purpose: [] for purpose in Purpose.values}
    for wording in versions:
        by_purpose[wording.purpose].append(wording)
    return render(
        request,
        "consents/wordings/wording_list.html",
        {
            "purposes": [(Purpose(purpose), rows) for purpose, rows in by_purpose.items()],
            "can_publish": can_publish_wordings(request.user, request.user.scheme_id),
        },
    )


@GET_POST
@administrator_required
def wording_new(request: HttpRequest) -> HttpResponse:
    """Publish a new version in two steps: write it, then check it and confirm (a version cannot be taken back)."""
    scheme = request.user.scheme
    if request.method == "POST":
        form = WordingForm(request.POST)
    else:
        purpose = request.GET.get("purpose", "")
        current = selectors.latest_wording(scheme.pk, purpose)
        initial = {"purpose": purpose} if purpose in Purpose.values else {}
        if current is not None:
            initial.update(title=current.title, body=current.body)
        form = WordingForm(initial=initial)
    confirming = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("confirm") == "publish":
            try:
                wording = services.wording_publish(
                    scheme=scheme, purpose=data["purpose"], title=data["title"], body=data["body"], actor=request.user
                )
            except ActionNotAllowed as exc:
                form.add_service_error(exc.message)
            else:
                messages.success(
                    request,
                    f"Version {wording.version} of “{wording.get_purpose_display()}” is published. New letters use "
                    "it from now on; consents already asked for or signed keep the version the family saw.",
                )
                return redirect("consents:wordings")
        else:
            confirming = request.POST.get("confirm") != "change"
    latest, purpose_label = None, ""
    if form.is_bound and form.is_valid():
        purpose = form.cleaned_data["purpose"]
        latest = selectors.latest_wording(scheme.pk, purpose)
        purpose_label = Purpose(purpose).label
    return render(
        request,
        "consents/wordings/wording_new.html",
        {
            "form": form,
            "confirming": confirming and not form.errors,
            "next_version": (latest.version + 1) if latest else 1,
            "latest": latest,
            "purpose_label": purpose_label,
        },
    )
