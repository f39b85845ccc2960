"""A person's own email reminders: how often each kind comes (their account, beside changing their password)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from homestart import reminders, services
from homestart.decorators import rule_required
from homestart.exceptions import ActionNotAllowed
from homestart.permissions import can_choose_reminders
from homestart.reminder_forms import ReminderPreferencesForm, field_name


@require_http_methods(["GET", "POST"])
@rule_required(can_choose_reminders)
def reminder_preferences(request: HttpRequest) -> HttpResponse:
    user = request.user
    kinds = reminders.kinds_for(user)
    current = reminders.choices_for(user)
    form = ReminderPreferencesForm(
        request.POST if request.method == "POST" else None,
        kinds=kinds,
        initial={field_name(kind): current[kind.name] for kind in kinds},
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.reminder_preferences_set(user=user, choices=form.choices(), actor=user)
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            messages.success(
                request,
                "Your email reminders are saved. The next ones follow your choices."
                if changed
                else "Nothing changed: your email reminders were already set like this.",
            )
            return redirect("reminder_preferences")
    return render(
        request,
        "homestart/reminder_preferences.html",
        {"form": form, "weekly_day": reminders.weekly_day_name(), "has_email": bool(user.email)},
    )
