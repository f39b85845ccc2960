"""Pages that combine several apps: the home page for each role, the coordinator's dashboard, the family's case file."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from consents import selectors as consent_selectors
from families import retention as family_retention
from families import selectors as family_selectors
from families.models import Family
from families.selectors import load_family
from homestart.decorators import coordinator_required
from homestart.permissions import can_administer, can_coordinate, is_volunteer
from homestart.selectors import first_rows_and_count
from office import casefile, services
from outcomes import selectors as outcome_selectors
from safeguarding import selectors as safeguarding_selectors
from safeguarding.permissions import is_safeguarding_lead
from volunteers import selectors as volunteer_selectors


@require_http_methods(["GET"])
def home(request: HttpRequest) -> HttpResponse:
    """Send each person to the page their role starts from."""
    user = request.user
    if not user.is_authenticated:
        return redirect("login")
    if can_coordinate(user):
        return redirect("dashboard")
    if is_volunteer(user):
        return redirect("volunteers:home")
    if can_administer(user):
        return redirect("accounts:list")
    raise Http404("No such page")


# Rows of each list on the dashboard; the whole list is on its own page, linked from the section.
DASHBOARD_ROWS = 10


@require_http_methods(["GET"])
@coordinator_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """What needs the coordinator's attention, each list its first rows with a link to the whole on its own page."""
    user = request.user
    referrals, referral_count = first_rows_and_count(family_selectors.referrals_waiting(user), DASHBOARD_ROWS)
    available, available_count = first_rows_and_count(
        volunteer_selectors.volunteers_taking_new_family(user), DASHBOARD_ROWS
    )
    supervision_due = volunteer_selectors.volunteers_due_for_supervision(user)
    return render(
        request,
        "office/dashboard.html",
        {
            "referrals": referrals,
            "referral_count": referral_count,
            "status_counts": family_selectors.caseload_counts(user),
            "available_volunteers": available,
            "available_count": available_count,
            "dbs_due": volunteer_selectors.dbs_renewals_due(user),
            "supervision_due": supervision_due[:DASHBOARD_ROWS],
            "supervision_due_count": len(supervision_due),
            "awaiting_signature": consent_selectors.consents_awaiting_signature(user).order_by("created_at")[
                :DASHBOARD_ROWS
            ],
            "expiring": consent_selectors.consents_expiring(user, within_days=30).order_by("review_on")[
                :DASHBOARD_ROWS
            ],
            "requests_waiting": consent_selectors.requests_waiting_on_families(user).order_by("due_on")[
                :DASHBOARD_ROWS
            ],
            "requests_overdue": consent_selectors.requests_overdue(user).order_by("due_on")[:DASHBOARD_ROWS],
            "safeguarding": safeguarding_selectors.safeguarding_summary(user),
            "is_safeguarding_lead": is_safeguarding_lead(user),
            "retention_due": family_retention.due_this_month_count(user, timezone.localdate()),
            "outcomes_due": outcome_selectors.assessments_due(user),
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET"])
@login_required
@load_family
def family_detail(request: HttpRequest, family: Family) -> HttpResponse:
    """The family's case file: each app's section the reader may see, in the order ``office.casefile`` gives."""
    # Recorded first, so the log reads in order: the case file opened, then each record on it read.
    services.case_file_opened(family=family, reader=request.user)
    reader, sections = casefile.case_file(request.user, family, visits_page=request.GET.get("visits_page"))
    return render(request, "office/family_detail.html", {"family": family, "reader": reader, "sections": sections})
