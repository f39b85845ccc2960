"""Changing your password, and resetting a forgotten one by email: Django's own views, tokens and checks, with the
product's pages and the writes through ``homestart.services`` (each form's ``save`` calls the service)."""

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_http_methods

from homestart.exceptions import ActionNotAllowed
from homestart.forms import PasswordChangeForm, PasswordResetRequestForm, SetPasswordForm

GET_POST = method_decorator(require_http_methods(["GET", "POST"]), name="dispatch")
GET = method_decorator(require_http_methods(["GET"]), name="dispatch")


class RefusalShownOnForm:
    """A service's refusal (the rate limit, a deactivated account) is shown at the top of the form, like any error."""

    refused_status = 200

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            return super().form_valid(form)  # type: ignore[misc]
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
            response = self.form_invalid(form)  # type: ignore[attr-defined]
            response.status_code = self.refused_status
            return response


@GET_POST
class PasswordChange(RefusalShownOnForm, auth_views.PasswordChangeView):
    """A signed-in person changes their own password; their other sessions end, this one stays signed in."""

    form_class = PasswordChangeForm
    success_url = reverse_lazy("password_change_done")


@GET
class PasswordChangeDone(auth_views.PasswordChangeDoneView):
    pass


@GET_POST
class PasswordReset(RefusalShownOnForm, auth_views.PasswordResetView):
    """Ask for a reset link by email. The next page says the same whether or not an account has the address."""

    form_class = PasswordResetRequestForm
    success_url = reverse_lazy("password_reset_done")
    subject_template_name = "registration/password_reset_subject.txt"
    email_template_name = "registration/password_reset_email.txt"
    refused_status = 429  # too many requests: the only refusal this form has

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "limit": settings.PASSWORD_RESET_LIMIT}


@GET
class PasswordResetDone(auth_views.PasswordResetDoneView):
    pass


@GET_POST
class PasswordResetConfirm(RefusalShownOnForm, auth_views.PasswordResetConfirmView):
    """The page a reset link opens: a new password, twice. The reset signs nobody in (the second factor is still
    asked at sign-in), and the link stops working once used or after PASSWORD_RESET_TIMEOUT."""

    form_class = SetPasswordForm
    success_url = reverse_lazy("password_reset_complete")
    post_reset_login = False


@GET
class PasswordResetComplete(auth_views.PasswordResetCompleteView):
    pass


password_change = PasswordChange.as_view()
password_change_done = PasswordChangeDone.as_view()
password_reset = PasswordReset.as_view()
password_reset_done = PasswordResetDone.as_view()
password_reset_confirm = PasswordResetConfirm.as_view()
password_reset_complete = PasswordResetComplete.as_view()
