"""targets: a declarative rules engine for public-service targets.

The core (periods, paths, verdicts) is pure: plain data in, plain data out.
The shell (loader, readings, reports, cli) does the I/O.
"""

__version__ = "0.1.0"
