from django.apps import AppConfig


class ConsentsConfig(AppConfig):
    name = "consents"

    def ready(self) -> None:
        from consents import audit

        audit.register()
