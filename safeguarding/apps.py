from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "safeguarding"

    def ready(self) -> None:
        from consents import bases
        from families import hooks as family_hooks
        from safeguarding import audit, reminders, retention, services

        audit.register()
        # A family with a concern is kept until the youngest child concerned is 25; then its concerns are anonymised.
        retention.register()
        reminders.register()
        bases.register(services.SAFEGUARDING_BASIS)
        # A child added, born or with corrected dates: the family's concerns may be held for longer (never shorter).
        family_hooks.children_changed.subscribe(services.concerns_retention_recompute)
