from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "safeguarding"

    def ready(self) -> None:
        from safeguarding import audit

        audit.register()
