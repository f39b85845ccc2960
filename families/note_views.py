"""Private notes beyond the visit form: a note without a visit (a phone message, say) and a correction to a note.

Thin, like every view: load through a selector, validate a form, call one service, redirect.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from families import selectors, services
from families.models import Family
from families.note_forms import NoteCorrectionForm, NoteForm
from families.permissions import can_write_note
from families.selectors import load_family
from homestart.exceptions import ActionNotAllowed

GET_POST = require_http_methods(["GET", "POST"])


def _readers(family: Family) -> str:
    coordinator = family.lead_coordinator
    return f"you and {coordinator}, the family's coordinator," if coordinator else "you and the coordinator"


@GET_POST
@login_required
@load_family
def note_new(request: HttpRequest, family: Family) -> HttpResponse:
    if not can_write_note(request.user, family, is_assigned=selectors.is_assigned(request.user, family)):
        raise Http404("No such page")
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_note_write(family=family, text=form.cleaned_data["text"], actor=request.user)
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            messages.success(
                request,
                f"Note about the {family.family_name} family saved. It is private: only {_readers(family)} can read it.",
            )
            return redirect("families:detail", pk=family.pk)
    return render(request, "families/note_new.html", {"family": family, "form": form})


@GET_POST
@login_required
@load_family
def note_correct(request: HttpRequest, family: Family, note_pk: int) -> HttpResponse:
    note = selectors.get_note_to_correct_or_404(request.user, family, note_pk)
    form = NoteCorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_note_correct(note=note, text=form.cleaned_data["text"], actor=request.user)
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            messages.success(
                request,
                "Correction saved. It shows under your note, which stays as you wrote it. "
                f"It is private: only {_readers(family)} can read it.",
            )
            return redirect("families:detail", pk=family.pk)
    # The page shows the note and its earlier corrections: each read is audited, as on the family's page.
    shown = services.case_notes_shown(family=family, reader=request.user, note_ids=[note.pk])
    original = next((item for item in shown if item.pk == note.pk), None)
    if original is None:  # no longer readable since it was loaded: as if it did not exist
        raise Http404("No such note")
    corrections = [item for item in shown if item.corrects_id == note.pk]
    return render(
        request,
        "families/note_correct.html",
        {"family": family, "form": form, "note": original, "corrections": corrections},
    )
