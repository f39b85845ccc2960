from django.apps import AppConfig


class FamiliesConfig(AppConfig):
    name = "families"

    def ready(self) -> None:
        from families import audit

        audit.register()
