"""Commands that build data across every app (demo and benchmark seeding)."""
