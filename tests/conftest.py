"""Shared test set-up.

Put the repository first on the path, so the tests exercise this checkout's
cli.py and engine/ even where another copy of the package is installed.

Hypothesis profiles set the budget of the tests that do not fix their own (the fuzz tests in
tests/test_fuzz.py): `dev` by default, `ci` where the CI variable is set (the same budget, with
the examples derived from the test's name, so that a run can be repeated exactly), and `fuzz`
for a long search: `HYPOTHESIS_PROFILE=fuzz .venv/bin/python -m pytest tests/test_fuzz.py`.
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path

from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path[:1]:
    sys.path.insert(0, str(ROOT))

# A deadline per example: a slow input is a finding too (a hang in the making). Generous, as the
# machines running the suite are small and shared.
settings.register_profile("dev", max_examples=50, deadline=timedelta(seconds=2))
settings.register_profile("ci", max_examples=50, deadline=timedelta(seconds=2), derandomize=True, database=None)
settings.register_profile("fuzz", max_examples=10_000, deadline=timedelta(seconds=2))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))
