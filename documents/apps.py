"""Scheme documents: the policies and notices a scheme promises families, versioned and published (P13)."""

from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "Scheme documents"

    def ready(self) -> None:
        from documents import audit

        audit.register()
