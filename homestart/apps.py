from django.apps import AppConfig


class HomestartConfig(AppConfig):
    name = "homestart"
    verbose_name = "Home-Start"

    def ready(self) -> None:
        from homestart import audit

        audit.connect_signals()
