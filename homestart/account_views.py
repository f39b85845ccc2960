"""The administrator's pages: the scheme's accounts, creating, correcting and reactivating them. No case records
here. Deactivating an account can mean handing a coordinator's families over, so that page is on the top floor
(``office.accounts``), under the same ``accounts`` names."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from homestart import services
from homestart.decorators import administrator_required
from homestart.exceptions import ActionNotAllowed
from homestart.forms import AccountEditForm, AccountForm
from homestart.models import User
from homestart.selectors import get_account_for_administrator_or_404


@require_http_methods(["GET"])
@administrator_required
def account_list(request: HttpRequest) -> HttpResponse:
    accounts = User.objects.filter(scheme_id=request.user.scheme_id).order_by("-is_active", "first_name", "last_name")
    return render(request, "homestart/account_list.html", {"accounts": accounts})


@require_http_methods(["GET", "POST"])
@administrator_required
def account_new(request: HttpRequest) -> HttpResponse:
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.user_create(scheme=request.user.scheme, actor=request.user, **form.cleaned_data)
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            messages.success(request, f"Account created for {account}. They can sign in as “{account.username}”.")
            return redirect("accounts:list")
    return render(request, "homestart/account_new.html", {"form": form})


@require_http_methods(["GET", "POST"])
@administrator_required
def account_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a person's name or email, or change their role or safeguarding-lead flag."""
    account = get_account_for_administrator_or_404(request.user, pk)
    initial = {field: getattr(account, field) for field in AccountEditForm.base_fields}
    form = AccountEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.user_update(user=account, actor=request.user, **form.cleaned_data)
        except ActionNotAllowed as exc:
            form.add_service_error(exc.message)
        else:
            messages.success(request, f"{account}'s account is changed.")
            return redirect("accounts:list")
    return render(request, "homestart/account_edit.html", {"account": account, "form": form})


@require_http_methods(["GET", "POST"])
@administrator_required
def account_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """Let a deactivated person sign in again (after a confirmation page saying what happens)."""
    account = get_account_for_administrator_or_404(request.user, pk)
    error = ""
    if request.method == "POST":
        try:
            services.user_reactivate(user=account, actor=request.user)
        except ActionNotAllowed as exc:
            error = exc.message
        else:
            messages.success(
                request, f"{account}'s account is active again. They sign in with their password and their app."
            )
            return redirect("accounts:list")
    return render(request, "homestart/account_reactivate.html", {"account": account, "error": error})
