"""Reads about the people of a scheme, shared by every app."""

import unicodedata
from typing import Any

from django.db.models import Count, QuerySet, Window
from django.http import Http404

from homestart.models import Role, User
from homestart.permissions import can_manage_account


def first_rows_and_count(rows: QuerySet[Any], limit: int) -> tuple[list[Any], int]:
    """The first ``limit`` rows of a query and how many rows it has in all, in one query (a window count)."""
    first = list(rows.annotate(rows_in_all=Window(Count("pk")))[:limit])
    return first, first[0].rows_in_all if first else 0


def active_coordinators(scheme_id: int) -> QuerySet[User]:
    """The scheme's active coordinators (safeguarding leads among them), by name."""
    return User.objects.filter(scheme_id=scheme_id, role=Role.COORDINATOR, is_active=True).order_by(
        "first_name", "last_name", "pk"
    )


def active_volunteers(scheme_id: int) -> QuerySet[User]:
    """The scheme's active volunteers, by name."""
    return User.objects.filter(scheme_id=scheme_id, role=Role.VOLUNTEER, is_active=True).order_by(
        "first_name", "last_name", "pk"
    )


def get_account_for_administrator_or_404(admin: User, pk: int) -> User:
    """An account of the administrator's scheme; any other answers 404, the same as one that does not exist."""
    account = User.objects.filter(pk=pk, scheme_id=admin.scheme_id).first()
    if account is None or not can_manage_account(admin, account):
        raise Http404("No such account")
    return account


def accounts_for_password_reset(email: str) -> list[User]:
    """The active accounts with this email address (in any case) and a password: each is sent its own link."""
    email = email.strip()
    if not email:
        return []
    return [
        user
        for user in User.objects.filter(email__iexact=email, is_active=True).order_by("pk")
        if user.has_usable_password() and _folded(user.email) == _folded(email)
    ]


def _folded(text: str) -> str:
    # As Django's own reset form compares: the database's case-insensitive match is not Unicode's.
    return unicodedata.normalize("NFKC", text).casefold()
