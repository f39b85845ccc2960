"""Safeguarding concerns and their timeline (to come)."""
