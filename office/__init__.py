"""The scheme office: the top floor, pages that combine several apps (dashboard, case file, navigation, seeding)."""
