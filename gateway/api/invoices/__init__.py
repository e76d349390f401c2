"""Invoice history and previews."""
