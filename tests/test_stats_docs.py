"""docs/methods.md words every code the statistics can give, and names every method."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.stats import intervals, progress, projection, trend

METHODS_DOC = (Path(__file__).resolve().parent.parent / "docs" / "methods.md").read_text(encoding="utf-8")

CODES = [
    *(("intervals", c) for c in intervals.REASONS[1:]),
    *(("trend", c) for c in trend.REASONS[1:]),
    *(("projection", c) for c in projection.REASONS[1:]),
    *(("progress", c) for c in progress.REASONS[1:]),
]


@pytest.mark.parametrize("module, code", CODES, ids=[f"{m}-{c}" for m, c in CODES])
def test_every_reason_code_has_plain_words(module, code):
    assert f"| {module} | `{code}` |" in METHODS_DOC


@pytest.mark.parametrize("name", [*trend.LABELS, *progress.CATEGORIES[1:], *intervals.METHODS[1:]])
def test_every_label_category_and_method_is_documented(name):
    assert f"`{name}`" in METHODS_DOC
