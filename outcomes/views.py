"""Outcome pages: the framework (administrators), a family's assessments and worksheet, and the scheme report.

Thin: load through a selector (404 for what the person may not see), validate a form, call one service, redirect.
"""

import csv
import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.views.decorators.http import require_http_methods

from consents.register_csv import csv_cell
from families.models import Family
from families.selectors import load_family
from homestart.decorators import administrator_required, coordinator_required, loads
from homestart.exceptions import ActionNotAllowed
from outcomes import pdf, report, selectors, services
from outcomes.forms import AssessmentForm, DraftForm, ReportPeriodForm
from outcomes.models import AssessmentKind, FrameworkVersion
from outcomes.permissions import can_print_worksheet, can_record_assessment

GET = require_http_methods(["GET"])
GET_POST = require_http_methods(["GET", "POST"])

load_version = loads(selectors.get_version_for_manager_or_404)


def _posted(request: HttpRequest) -> Any:
    """The submitted form, even an empty one: an empty POST is answered with messages, not a blank form."""
    return request.POST if request.method == "POST" else None


# --- The framework (administrators) -----------------------------------------------------------------------------


@GET
@administrator_required
def framework(request: HttpRequest) -> HttpResponse:
    versions = selectors.framework_versions(request.user)
    draft = next((version for version in versions if version.is_draft), None)
    published = [version for version in versions if not version.is_draft]
    current = selectors.current_version(request.user.scheme_id) if published else None
    return render(
        request,
        "outcomes/framework.html",
        {"versions": published, "draft": draft, "current": current, "has_any": bool(versions)},
    )


@GET_POST
@administrator_required
def framework_start(request: HttpRequest) -> HttpResponse:
    if selectors.framework_versions(request.user):
        messages.info(request, "The scheme's outcome framework is already set up.")
        return redirect("outcomes:framework")
    error = None
    if request.method == "POST":
        try:
            draft = services.framework_start(scheme=request.user.scheme, actor=request.user)
        except ActionNotAllowed as exc:
            error = exc.message
        else:
            messages.success(
                request,
                "The starter framework is ready as a draft. Change its words if you need to, then publish it: "
                "until then nobody can record an assessment.",
            )
            return redirect("outcomes:version_edit", pk=draft.pk)
    return render(request, "outcomes/framework_start.html", {"extra_errors": [error] if error else []})


@GET_POST
@administrator_required
def version_new(request: HttpRequest) -> HttpResponse:
    current = selectors.current_version(request.user.scheme_id)
    error = None
    if request.method == "POST":
        try:
            draft = services.framework_draft_create(scheme=request.user.scheme, actor=request.user)
        except ActionNotAllowed as exc:
            error = exc.message
        else:
            messages.success(
                request, "A new version is drafted as a copy of the current one. Change it, then publish it."
            )
            return redirect("outcomes:version_edit", pk=draft.pk)
    return render(request, "outcomes/version_new.html", {"current": current, "extra_errors": [error] if error else []})


@GET
@administrator_required
@load_version
def version_detail(request: HttpRequest, version: FrameworkVersion) -> HttpResponse:
    return render(request, "outcomes/version_detail.html", {"version": version})


def _published_cannot_change(request: HttpRequest, version: FrameworkVersion) -> HttpResponse:
    messages.info(
        request,
        f"Version {version.number} is published and cannot change: assessments keep the version they were made with. "
        "Start a new version to make a change.",
    )
    return redirect("outcomes:version_detail", pk=version.pk)


@GET_POST
@administrator_required
@load_version
def version_edit(request: HttpRequest, version: FrameworkVersion) -> HttpResponse:
    if not version.is_draft:
        return _published_cannot_change(request, version)
    scale_fixed = selectors.has_published(version.scheme_id)
    form = DraftForm(_posted(request), version=version, scale_fixed=scale_fixed)
    if request.method == "POST" and form.is_valid():
        try:
            services.framework_draft_update(
                version=version,
                areas=form.changes(),
                anchors=form.anchors(),
                review_interval_days=form.cleaned_data["review_interval_days"],
                actor=request.user,
            )
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            messages.success(request, "Draft saved. Nothing changes for anyone until you publish it.")
            return redirect("outcomes:version_edit", pk=version.pk)
    return render(request, "outcomes/version_edit.html", {"version": version, "form": form, "scale_fixed": scale_fixed})


@GET_POST
@administrator_required
@load_version
def version_publish(request: HttpRequest, version: FrameworkVersion) -> HttpResponse:
    if not version.is_draft:
        return _published_cannot_change(request, version)
    error = None
    if request.method == "POST":
        try:
            version = services.framework_version_publish(version=version, actor=request.user)
        except ActionNotAllowed as exc:
            error = exc.message
        else:
            messages.success(
                request,
                f"Version {version.number} is published. New assessments use it from now on; earlier ones keep "
                "the version they were made with.",
            )
            return redirect("outcomes:framework")
    return render(
        request, "outcomes/version_publish.html", {"version": version, "extra_errors": [error] if error else []}
    )


@GET_POST
@administrator_required
@load_version
def version_discard(request: HttpRequest, version: FrameworkVersion) -> HttpResponse:
    if not version.is_draft:
        return _published_cannot_change(request, version)
    error = None
    if request.method == "POST":
        try:
            services.framework_draft_discard(version=version, actor=request.user)
        except ActionNotAllowed as exc:
            error = exc.message
        else:
            messages.success(request, "The draft is discarded. The published versions are as they were.")
            return redirect("outcomes:framework")
    return render(
        request, "outcomes/version_discard.html", {"version": version, "extra_errors": [error] if error else []}
    )


# --- A family's assessments -------------------------------------------------------------------------------------


def _saved_message(family: Family, kind: str, assessed_on: datetime.date) -> str:
    what = {
        AssessmentKind.START: "Start assessment",
        AssessmentKind.REVIEW: "Review",
        AssessmentKind.END: "End assessment",
    }
    text = f"{what[kind]} with the {family.family_name} family on {assessed_on:%-d %B %Y} saved."
    due = selectors.next_due(family, selectors.family_progress(family).assessments)
    if due is not None and due.kind == AssessmentKind.REVIEW:
        text += f" The next review is due on {due.due_on:%-d %B %Y}."
    return text


@GET_POST
@login_required
@load_family
def assessment_new(request: HttpRequest, family: Family) -> HttpResponse:
    assigned = selectors.require_can_see(request.user, family)
    if not can_record_assessment(request.user, family, is_assigned=assigned):
        raise Http404("No such page")
    version = selectors.current_version(family.scheme_id)
    period = selectors.assessable_period(family)
    kinds = services.allowed_kinds(selectors.period_assessments(period)) if period else []
    context: dict[str, Any] = {"family": family, "version": version, "kinds": kinds, "assigned": assigned}
    if version is None or not kinds:
        return render(request, "outcomes/assessment_new.html", context)
    form = AssessmentForm(
        _posted(request),
        version=version,
        kinds=kinds,
        members=family.members.filter(left_on__isnull=True).order_by("kind", "date_of_birth", "pk"),
        staff=selectors.staff_queryset(family, request.user),
        actor=request.user,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assessment = services.assessment_record(
                family=family,
                kind=data["kind"],
                assessed_on=data["assessed_on"],
                scores=form.scores(),
                members=list(data["members"]),
                staff=list(data["staff"]),
                actor=request.user,
            )
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            messages.success(request, _saved_message(family, assessment.kind, assessment.assessed_on))
            return redirect(reverse("families:detail", args=[family.pk]) + "#progress-heading")
    context["form"] = form
    return render(request, "outcomes/assessment_new.html", context)


@GET
@login_required
@load_family
def assessment_detail(request: HttpRequest, family: Family, assessment_pk: int) -> HttpResponse:
    assessment = selectors.get_assessment_for_user_or_404(request.user, family, assessment_pk)
    services.assessment_read(assessment=assessment, reader=request.user)
    areas: list[tuple[Any, list[Any]]] = []
    for score in assessment.scores.all():
        if not areas or areas[-1][0].pk != score.need.area_id:
            areas.append((score.need.area, []))
        areas[-1][1].append(score)
    anchors = {point.value: point.anchor for point in assessment.version.scale_points.all()}
    return render(
        request,
        "outcomes/assessment_detail.html",
        {
            "family": family,
            "assessment": assessment,
            "areas": areas,
            "anchors": anchors,
            "top": max(anchors, default=5),
        },
    )


@GET
@login_required
@load_family
def worksheet(request: HttpRequest, family: Family) -> HttpResponse:
    assigned = selectors.require_can_see(request.user, family)
    if not can_print_worksheet(request.user, family, is_assigned=assigned):
        raise Http404("No such page")
    try:
        document = services.worksheet_print(family=family, actor=request.user)
    except ActionNotAllowed as exc:
        messages.error(request, exc.message)
        return redirect("families:detail", pk=family.pk)
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"worksheet-{family.reference}.pdf")
    return response


# --- The scheme report (coordinators) ----------------------------------------------------------------------------


@GET
@coordinator_required
def scheme_report(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    if "first_month" in request.GET or "last_month" in request.GET:
        form = ReportPeriodForm(request.GET, today=today)
    else:
        default = report.ReportPeriod.last_twelve_months(today)
        form = ReportPeriodForm(
            {"first_month": f"{default.first_month:%Y-%m}", "last_month": f"{default.last_month:%Y-%m}"}, today=today
        )
    context: dict[str, Any] = {"form": form, "rules": report.RULES}
    if form.is_valid():
        period = form.period()
        scheme = request.user.scheme
        figures = report.scheme_report(scheme, period)
        context.update(
            report=figures,
            download_query=urlencode(
                {"first_month": f"{period.first_month:%Y-%m}", "last_month": f"{period.last_month:%Y-%m}"}
            ),
        )
        fmt = request.GET.get("format")
        if fmt in ("csv", "pdf"):
            services.report_exported(
                scheme=scheme, first_month=period.first_month, last_month=period.last_month, fmt=fmt, actor=request.user
            )
            filename = f"outcomes-{scheme.code.lower()}-{period.first_month:%Y-%m}-to-{period.last_month:%Y-%m}"
            if fmt == "csv":
                return _report_csv(figures, f"{filename}.csv")
            response = HttpResponse(pdf.report_pdf(figures), content_type="application/pdf")
            response["Content-Disposition"] = content_disposition_header(True, f"{filename}.pdf")
            return response
    return render(request, "outcomes/report.html", context)


def _report_csv(figures: report.Report, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response.write("\ufeff")  # so spreadsheet programs read the file as UTF-8
    writer = csv.writer(response)
    writer.writerow([csv_cell(figures.scheme.name), "Outcome report"])
    writer.writerow(["Period", figures.period.label])
    writer.writerow(["Families assessed", figures.assessed])
    if figures.measured is not None:
        writer.writerow(["Families assessed twice or more (change measured)", figures.measured])
    writer.writerow([])
    if figures.areas:
        writer.writerow(["Area", "Compared with their first assessment", "Families"])
        for area in figures.areas:
            for group in area.groups:
                writer.writerow([csv_cell(area.title), group.label, group.figure])
        writer.writerow([])
    for rule in figures.rules:
        writer.writerow(["Note", rule])
    return response
