"""Statuses: one table of what each is called, its RAG colour group, its family and its order (pure).

Every format takes its words and colours from here, so a status reads and looks the same
everywhere. Within a family, better comes first: moving a reading the better way never moves
its status down its family's order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Status = Literal[
    "on_track", "at_risk", "off_track", "achieved", "missed",
    "improving", "no_change", "worsening", "not_started", "unassessed", "no_data",
]
Rag = Literal["green", "amber", "red", "grey"]
BreachReason = Literal["limit", "missed"]


@dataclass(frozen=True)
class StatusInfo:
    word: str  # as people read it: `on track`
    rag: Rag  # green, amber, red; grey when there is nothing to judge
    family: str  # track (before the target date), end (at or after it), direction, none
    rank: int  # position in its family, better first


_TABLE: tuple[tuple[Status, Rag, str], ...] = (
    ("on_track", "green", "track"), ("at_risk", "amber", "track"), ("off_track", "red", "track"),
    ("achieved", "green", "end"), ("missed", "red", "end"),
    ("improving", "green", "direction"), ("no_change", "amber", "direction"), ("worsening", "red", "direction"),
    ("not_started", "grey", "none"), ("unassessed", "grey", "none"), ("no_data", "grey", "none"),
)



def _table() -> dict[Status, StatusInfo]:
    ranks: dict[str, int] = {}
    table: dict[Status, StatusInfo] = {}
    for status, rag, family in _TABLE:
        table[status] = StatusInfo(status.replace("_", " "), rag, family, ranks.get(family, 0))
        ranks[family] = ranks.get(family, 0) + 1
    return table


STATUSES: dict[Status, StatusInfo] = _table()

ALL_STATUSES: tuple[Status, ...] = tuple(s for s, _, _ in _TABLE)
TRACK_ORDER: tuple[Status, ...] = tuple(s for s in ALL_STATUSES if STATUSES[s].family == "track")
END_ORDER: tuple[Status, ...] = tuple(s for s in ALL_STATUSES if STATUSES[s].family == "end")
DIRECTION_ORDER: tuple[Status, ...] = tuple(s for s in ALL_STATUSES if STATUSES[s].family == "direction")
STATUS_WORDS: dict[Status, str] = {s: info.word for s, info in STATUSES.items()}
RAG: dict[Status, Rag] = {s: info.rag for s, info in STATUSES.items()}

# Codes in the columns of verdicts: a status is its place in ALL_STATUSES.
CODE: dict[Status, int] = {s: i for i, s in enumerate(ALL_STATUSES)}
BREACH_REASONS: tuple[BreachReason | None, ...] = (None, "limit", "missed")  # code 0: no breach


def status_rank(status: Status) -> int:
    """Position within its family (lower is better); used to check monotonicity."""
    return STATUSES[status].rank
