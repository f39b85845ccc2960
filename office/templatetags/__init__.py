"""Template tags of the top floor."""
