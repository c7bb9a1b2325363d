"""Confidence intervals for proportions, rates and counts, a column at a time (pure).

Every function takes numpy columns (one value per reading; numbers broadcast) and gives columns
back; nothing loops over readings in Python. The formulas, their sources and worked examples
are in docs/methods.md:

- proportion: Wilson's score interval (Wilson 1927; Newcombe 1998), as PHEindicatormethods'
  `wilson_lower` / `wilson_upper`;
- count: exact Poisson limits from the chi-squared (gamma) quantiles when the count is below
  10, Byar's approximation (Breslow & Day 1987) from 10 on, as PHEindicatormethods' `phe_rate`;
- rate: the count's limits scaled by multiplier / denominator, as `phe_rate`.

A negative Byar lower limit is 0 (PHEindicatormethods leaves it missing; it only happens for
counts below 10, which take the exact limits anyway).

A reading that cannot have an interval (no numerator, a denominator of 0, more cases than the
sample ...) gets NaN limits, method code 0 and a reason code saying why: integration rejects or
explains, the statistics only decide.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.stats.special import gamma_p_inverse, normal_quantile

# The exact two-sided normal quantiles for the two levels the spec allows (not 1.96): the values
# of qnorm(0.975) and qnorm(0.999), correctly rounded.
Z = {95.0: 1.959963984540054, 99.8: 3.090232306167813}

# Below this many events the exact Poisson limits are used, from it on Byar's (as phe_rate).
EXACT_BELOW = 10

# Method codes (the `method` column): 0 is no interval. `published` is for intervals a reading
# gives itself (lower and upper columns); nothing here computes it.
METHODS = ("", "wilson", "exact", "byar", "published")
METHOD = {name: code for code, name in enumerate(METHODS)}

# Reason codes (the `reason` column): 0 is an interval was computed. Wording in docs/methods.md.
REASONS = (
    "",
    "no_numerator",  # missing (NaN) numerator or count
    "no_denominator",  # missing (NaN) denominator
    "negative_numerator",
    "denominator_not_positive",
    "numerator_above_denominator",  # a proportion of more cases than the sample has
    "not_finite",  # infinite numerator or denominator
)
REASON = {name: code for code, name in enumerate(REASONS)}


@dataclass(frozen=True)
class Intervals:
    """One entry per reading: the value worked out from numerator and denominator, the limits
    (NaN where there is none), and the method and reason codes (METHODS, REASONS)."""

    value: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    method: np.ndarray  # int8, codes into METHODS
    reason: np.ndarray  # int8, codes into REASONS

    def method_name(self, row: int) -> str:
        return METHODS[int(self.method[row])]

    def reason_name(self, row: int) -> str:
        return REASONS[int(self.reason[row])]


def z_for(confidence: float) -> float:
    """The two-sided normal quantile for a confidence level in percent (95 -> 1.959963984540054)."""
    confidence = float(confidence)
    if confidence in Z:
        return Z[confidence]
    if not 0 < confidence < 100:
        raise ValueError(f"a confidence level is a percentage above 0 and below 100, not {confidence}")
    return normal_quantile(0.5 + confidence / 200)


def _z_column(confidence) -> np.ndarray | float:
    """z for a level or for a column of levels (once per distinct level)."""
    if np.ndim(confidence) == 0:
        return z_for(float(confidence))
    levels = np.asarray(confidence, dtype=np.float64)
    distinct, where = np.unique(levels, return_inverse=True)
    return np.array([z_for(v) for v in distinct])[where].reshape(levels.shape)


def _floats(*columns) -> list[np.ndarray]:
    """The columns as float arrays of one shape (a number becomes a column of one)."""
    return [np.array(c, dtype=np.float64) for c in np.broadcast_arrays(*(np.atleast_1d(c) for c in columns))]


def wilson(numerator, denominator, confidence=95.0) -> tuple[np.ndarray, np.ndarray]:
    """Wilson's score limits of the proportion numerator / denominator (on the 0-1 scale).

    (2x + z^2 -+ z sqrt(z^2 + 4x(1 - x/n))) / (2(n + z^2)), as PHEindicatormethods writes it.
    No checks: see `proportion` for columns that may hold impossible readings.
    """
    x, n = _floats(numerator, denominator)
    z = _z_column(confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = 2 * x + z * z
        spread = z * np.sqrt(z * z + 4 * x * (1 - x / n))
        scale = 2 * (n + z * z)
        lower, upper = (centre - spread) / scale, (centre + spread) / scale
    # None of the cases or all of them: the limit is exactly 0 or 1 (z sqrt(z^2) can miss z^2 by an ulp).
    return np.where(x == 0, 0.0, lower), np.where(x == n, 1.0, upper)


def byar(count, confidence=95.0) -> tuple[np.ndarray, np.ndarray]:
    """Byar's approximate limits of a Poisson count O (Breslow & Day 1987):

    lower = O (1 - 1/(9 O) - z / (3 sqrt O))^3, upper = (O+1) (1 - 1/(9 (O+1)) + z / (3 sqrt(O+1)))^3.
    A negative lower limit is 0 (at a count of 0 too).
    """
    (o,) = _floats(count)
    z = _z_column(confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        lower = o * (1 - 1 / (9 * o) - z / (3 * np.sqrt(o))) ** 3
        upper = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * np.sqrt(o + 1))) ** 3
    lower = np.where(o == 0, 0.0, np.maximum(lower, 0.0))
    return np.where(np.isnan(o), np.nan, lower), np.asarray(upper)


def poisson_exact(count, confidence=95.0) -> tuple[np.ndarray, np.ndarray]:
    """The exact (Garwood) limits of a Poisson count O, from the chi-squared quantiles:

    lower = qchisq(alpha/2, 2 O) / 2, upper = qchisq(1 - alpha/2, 2 O + 2) / 2, alpha = 1 - level,
    that is the gamma quantiles of shapes O and O + 1. A count of 0 has lower limit 0. Worked out
    once per distinct (count, level), so a column of whole counts below 10 costs a few dozen.
    """
    o, level = _floats(count, confidence)
    lower = np.full(o.shape, np.nan)
    upper = np.full(o.shape, np.nan)
    known = ~np.isnan(o) & (o >= 0)
    if not known.any():
        return lower, upper
    # Distinct (count, level) pairs through 1-d keys: np.unique over rows is several times slower.
    count_values, count_code = np.unique(o[known], return_inverse=True)
    level_values, level_code = np.unique(level[known], return_inverse=True)
    pair, where = np.unique(count_code.reshape(-1) * len(level_values) + level_code.reshape(-1), return_inverse=True)
    where = where.reshape(-1)
    counts, levels = count_values[pair // len(level_values)], level_values[pair % len(level_values)]
    if np.any((levels <= 0) | (levels >= 100)):
        raise ValueError("a confidence level is a percentage above 0 and below 100")
    tail = (1 - levels / 100) / 2
    low = np.zeros(len(counts))
    some = counts > 0
    low[some] = gamma_p_inverse(counts[some], tail[some])
    high = gamma_p_inverse(counts + 1, 1 - tail)
    lower[known] = low[where]
    upper[known] = high[where]
    return lower, upper


def poisson(count, confidence=95.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Limits of a Poisson count as phe_rate takes them: exact below 10 events, Byar's from 10.

    Returns (lower, upper, method codes).
    """
    (o,) = _floats(count)
    small = o < EXACT_BELOW
    lower, upper = byar(o, confidence)
    if small.any():
        level = np.broadcast_to(np.asarray(confidence, dtype=np.float64), o.shape)
        low, high = poisson_exact(o[small], level[small])
        lower[small] = low
        upper[small] = high
    method = np.where(small, METHOD["exact"], METHOD["byar"]).astype(np.int8)
    method[np.isnan(o)] = 0
    return lower, upper, method


def _reasons(numerator: np.ndarray, denominator: np.ndarray | None, *, proportion: bool) -> np.ndarray:
    """The first thing wrong with each reading, as a code into REASONS (0: nothing)."""
    reason = np.zeros(numerator.shape, dtype=np.int8)

    def mark(condition, name):
        reason[(reason == 0) & condition] = REASON[name]

    mark(np.isnan(numerator), "no_numerator")
    if denominator is not None:
        mark(np.isnan(denominator), "no_denominator")
        mark(np.isinf(numerator) | np.isinf(denominator), "not_finite")
        mark(numerator < 0, "negative_numerator")
        mark(denominator <= 0, "denominator_not_positive")
        if proportion:
            mark(numerator > denominator, "numerator_above_denominator")
    else:
        mark(np.isinf(numerator), "not_finite")
        mark(numerator < 0, "negative_numerator")
    return reason


def _blank(lower: np.ndarray, upper: np.ndarray, method: np.ndarray, reason: np.ndarray) -> None:
    bad = reason != 0
    lower[bad] = np.nan
    upper[bad] = np.nan
    method[bad] = 0


def proportion(numerator, denominator, confidence=95.0, scale=1.0) -> Intervals:
    """A proportion and its Wilson interval, in the unit's scale (percent: scale 100).

    value = numerator / denominator x scale; limits likewise.
    """
    x, n, k = _floats(numerator, denominator, scale)
    reason = _reasons(x, n, proportion=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        value = x / n * k
    lower, upper = wilson(x, n, confidence)
    lower, upper = lower * k, upper * k
    method = np.full(x.shape, METHOD["wilson"], dtype=np.int8)
    _blank(lower, upper, method, reason)
    value = np.where(reason == 0, value, np.nan)
    return Intervals(value, lower, upper, method, reason)


def rate(numerator, denominator, confidence=95.0, multiplier=100_000.0) -> Intervals:
    """A rate per `multiplier` (per_100k: 100,000) and its interval, as phe_rate: the count's
    exact or Byar limits, times multiplier / denominator."""
    x, n, m = _floats(numerator, denominator, multiplier)
    reason = _reasons(x, n, proportion=False)
    lower, upper, method = poisson(np.where(reason == 0, x, np.nan), confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        per = m / n
        value = x * per
    _blank(lower, upper, method, reason)
    return Intervals(np.where(reason == 0, value, np.nan), lower * per, upper * per, method, reason)


def count(events, confidence=95.0) -> Intervals:
    """A count of events and its interval: exact below 10, Byar's from 10."""
    (o,) = _floats(events)
    reason = _reasons(o, None, proportion=False)
    lower, upper, method = poisson(np.where(reason == 0, o, np.nan), confidence)
    _blank(lower, upper, method, reason)
    return Intervals(np.where(reason == 0, o, np.nan), lower, upper, method, reason)
