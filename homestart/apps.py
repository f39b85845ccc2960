from django.apps import AppConfig


class HomestartConfig(AppConfig):
    name = "homestart"
    verbose_name = "Home-Start"

    def ready(self) -> None:
        from homestart import audit, retention

        audit.connect_signals()
        retention.register(retention.AUDIT_RULE)
