"""Shared test set-up.

Put the repository first on the path, so the tests exercise this checkout's
cli.py and engine/ even where another copy of the package is installed.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path[:1]:
    sys.path.insert(0, str(ROOT))
