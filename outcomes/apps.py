"""Outcomes: the change families see in their own lives, scored with them at the start, at reviews and at the end."""

from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = "Outcomes"

    def ready(self) -> None:
        from outcomes import audit, home, reminders, retention

        audit.register()
        retention.register()
        reminders.register()
        home.register()
