from django.apps import AppConfig


class FamiliesConfig(AppConfig):
    name = "families"

    def ready(self) -> None:
        from families import audit, reminders, retention, services
        from homestart import hooks

        audit.register()
        retention.register()
        reminders.register()
        hooks.account_deactivation.add(services.deactivation_refusal)
        hooks.account_deactivation.add(services.coordinator_deactivation_refusal)
        hooks.account_role_change.add(services.role_change_refusal)
