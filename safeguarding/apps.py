from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "safeguarding"

    def ready(self) -> None:
        from consents import bases
        from safeguarding import audit, services

        audit.register()
        bases.register(services.SAFEGUARDING_BASIS)
