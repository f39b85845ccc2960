"""Who has seen a family's records (for its coordinators and the scheme's safeguarding leads), and which families a
person opened (for the safeguarding leads): pages over the audit log. Reading either is itself audited."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from families.models import Family
from families.selectors import load_family
from homestart.audit import event_label
from office import access, services
from office.forms import FamilyAccessFilterForm, PersonAccessForm
from office.permissions import can_see_access_by_person, can_see_records_about


@require_http_methods(["GET"])
@login_required
@load_family
def family_access(request: HttpRequest, family: Family) -> HttpResponse:
    """Every read and disclosure of the family's records, newest first, 50 a page, for everyone or one person."""
    user = request.user
    if not can_see_records_about(user, family):
        raise Http404("No such page")
    form = FamilyAccessFilterForm(
        request.GET if "person" in request.GET else None, people=access.people_in_family_access(family)
    )
    person = form.chosen_person()
    page = Paginator(
        access.family_access_entries(family, person_id=person.pk if person else None), access.ENTRIES_PER_PAGE
    ).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    # Recorded once the page's rows are read, so the count and the rows agree; the next visit lists this one.
    services.family_access_read(family=family, reader=user, page=page.number, person=person)
    for entry in page.object_list:
        entry.label = event_label(entry.event)
    return render(
        request,
        "office/family_access.html",
        {
            "family": family,
            "form": form,
            "person": person,
            "page": page,
            "query_string": urlencode({"person": person.pk} if person else {}),
            "can_see_by_person": can_see_access_by_person(user),
        },
    )


@require_http_methods(["GET"])
@login_required
def person_access(request: HttpRequest) -> HttpResponse:
    """For a safeguarding lead: the families one person of the scheme opened or whose records they read in a
    period, with how many reads and the first and last time, most recently seen first, 50 a page."""
    user = request.user
    if not can_see_access_by_person(user):
        raise Http404("No such page")
    people = access.people_in_scheme(user.scheme_id)
    since, until = access.default_period()
    form = PersonAccessForm(
        request.GET if "person" in request.GET else None,
        people=people,
        initial={"date_from": since, "date_to": until},
    )
    context: dict[str, Any] = {"form": form, "since": since, "until": until, "searched": False}
    if form.is_bound and form.is_valid():
        person = form.cleaned_data["person"]
        since, until = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        rows = access.families_seen_by(person, scheme_id=user.scheme_id, since=since, until=until)
        page = Paginator(rows, access.FAMILIES_PER_PAGE).get_page(request.GET.get("page"))
        page.object_list = access.families_opened(list(page.object_list), scheme_id=user.scheme_id)
        # The period shown in the boxes is the one used, also when it was left to the default.
        form.data = form.data.copy()
        form.data["date_from"], form.data["date_to"] = since.isoformat(), until.isoformat()
        services.person_access_read(person=person, reader=user, since=since, until=until, page=page.number)
        context.update(
            searched=True,
            person=person,
            since=since,
            until=until,
            page=page,
            query_string=urlencode({"person": person.pk, "date_from": since.isoformat(), "date_to": until.isoformat()}),
        )
    return render(request, "office/person_access.html", context)
