"""Settings for the Home-Start case and consent management system.

Every setting that differs between machines comes from the environment (django-environ). Nothing here is
production-only: the same code paths run in development, in tests and in production.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (for example "
            "`export SECRET_KEY=$(python -c 'import secrets; print(secrets.token_urlsafe(50))')`), "
            "or set DEBUG=true on a development machine to use the development key."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The address people reach this system at, printed on letters (a scheme's public documents page). By default the
# development server with DEBUG, otherwise HTTPS on the first host name in ALLOWED_HOSTS.
_first_host = next((host for host in ALLOWED_HOSTS if host and host != "*" and not host.startswith(".")), "")
PUBLIC_URL = env.str(
    "PUBLIC_URL", default="http://127.0.0.1:8000" if DEBUG else (f"https://{_first_host}" if _first_host else "")
).rstrip("/")
if PUBLIC_URL and not PUBLIC_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(f"PUBLIC_URL must start with https:// (or http://), not {PUBLIC_URL[:40]!r}.")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "guardian",
    "auditlog",
    "pgtrigger",
    "homestart",
    "documents",
    "families",
    "volunteers",
    "consents",
    "safeguarding",
    "outcomes",
    "office",  # the top floor: pages that combine the apps above
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "homestart.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "homestart.middleware.SessionLifetimeMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "homestart.middleware.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "homestart.middleware.AuditMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "homestart.urls"
WSGI_APPLICATION = "homestart.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "office.context_processors.navigation",
            ],
            # After Django's own: its {% url %} and |date, faster for record keys and the formats used.
            "builtins": ["homestart.templating"],
        },
    },
]

# Forms render with the project's templates (templates/_components), so every form looks and behaves alike.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# Each worker keeps its database connection between requests (ADR 0025): a new PostgreSQL connection for every
# request cost about half the server's time under load (bench/README.md, Load). A connection found dead when a
# request starts (the database restarted, the connection ended) is replaced before the request uses it. The
# development server starts a thread per request, so there the connection is closed after each one.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A queryset's iterator() (every ModelChoiceField's options, the register's CSV) reads its rows in one query rather
# than through a PostgreSQL server-side cursor (DECLARE, FETCH, CLOSE: two round trips more, about 0.3 ms a form
# field); what is iterated is a scheme's worth of rows at most. It is also what a transaction-pooling connection
# pooler (PgBouncer) in front of several app servers needs.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "homestart.User"
# django-axes first: it refuses a locked-out username and address before the password is even checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "homestart.backends.UserWithSchemeBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")

# Private files: signed scans and photographs (SECURITY 16; docs/adr/0013-private-file-storage.md). Never served
# directly: a browser gets one only from a permission-checked view that streams it through Django. The models name
# the alias "private" (consents.storage), so this choice is configuration alone and no migration depends on it.
#   PRIVATE_STORAGE=local  a folder outside the web root (PRIVATE_MEDIA_ROOT): for a single app server.
#   PRIVATE_STORAGE=s3     a private bucket of S3-compatible object storage, shared by every app server.
PRIVATE_STORAGE = env.str("PRIVATE_STORAGE", default="local")
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "var" / "private")
if PRIVATE_STORAGE == "local":
    PRIVATE_STORAGE_CONFIG = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    }
elif PRIVATE_STORAGE == "s3":
    _bucket = env.str("AWS_STORAGE_BUCKET_NAME", default="")
    if not _bucket:
        raise ImproperlyConfigured(
            "PRIVATE_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME: the name of a private bucket (no public access) "
            "that only the app servers' credentials can read and write."
        )
    _access_key = env.str("AWS_ACCESS_KEY_ID", default="")
    _secret_key = env.str("AWS_SECRET_ACCESS_KEY", default="")
    if bool(_access_key) != bool(_secret_key):
        raise ImproperlyConfigured(
            "Set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither (to use the machine's own "
            "credentials, for example an instance role)."
        )
    PRIVATE_STORAGE_CONFIG = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _bucket,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,  # empty: Amazon S3 itself
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="") or None,  # "path" for some stores
            "location": env.str("AWS_LOCATION", default=""),  # a key prefix, for a bucket shared with other data
            "access_key": _access_key or None,
            "secret_key": _secret_key or None,
            # Every object private; a signed link would only ever be short-lived, and none is given to a browser.
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 60,
            # A new scan never replaces an old one: a name already taken gets another.
            "file_overwrite": False,
            # A download is read into memory up to 2 MB, beyond that into a temporary file, then streamed.
            "max_memory_size": 2 * 1024 * 1024,
            "object_parameters": {"CacheControl": "private, no-store"},
        },
    }
else:
    raise ImproperlyConfigured(f"PRIVATE_STORAGE must be local or s3, not {PRIVATE_STORAGE!r}.")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    "private": PRIVATE_STORAGE_CONFIG,
}
# A signed scan or photo larger than this is refused with a message (consents.services.scan_check).
SIGNED_SCAN_MAX_BYTES = 10 * 1024 * 1024

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="no-reply@homestart.invalid")
# Reminders (homestart.reminders, `manage.py send_reminders` daily): the address people open the app at, for the
# links in emails (send_reminders refuses to run without it), and the day weekly choices are sent, 0 = Monday.
SITE_URL = env.str("SITE_URL", default="http://localhost:8000" if DEBUG else "")
REMINDERS_WEEKLY_DAY = env.int("REMINDERS_WEEKLY_DAY", default=0)

# Sessions (SECURITY 9): a new key at sign-in (Django), 30 minutes idle (the expiry moves on with every
# request), 12 hours at most from sign-in (homestart.middleware.SessionLifetimeMiddleware).
SESSION_COOKIE_AGE = 30 * 60
# The idle limit runs from the last request: the session is renewed by homestart.middleware.SessionLifetimeMiddleware
# at most once a minute (not on every request, which would be an UPDATE on every page).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_EVERY = timedelta(minutes=1)
SESSION_ABSOLUTE_LIFETIME = timedelta(hours=12)
RECENT_AUTHENTICATION_WINDOW = timedelta(minutes=10)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

# Transport and headers (SECURITY 11-13). Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER_ON=true.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
if env.bool("SECURE_PROXY_SSL_HEADER_ON", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content Security Policy (django-csp): every script and style is a file served from this site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}

# Passwords (SECURITY 30): a reset link (Django's token) works once and for an hour; at most 5 links an hour are
# asked for one email address and for one client address, counted in the database (homestart.models.RateLimit).
PASSWORD_RESET_TIMEOUT = 60 * 60
PASSWORD_RESET_LIMIT = 5
PASSWORD_RESET_LIMIT_WINDOW = timedelta(hours=1)

# Two-factor sign-in (django-otp): TOTP with a 30-second step and no tolerance either side; codes single-use.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Home-Start")
OTP_TOTP_SYNC = False
TWO_FACTOR_RECOVERY_CODES = 10

# Brute-force protection (django-axes): 5 failures for one username from one address locks that pair for
# 15 minutes; a success resets the count.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "homestart.middleware.client_ip"
# How many reverse proxies in front of the app add themselves to X-Forwarded-For (0: none, use the connection).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# django-guardian: object permissions live in direct-foreign-key tables (see docs/adr/0002); no anonymous
# user is created because no page is open to anonymous visitors.
ANONYMOUS_USER_NAME = None
GUARDIAN_MONKEY_PATCH_USER = False
GUARDIAN_MONKEY_PATCH_GROUP = False
# Guardian's authentication backend is left out on purpose: with it, ``user.has_perm(perm, obj)`` would honour
# superuser status. Object access is only ever checked through the selectors (with_superuser=False).
SILENCED_SYSTEM_CHECKS = ["guardian.W001"]

# django-auditlog: our own entry model so the log can grow (events, chain) with ordinary migrations.
AUDITLOG_LOGENTRY_MODEL = "homestart.AuditEntry"
AUDITLOG_MASK_CALLABLE = "homestart.audit.mask_personal"
# A service that changes a tracked record without writing its audit entry fails (homestart.audit.service). On in
# the test suite and in development, so a gap is found before it ships; off in production, where it cannot help.
AUDIT_STRICT = env.bool("AUDIT_STRICT", default=DEBUG)
# auditlog's own migrations would create its default table even though the model is swapped for ours (they
# carry no `swappable` option); with none, nothing of auditlog's is created and our table is the only log.
MIGRATION_MODULES = {"auditlog": None}

# Retention (UK GDPR storage limitation; docs/adr/0012-retention.md): how long each kind of record is kept before
# `manage.py retention_run` (run daily) anonymises it. Periods in whole years, each overridable in the environment.
RETENTION = {
    # A family's personal details, household, referral reasons, notes and other free text, and the consents,
    # disclosures, agency requests, photos and supervision notes about it: anonymised this many years after support
    # ended, or after the referral was declined (from the decision date). The rows stay for the scheme's figures.
    "family_years": env.int("RETENTION_FAMILY_YEARS", default=1),
    # A volunteer's personal details, DBS certificate number and supervision notes: this many years after they
    # left (their account deactivated; counted from the last day they were active for the scheme).
    "volunteer_years": env.int("RETENTION_VOLUNTEER_YEARS", default=6),
    # The audit log is kept, its personal fields already masked. With a number, entries older than that many years
    # lose who did it by email, the object's name and the address (what was done, when, by which account stay).
    "audit_years": env.int("RETENTION_AUDIT_YEARS", default=None),
    # Not a setting: a family with a safeguarding concern is kept until the youngest child concerned is 25
    # (safeguarding.services.RETAIN_FOR_YEARS, stored on each concern as retain_until and enforced by a trigger).
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Chatty libraries: their progress notes are not operational information.
    "loggers": {name: {"level": "WARNING"} for name in ("weasyprint", "fontTools", "axes")},
}
