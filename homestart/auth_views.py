"""Signing in and out: password, then the second factor (set up on first sign-in), and re-authentication."""

import io
from base64 import b32encode
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.validators import MaxLengthValidator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from homestart import services
from homestart.exceptions import ActionNotAllowed
from homestart.forms import CodeForm, ReauthenticationForm
from homestart.middleware import AUTHENTICATED_AT
from homestart.models import User
from homestart.permissions import can_reset_two_factor


class SignInForm(AuthenticationForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Django sets the username's length limit only on the widget; enforce it before anything is looked up.
        self.fields["username"].validators.append(MaxLengthValidator(self.fields["username"].max_length))


class SignInView(LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True
    authentication_form = SignInForm


# The method check comes first: LoginView would otherwise redirect a signed-in person before looking at it.
sign_in = require_http_methods(["GET", "POST"])(SignInView.as_view())


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """Sign out here and on every other device."""
    if request.user.is_authenticated:
        services.user_end_all_sessions(user=request.user, actor=request.user)
    logout(request)
    messages.info(request, "You have signed out.")
    return redirect("login")


def _next_url(request: HttpRequest) -> str:
    """Where to go after this step: a path on this site, else the person's home page."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return candidate if safe and candidate.startswith("/") and not candidate.startswith("//") else reverse("home")


def _second_factor_given(request: HttpRequest, device: Any) -> None:
    otp_login(request, device)
    request.session[AUTHENTICATED_AT] = timezone.now().timestamp()


# The key of the authenticator app being set up, kept in the session until a code confirms it: opening the set-up
# page (GET) stores no device, and a reload shows the same key and QR code.
SETUP_KEY = "homestart_two_factor_setup_key"


def _device_being_set_up(request: HttpRequest) -> Any:
    device = services.two_factor_enrolment_start(user=request.user, key=request.session.get(SETUP_KEY, ""))
    request.session[SETUP_KEY] = device.key
    return device


@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """First sign-in: connect an authenticator app by QR code or by typing the key, then confirm with a code."""
    if not request.user.is_authenticated:
        return redirect("login")
    if services.has_two_factor(request.user):
        return redirect("two_factor:verify")
    device = _device_being_set_up(request)
    form = CodeForm(request.POST or None, label="Code from your app")
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.two_factor_enrolment_confirm(
                user=request.user, key=device.key, token=form.cleaned_data["token"]
            )
        except ActionNotAllowed as exc:
            form.add_error("code", exc.message)
            form.clear_codes()
        else:
            _second_factor_given(request, device)
            request.session.pop(SETUP_KEY, None)
            request.session["recovery_codes"] = codes
            return redirect(f"{reverse('two_factor:recovery_codes')}?next={_next_url(request)}")
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return render(
        request,
        "two_factor/setup.html",
        {
            "form": form,
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
            "config_url": device.config_url,
            "next": _next_url(request),
        },
    )


@require_http_methods(["GET"])
@login_required
def two_factor_qr(request: HttpRequest) -> HttpResponse:
    """The QR code of the device being set up, as SVG (only its owner, only before it is confirmed)."""
    if services.has_two_factor(request.user) or not request.session.get(SETUP_KEY):
        raise Http404("No device being set up")
    device = _device_being_set_up(request)
    # A standalone SVG document (with its XML namespace): svg_inline() output does not render in an <img>.
    buffer = io.BytesIO()
    segno.make(device.config_url, error="m").save(
        buffer, kind="svg", scale=5, border=2, dark="#0b0c0c", light="#ffffff"
    )
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """Second step of signing in: a code from the app, or one of the recovery codes."""
    if not request.user.is_authenticated:
        return redirect("login")
    if not services.has_two_factor(request.user):
        return redirect(f"{reverse('two_factor:setup')}?next={_next_url(request)}")
    if request.user.is_verified():
        return HttpResponseRedirect(_next_url(request))
    form = CodeForm(request.POST or None, label="Code", recovery_allowed=True)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.two_factor_verify(user=request.user, token=form.cleaned_data["token"])
        except ActionNotAllowed as exc:
            form.add_error(form.token_field, exc.message)
            form.clear_codes()
        else:
            _second_factor_given(request, device)
            return HttpResponseRedirect(_next_url(request))
    return render(request, "two_factor/verify.html", {"form": form, "next": _next_url(request)})


@require_http_methods(["GET"])
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The ten recovery codes, shown once, straight after setting up the app."""
    codes = request.session.pop("recovery_codes", None)
    return render(request, "two_factor/recovery_codes.html", {"codes": codes, "next": _next_url(request)})


@require_http_methods(["GET", "POST"])
@login_required
def reauthenticate(request: HttpRequest) -> HttpResponse:
    """Before something sensitive (recording a disclosure, downloading a family's records): prove it is you."""
    form = ReauthenticationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        password, code = form.cleaned_data["password"], form.cleaned_data["code"]
        if password and request.user.check_password(password):
            request.session[AUTHENTICATED_AT] = timezone.now().timestamp()
            return HttpResponseRedirect(_next_url(request))
        if code:
            try:
                device = services.two_factor_verify(user=request.user, token=code)
            except ActionNotAllowed as exc:
                form.add_error("code", exc.message)
            else:
                _second_factor_given(request, device)
                return HttpResponseRedirect(_next_url(request))
        else:
            form.add_error("password", "The password is not right")
    return render(request, "two_factor/reauthenticate.html", {"form": form, "next": _next_url(request)})


@require_http_methods(["GET", "POST"])
@login_required
def two_factor_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """Reset a lost device: an administrator for anyone in the scheme, a coordinator for a volunteer."""
    person = User.objects.filter(pk=pk, scheme_id=request.user.scheme_id).first()
    if person is None or not can_reset_two_factor(request.user, person):
        raise Http404("No such person")
    if request.method == "POST":
        services.two_factor_reset(user=person, actor=request.user)
        messages.success(
            request,
            f"{person}'s two-factor sign-in is reset and they are signed out everywhere. "
            "At their next sign-in they will set up their app again.",
        )
        return redirect("home")
    return render(request, "two_factor/reset.html", {"person": person})
