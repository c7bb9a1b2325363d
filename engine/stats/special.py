"""The few special functions the statistics need, on numpy columns (pure).

- `normal_quantile(p)`: the standard normal quantile (the z of a confidence level).
- `gamma_p(a, x)`, `gamma_q(a, x)`: the regularized incomplete gamma functions
  P(a, x) = (1 / Gamma(a)) * integral from 0 to x of t^(a-1) e^-t dt, and Q = 1 - P.
- `gamma_p_inverse(a, p)`: the x with P(a, x) = p. Exact Poisson limits are its values:
  a chi-squared quantile with k degrees of freedom is 2 * gamma_p_inverse(k / 2, p).

Written here rather than taken from scipy: scipy is 113 MB installed and `import scipy.special`
alone took over half a second here, for one function that is only ever asked for a handful of
distinct shapes (counts below 10).
P is summed from its power series where x < a + 1 and from its continued fraction (Lentz's
method) beyond, each to full double precision (Abramowitz & Stegun 6.5.29 and 6.5.31; the same
split as Numerical Recipes' gammp/gammq). The inverse is Newton's method on the smaller tail,
kept inside a bracket that bisection shrinks whenever a Newton step would leave it, so it
converges for every shape and probability.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np

_EPS = np.finfo(np.float64).eps
_TINY = 1e-300
_MAX_TERMS = 1000  # series and fraction both converge in well under 100 terms for a < 100


def normal_quantile(p: float) -> float:
    """The standard normal quantile of p (0 < p < 1)."""
    return NormalDist().inv_cdf(p)


def _lgamma(a: np.ndarray) -> np.ndarray:
    # math.lgamma once per distinct shape: the callers have a handful (whole counts below 10).
    distinct, where = np.unique(a, return_inverse=True)
    return np.array([math.lgamma(float(v)) for v in distinct], dtype=np.float64)[where].reshape(a.shape)


def _log_prefix(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """log(x^a e^-x / Gamma(a)), the factor both the series and the fraction share."""
    with np.errstate(divide="ignore"):
        return a * np.log(x) - x - _lgamma(a)


def _series(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """P(a, x) from sum_n x^n / ((a+1)...(a+n)) times x^a e^-x / Gamma(a+1); for x < a + 1."""
    term = np.ones_like(x)
    total = np.ones_like(x)
    n = np.zeros_like(x)
    active = np.ones(x.shape, dtype=bool)
    for _ in range(_MAX_TERMS):
        if not active.any():
            break
        n = n + 1
        term = np.where(active, term * x / (a + n), 0.0)
        total = total + term
        active &= np.abs(term) > np.abs(total) * _EPS
    return np.exp(_log_prefix(a, x)) * total / a


def _fraction(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Q(a, x) from its continued fraction (modified Lentz); for x >= a + 1."""
    b = x + 1 - a
    c = np.full_like(x, 1 / _TINY)
    d = 1 / b
    h = d.copy()
    active = np.ones(x.shape, dtype=bool)
    for i in range(1, _MAX_TERMS):
        if not active.any():
            break
        an = -i * (i - a)
        b = b + 2
        d = an * d + b
        d = np.where(np.abs(d) < _TINY, _TINY, d)
        c = b + an / c
        c = np.where(np.abs(c) < _TINY, _TINY, c)
        d = 1 / d
        delta = np.where(active, d * c, 1.0)
        h = h * delta
        active &= np.abs(delta - 1) > _EPS
    return np.exp(_log_prefix(a, x)) * h


def _tails(a: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(P, Q), each from whichever side computes it without cancellation."""
    p = np.zeros_like(x)
    q = np.ones_like(x)
    positive = x > 0
    low = positive & (x < a + 1)
    high = positive & ~low
    if low.any():
        p[low] = _series(a[low], x[low])
        q[low] = 1 - p[low]
    if high.any():
        q[high] = _fraction(a[high], x[high])
        p[high] = 1 - q[high]
    return p, q


def _columns(a, x) -> tuple[np.ndarray, np.ndarray]:
    a, x = np.broadcast_arrays(np.asarray(a, dtype=np.float64), np.asarray(x, dtype=np.float64))
    return a.astype(np.float64, copy=True), x.astype(np.float64, copy=True)


def gamma_p(a, x) -> np.ndarray:
    """The regularized lower incomplete gamma function P(a, x), for a > 0 and x >= 0."""
    return _tails(*_columns(a, x))[0]


def gamma_q(a, x) -> np.ndarray:
    """The regularized upper incomplete gamma function Q(a, x) = 1 - P(a, x)."""
    return _tails(*_columns(a, x))[1]


def gamma_p_inverse(a, p) -> np.ndarray:
    """The x >= 0 with P(a, x) = p, for a > 0 and 0 <= p < 1 (p = 0 gives 0)."""
    a, p = _columns(a, p)
    if np.any(a <= 0) or np.any((p < 0) | (p >= 1)):
        raise ValueError("gamma_p_inverse needs a > 0 and 0 <= p < 1")
    out = np.zeros_like(p)
    todo = p > 0
    if not todo.any():
        return out
    a, p = a[todo], p[todo]
    # Work on the smaller tail: P = p when p <= 1/2, else Q = 1 - p (no cancellation near 1).
    lower_tail = p <= 0.5
    goal = np.where(lower_tail, p, 1 - p)

    def miss(x):  # how far the chosen tail is from its goal, and the density (dP/dx)
        tail_p, tail_q = _tails(a, x)
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            density = np.exp(_log_prefix(a, x)) / x
        return np.where(lower_tail, tail_p - goal, goal - tail_q), density

    # A bracket [lo, hi] with P(lo) <= p <= P(hi): P(a, a + k sqrt(a) + k) passes any p < 1 soon.
    lo = np.zeros_like(p)
    hi = np.maximum(a, 1.0)
    for _ in range(2000):
        short = miss(hi)[0] < 0
        if not short.any():
            break
        lo = np.where(short, hi, lo)
        hi = np.where(short, hi * 2, hi)
    # Start from Wilson and Hilferty's cube (close for a >= 1), or P ~ x^a / Gamma(a + 1) below.
    levels, where = np.unique(p, return_inverse=True)  # the quantile once per distinct p
    z = np.array([normal_quantile(float(v)) for v in levels])[where.reshape(-1)]
    cube = a * (1 - 1 / (9 * a) + z / (3 * np.sqrt(a))) ** 3
    small = np.exp((np.log(p) + _lgamma(a + 1)) / a)
    x = np.where((a >= 1) & (cube > 0), cube, small)
    x = np.where((x > lo) & (x < hi), x, (lo + hi) / 2)
    # Each entry stops on its own, so its answer never depends on the others asked with it.
    done = np.zeros(x.shape, dtype=bool)
    for _ in range(200):
        f, density = miss(x)
        lo = np.where(f < 0, x, lo)
        hi = np.where(f > 0, x, hi)
        with np.errstate(divide="ignore", invalid="ignore"):
            step = x - f / density
        inside = np.isfinite(step) & (step > lo) & (step < hi)
        new = np.where(inside, step, (lo + hi) / 2)
        settled = (np.abs(new - x) <= 4 * _EPS * np.abs(new)) | (f == 0) | (hi - lo <= 4 * _EPS * hi)
        x = np.where(done, x, new)
        done |= settled
        if done.all():
            break
    out[todo] = x
    return out
