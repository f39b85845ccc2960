from django.apps import AppConfig


class ConsentsConfig(AppConfig):
    name = "consents"

    def ready(self) -> None:
        from consents import audit, bases, reminders, retention, services

        audit.register()
        retention.register()
        reminders.register()
        bases.register(services.CONSENT_BASIS)
        bases.register(services.AGENCY_REQUEST_BASIS)
