"""Request-wide security rules: session lifetime, the second factor, and no caching of anything personal."""

from collections.abc import Callable

from auditlog.middleware import AuditlogMiddleware
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode

SIGNED_IN_AT = "homestart_signed_in_at"
AUTHENTICATED_AT = "homestart_authenticated_at"
RENEWED_AT = "homestart_renewed_at"

# Routes a signed-in person may use before giving the second factor (and that anonymous visitors may use).
OPEN_BEFORE_SECOND_FACTOR = {
    "login",
    "logout",
    "healthz",
    "two_factor:setup",
    "two_factor:qr",
    "two_factor:verify",
    # A scheme's public documents page and its downloads: open to anyone (documents.views), so to this session too.
    "scheme_documents",
    "scheme_document_download",
    # Resetting a forgotten password by email: open to anonymous visitors, so to a half-signed-in session too.
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}


def client_ip(request: HttpRequest) -> str | None:
    """The address of the person's device, as far as it can be trusted.

    Behind TRUSTED_PROXY_COUNT proxies, the address the nearest trusted proxy saw (counted from the right of
    X-Forwarded-For, which a client can prepend to but not append to); with no proxy, the connection's address.
    Lockouts (django-axes) and the audit log both use this, so neither can be steered by a forged header.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


class AuditMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware (actor and address on every entry), with the address from ``client_ip``.

    The value it leaves behind after a request is ignored by ``homestart.audit._context``.
    """

    @staticmethod
    def _get_remote_addr(request: HttpRequest) -> str | None:
        return client_ip(request)

    @staticmethod
    def _get_remote_port(request: HttpRequest) -> int | None:
        return None


class NoStoreMiddleware:
    """Every page the application renders is marked no-store: nothing personal stays in a browser or proxy cache.

    Static files are answered earlier, by WhiteNoise, and keep their long cache lifetimes.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response


class SessionLifetimeMiddleware:
    """Sign a person out 12 hours after they signed in, however active they have been; and keep the idle limit (the
    session's age, ``SESSION_COOKIE_AGE``) running from their last request.

    The session is renewed (written, with a new expiry) at most once per ``SESSION_RENEW_EVERY`` rather than on
    every request: a page does not pay for an UPDATE of its session when nothing in it changed. The idle limit is
    then kept to within that interval: a person idle for the whole limit is always signed out, one active a moment
    ago never is, and one whose last request came just after a renewal may be signed out up to that interval early.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            signed_in_at = request.session.get(SIGNED_IN_AT)
            limit = settings.SESSION_ABSOLUTE_LIFETIME.total_seconds()
            if signed_in_at is None or timezone.now().timestamp() - signed_in_at > limit:
                logout(request)
                messages.info(request, "You were signed out because you signed in more than 12 hours ago.")
                return redirect(f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")
        response = self.get_response(request)
        self._renew(request)
        return response

    @staticmethod
    def _renew(request: HttpRequest) -> None:
        session = request.session
        if session.modified or session.is_empty():
            return  # saved anyway (with a new expiry), or nothing to keep alive (signed out, anonymous)
        now = timezone.now().timestamp()
        if now - session.get(RENEWED_AT, 0) >= settings.SESSION_RENEW_EVERY.total_seconds():
            session[RENEWED_AT] = now


class TwoFactorRequiredMiddleware:
    """A session that has given only the password may set up or give the second factor, and nothing else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not user.is_verified():
            try:
                view_name = resolve(request.path_info).view_name
            except Resolver404:
                view_name = None
            if view_name not in OPEN_BEFORE_SECOND_FACTOR:
                return redirect(f"{reverse('two_factor:verify')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
