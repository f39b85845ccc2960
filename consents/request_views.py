"""Pages for agency requests, photographs and consent wordings (coordinators and administrators only)."""

urlpatterns: list = []
