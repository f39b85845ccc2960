from django.apps import AppConfig


class ConsentsConfig(AppConfig):
    name = "consents"

    def ready(self) -> None:
        from consents import audit, bases, services

        audit.register()
        bases.register(services.CONSENT_BASIS)
        bases.register(services.AGENCY_REQUEST_BASIS)
