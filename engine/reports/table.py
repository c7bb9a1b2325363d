"""Tables for people at a terminal (rich). NO_COLOR is honoured by rich itself."""

from __future__ import annotations

from collections.abc import Sequence

from ..spec import Target
from .wording import describe_goal, describe_point


def _console():
    from rich.console import Console

    return Console()


def print_target_list(targets: Sequence[Target]) -> None:
    from rich.table import Table

    table = Table(title=f"{len(targets)} targets", show_lines=False)
    for column in ("id", "title", "priority", "lead", "baseline", "target", "status"):
        table.add_column(column, overflow="fold")
    for t in targets:
        table.add_row(
            t.id,
            t.title,
            t.priority or "",
            t.lead or "",
            describe_point(t.baseline, t.measure.unit) if t.baseline else "-",
            describe_goal(t),
            t.status,
        )
    _console().print(table)
