"""Management commands of the top floor."""
