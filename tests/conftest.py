"""Shared test set-up.

The editable install copies cli.py into site-packages (hatch force-include), so
`import cli` could pick up a stale copy: put the repository first on the path.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path[:1]:
    sys.path.insert(0, str(ROOT))
