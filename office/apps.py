"""The top floor's app configuration."""

from django.apps import AppConfig


class OfficeConfig(AppConfig):
    name = "office"
    verbose_name = "The scheme office"

    def ready(self) -> None:
        from office import audit

        audit.register()
