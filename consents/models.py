"""Consent wordings, consents, agency requests and the disclosure register (to come)."""
