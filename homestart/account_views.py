"""The administrator's pages: the scheme's accounts, creating and deactivating them. No case records here."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from homestart import services
from homestart.decorators import administrator_required
from homestart.exceptions import ActionNotAllowed
from homestart.forms import AccountForm
from homestart.models import User


def _get_account_or_404(admin: User, pk: int) -> User:
    try:
        return User.objects.get(pk=pk, scheme_id=admin.scheme_id)
    except User.DoesNotExist:
        raise Http404("No such account") from None


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
def account_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    account = _get_account_or_404(request.user, pk)
    error = ""
    if request.method == "POST":
        try:
            services.user_deactivate(user=account, actor=request.user)
        except ActionNotAllowed as exc:
            error = exc.message
        else:
            messages.success(request, f"{account}'s account is deactivated. They can no longer sign in.")
            return redirect("accounts:list")
    return render(request, "homestart/account_deactivate.html", {"account": account, "error": error})
