"""Checking specs: the JSON Schema and the semantic rules (pure)."""
