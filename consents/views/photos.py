"""Photographs from events: the list, recording one, its page (a photo consent form for each family), the image."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header

from consents import selectors, services
from consents.models import Photo, Purpose
from consents.request_forms import PhotoConsentForm, PhotoForm
from consents.selectors import load_photo
from consents.views._common import GET, GET_POST, PAGE_SIZE, pdf_attachment
from families import selectors as family_selectors
from homestart.decorators import coordinator_required
from homestart.exceptions import ActionNotAllowed


@GET
@coordinator_required
def photo_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.photos(request.user).order_by("-taken_on", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    for photo in page:
        photo.family_count = len(photo.families.all())
        photo.waiting = len(selectors.photo_families_waiting(photo, today))
        photo.usable = selectors.photo_usable(photo, today)
    return render(request, "consents/photos/photo_list.html", {"page": page})


@GET_POST
@coordinator_required
def photo_new(request: HttpRequest) -> HttpResponse:
    form = PhotoForm(
        request.POST or None,
        request.FILES or None,
        families=family_selectors.families_for_user(request.user).order_by("family_name", "reference"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            photo = services.photo_record(
                scheme=request.user.scheme,
                event=data["event"],
                taken_on=data["taken_on"],
                description=data["description"],
                families=list(data["families"]),
                image=data["image"],
                actor=request.user,
            )
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            messages.success(
                request,
                "Photograph recorded. It cannot be used for publicity until every family in it has signed a photo "
                "consent form: print a form for each family below.",
            )
            return redirect("consents:photo_detail", pk=photo.pk)
    return render(request, "consents/photos/photo_new.html", {"form": form})


@GET_POST
@coordinator_required
@load_photo
def photo_detail(request: HttpRequest, photo: Photo) -> HttpResponse:
    """The families in the photo, each with its photo consent; a POST prints the form for one of them (P11)."""
    today = timezone.localdate()
    rows = selectors.photo_consent_rows(photo, today)
    chosen = request.POST.get("family", "") if request.method == "POST" else ""
    extra_errors = []
    if request.method == "POST" and chosen not in {str(row.family.pk) for row in rows}:
        extra_errors.append("Choose a family in this photograph")
    rows_with_forms = []
    for row in rows:
        family = row.family
        bound = request.method == "POST" and chosen == str(family.pk)
        if bound and not row.can_print:
            # Refused before the form is read, as the service would refuse it: the family was already asked.
            extra_errors.append(services.PhotoConsentAlreadyAsked(family).message)
            bound = False
        form = PhotoConsentForm(request.POST if bound else None, adults=family.adults, prefix=f"family-{family.pk}")
        rows_with_forms.append((row, form))
        if bound and form.is_valid():
            try:
                _consent, _letter, document = services.consent_request(
                    family=family,
                    purpose=Purpose.PHOTOGRAPHS,
                    signer=form.cleaned_data["signer"],
                    photos=[photo],
                    categories=[],
                    recipients=[],
                    review_on=form.cleaned_data["review_on"],
                    actor=request.user,
                )
            except ActionNotAllowed as exc:
                form.add_service_error(exc.message)
            else:
                return pdf_attachment(document, f"{family.reference}-photo-consent-form-photo-{photo.pk}.pdf")
    error_form = next((form for _row, form in rows_with_forms if form.errors), None)
    return render(
        request,
        "consents/photos/photo_detail.html",
        {
            "photo": photo,
            "rows": rows_with_forms,
            "usable": selectors.photo_usable(photo, today),
            "waiting": sum(1 for row in rows if not row.covered),
            "form": error_form,
            "extra_errors": extra_errors,
        },
    )


@GET
@coordinator_required
@load_photo
def photo_image(request: HttpRequest, photo: Photo) -> FileResponse:
    """The photograph itself, only through this checked view (it is kept outside the web root)."""
    if not photo.image:
        raise Http404("No image for this photograph")
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError:
        raise Http404("The image file is missing") from None
    content_type = "image/png" if photo.image.name.lower().endswith(".png") else "image/jpeg"
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(False, f"photo-{photo.pk}.{content_type[6:]}")
    response["Cache-Control"] = "no-store, private"
    return response
