from django.apps import AppConfig


class VolunteersConfig(AppConfig):
    name = "volunteers"

    def ready(self) -> None:
        from families import hooks as family_hooks
        from homestart import hooks
        from volunteers import audit, reminders, retention, services

        audit.register()
        retention.register()
        reminders.register()
        hooks.account_created.subscribe(services.account_created)
        hooks.account_role_changed.subscribe(services.account_role_changed)
        family_hooks.coordinator_changed.subscribe(services.supervision_parts_follow_coordinator)
        family_hooks.assignment_refusals.add(services.assignment_refusal)
        family_hooks.assignment_warnings.add(services.assignment_warning)
