"""Statistics: intervals, trend, projection, comparators (pure)."""
