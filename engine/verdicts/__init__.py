"""Verdicts: paths, statuses, verdict rules, explanations, evaluation (pure)."""
