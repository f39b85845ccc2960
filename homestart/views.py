"""Sign-in, the home page for each role, the coordinator's dashboard and the health check."""

from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from consents import selectors as consent_selectors
from families import selectors as family_selectors
from homestart.decorators import coordinator_required
from homestart.permissions import can_administer, can_coordinate, is_volunteer
from safeguarding import selectors as safeguarding_selectors
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


@require_http_methods(["GET"])
@coordinator_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    referrals = family_selectors.referrals_waiting(user)
    return render(
        request,
        "homestart/dashboard.html",
        {
            "referrals": referrals[:10],
            "referral_count": referrals.count(),
            "status_counts": family_selectors.caseload_counts(user),
            "volunteers": volunteer_selectors.volunteer_records(user),
            "dbs_due": volunteer_selectors.dbs_renewals_due(user),
            "supervision_due": volunteer_selectors.volunteers_due_for_supervision(user),
            "awaiting_signature": consent_selectors.consents_awaiting_signature(user).order_by("created_at")[:10],
            "expiring": consent_selectors.consents_expiring(user, within_days=30).order_by("review_on")[:10],
            "requests_waiting": consent_selectors.requests_waiting_on_families(user).order_by("due_on")[:10],
            "requests_overdue": consent_selectors.requests_overdue(user).order_by("due_on")[:10],
            "safeguarding": safeguarding_selectors.safeguarding_summary(user),
            "today": timezone.localdate(),
        },
    )


@never_cache
@require_http_methods(["GET", "HEAD"])
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, 503 when it does not. Says nothing else about the system."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
