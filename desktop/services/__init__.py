"""Use cases: each runs in one transaction and reports what changed, so every view refreshes from one
signal."""
