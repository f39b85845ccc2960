"""How a signed-in person is read on each request."""

from typing import Any

from django.contrib.auth.backends import ModelBackend

from homestart.models import User


class UserWithSchemeBackend(ModelBackend):
    """Django's own username-and-password backend, except that the person is read on each request with their scheme
    in the same query: every page names the scheme and filters by it, and would otherwise read it separately."""

    def get_user(self, user_id: Any) -> User | None:
        try:
            user = User._default_manager.select_related("scheme").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
