"""Statistics (pure): numpy columns in, columns of numbers and codes out; docs/methods.md.

intervals (Wilson; exact Poisson and Byar), trend (Fingertips' recent trend), projection (the pace
since the baseline to the target date), progress (Open SDG's categories), comparators (rank, quartile and
benchmark comparison among a group of areas), special (the incomplete
gamma function). Nothing is imported here: each module brings numpy in only when it is used.
"""
