"""Pages for a family's consents, letters and the disclosure register (coordinators only)."""

urlpatterns: list = []
