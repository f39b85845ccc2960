"""Reads about the people of a scheme, shared by every app."""

from django.db.models import QuerySet

from homestart.models import Role, User


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
