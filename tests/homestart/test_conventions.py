"""Project-wide conventions that a single page test would not notice breaking."""

import re
from pathlib import Path

from auditlog.registry import auditlog
from django.apps import apps

from homestart.models import AuditEntry

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_APPS = {"homestart", "documents", "families", "volunteers", "consents", "safeguarding", "outcomes"}


def test_every_domain_model_is_audited() -> None:
    """DESIGN: django-auditlog records every change of a domain record (permission rows are logged by services)."""
    unregistered = [
        model._meta.label
        for model in apps.get_models()
        if model._meta.app_label in DOMAIN_APPS
        and model is not AuditEntry
        and not model.__name__.endswith("ObjectPermission")
        and not auditlog.contains(model)
    ]
    assert not unregistered, f"Domain models missing from the audit log: {unregistered}"


def test_templates_have_no_inline_scripts_or_styles() -> None:
    """UI.md and SECURITY 12: a strict Content Security Policy needs every script and style in a static file."""
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)", text, re.I) or re.search(r"<style\b|\sstyle=|\son[a-z]+=", text, re.I):
            offenders.append(str(template.relative_to(ROOT)))
    assert not offenders, f"Inline script, style or event handler in: {offenders}"
