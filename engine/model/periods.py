"""Periods: one grammar for specs and readings (pure, no I/O).

Forms accepted (a period is assessed at its last day):
  2014/15, 2014/2015, FY2014/15, 2014/15 FY    UK financial year, 1 Apr 2014 - 31 Mar 2015
  2014/15 Q1 .. Q4, Q1 2014/15                 its quarters (Q1 = Apr-Jun)
  2015 Q1, 2015-Q1, Q1 2015                    calendar quarter
  2015-03, Mar 2015, March 2015, Mar-15        month (Mar-15: as Excel shows it, mmm-yy)
  2015-03-31, 31/03/2015                       a day (day first, never US order)
  2015                                         calendar year
  2017 - 19, 2016/17 - 18/19                   years pooled (as Fingertips writes them): three or more
"2014-15" is refused: in ISO 8601 it reads as a month, so it is ambiguous; a reader that knows the
series is monthly asks for the month (`parse_period(text, months=True)`).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from datetime import date, timedelta
from typing import Literal

PeriodKind = Literal["year", "financial_year", "quarter", "financial_quarter", "month", "day", "years",
                     "financial_years"]

MIN_YEAR = 1900
MAX_YEAR = 2999
KEY_DAY = 4_000_000  # Period.key = last day's ordinal * KEY_DAY + first day's ordinal (< KEY_DAY)


class PeriodError(ValueError):
    """Text that is not a period; the message says how to write it."""


class AmbiguousPeriod(PeriodError):
    """`2010-11`: November 2010 in ISO 8601, financial year 2010/11 to most of our users. Refused
    unless the caller knows the series is monthly; `month` is the month it would be."""

    def __init__(self, message: str, month: Period):
        super().__init__(message)
        self.month = month


@dataclass(frozen=True, order=True)
class Period:
    # Field order gives the sort order: by last day, then first day.
    end: date
    start: date
    kind: PeriodKind = field(compare=False)

    @cached_property
    def label(self) -> str:  # cached: a million readings share a few hundred periods
        return format_period(self)

    @cached_property
    def when(self) -> str:
        """The period in a sentence: `in 2014/15`, but `on 2016-03-31`."""
        return f"on {self.label}" if self.kind == "day" else f"in {self.label}"

    @cached_property
    def key(self) -> int:
        """One int in the same order as periods (by last day, then first day): sorting a million
        readings compares ints in C instead of calling the generated comparison."""
        return self.end.toordinal() * KEY_DAY + self.start.toordinal()

    @cached_property
    def iso_end(self) -> str:
        return self.end.isoformat()

    def __str__(self) -> str:
        return self.label


_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9

_FY = re.compile(r"(\d{4})\s*/\s*(\d{2}|\d{4})", re.ASCII)  # ASCII: \d must not match other scripts' digits
# FY2019/20, FY 2019-20, 2019/20 FY: with the letters FY a dash cannot be read as a month.
_FY_MARKED = re.compile(r"FY\s*(\d{4})\s*[/-]\s*(\d{2}|\d{4})|(\d{4})\s*[/-]\s*(\d{2}|\d{4})\s*FY", re.I | re.ASCII)
_FY_QUARTER = re.compile(r"(\d{4})\s*/\s*(\d{2}|\d{4})\s*[- ]?\s*Q([1-4])", re.I | re.ASCII)
_QUARTER_FY = re.compile(r"Q([1-4])\s*(\d{4})\s*/\s*(\d{2}|\d{4})", re.I | re.ASCII)  # Q1 2024/25
_QUARTER = re.compile(r"(\d{4})\s*[- ]?\s*Q([1-4])", re.I | re.ASCII)
_QUARTER_FIRST = re.compile(r"Q([1-4])\s*(\d{4})", re.I | re.ASCII)  # Q1 2015
_MONTH = re.compile(r"(\d{4})-(\d{2})", re.ASCII)
_MONTH_NAME = re.compile(r"([A-Za-z]{3,9})\.?(?:\s+|\s*-\s*)(\d{4})", re.ASCII)
_MONTH_SHORT_YEAR = re.compile(r"([A-Za-z]{3,9})\.?-(\d{2})", re.ASCII)  # Apr-24: Excel's mmm-yy
# Pooled years as Fingertips writes them: `2017 - 19` (calendar years 2017 to 2019) and
# `2016/17 - 18/19` (financial years 2016/17 to 2018/19). The spaces around the dash are required:
# `2017-19` is refused as not a month.
_YEARS = re.compile(r"(\d{4}) - (\d{2}|\d{4})", re.ASCII)
_FINANCIAL_YEARS = re.compile(r"(\d{4})\s*/\s*(\d{2}|\d{4}) - (\d{2}|\d{4})\s*/\s*(\d{2}|\d{4})", re.ASCII)
_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_UK_DAY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})", re.ASCII)
_YEAR = re.compile(r"\d{4}", re.ASCII)

HELP = (
    "write a period as 2014/15 (financial year), 2014/15 Q1, 2015 Q1, "
    "2015-03 or Mar 2015 (month), 2015-03-31 or 31/03/2015 (day), or 2015 (calendar year)"
)
# Excel reads a two-digit year 00-29 as 2000-2029 and 30-99 as 1930-1999 (Microsoft, "How Excel
# works with two-digit year numbers"): `Apr-24` as Excel shows April 2024 is read the same way.
TWO_DIGIT_PIVOT = 30


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _check_year(year: int, text: str) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PeriodError(f"`{text}`: the year {year} is out of range ({MIN_YEAR}-{MAX_YEAR})")


def financial_year(start_year: int) -> Period:
    return Period(end=date(start_year + 1, 3, 31), start=date(start_year, 4, 1), kind="financial_year")


def financial_quarter(start_year: int, quarter: int) -> Period:
    first_month = 4 + 3 * (quarter - 1)  # Q1 = Apr-Jun ... Q4 = Jan-Mar of the next year
    year = start_year + (first_month - 1) // 12
    month = (first_month - 1) % 12 + 1
    return Period(end=_month_end(year, month + 2), start=date(year, month, 1), kind="financial_quarter")


def calendar_quarter(year: int, quarter: int) -> Period:
    month = 3 * (quarter - 1) + 1
    return Period(end=_month_end(year, month + 2), start=date(year, month, 1), kind="quarter")


def month(year: int, month_number: int) -> Period:
    return Period(end=_month_end(year, month_number), start=date(year, month_number, 1), kind="month")


def day(d: date) -> Period:
    return Period(end=d, start=d, kind="day")


def calendar_year(year: int) -> Period:
    return Period(end=date(year, 12, 31), start=date(year, 1, 1), kind="year")


def pooled_years(first: int, last: int) -> Period:
    """Calendar years first to last, taken together (`2017 - 19`)."""
    return Period(end=date(last, 12, 31), start=date(first, 1, 1), kind="years")


def pooled_financial_years(first: int, last: int) -> Period:
    """Financial years first/.. to last/.., taken together (`2016/17 - 18/19`: first 2016, last 2018)."""
    return Period(end=date(last + 1, 3, 31), start=date(first, 4, 1), kind="financial_years")


def _fy_start(first: str, second: str, text: str) -> int:
    start = int(first)
    _check_year(start, text)
    follows = int(second) == (start + 1) % 100 if len(second) == 2 else int(second) == start + 1
    if not follows:
        right = f"{start}/{(start + 1) % 100:02d}"
        raise PeriodError(
            f"`{text}` is not a financial year: the second year must follow the first (for example {right})"
        )
    return start


def _is_ambiguous_month(year: int, month_number: int) -> bool:
    # "2005-06" reads as June 2005 in ISO but as financial year 2005/06 to most of our users.
    return month_number == (year + 1) % 100


def parse_period(value: object, *, months: bool = False) -> Period:
    """Parse a period written in any of the accepted forms; raise PeriodError otherwise.

    months: the series is known to be monthly, so `2010-11` is November 2010 (otherwise it is
    refused as ambiguous, raising AmbiguousPeriod, which carries the month it would be)."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise PeriodError(f"`{value}` is not a period: {HELP}")
    text = " ".join(str(value).split())
    if not text:
        raise PeriodError(f"the period is empty: {HELP}")
    return _parse_text(text, months)


# Memoised: a pure function of its arguments whose answer is a frozen Period. The checks and the spec
# model read each spec's few labels several times each, and 10,000 specs share a handful of labels
# (parsing was a fifth of loading them, benchmarks/bench_specs.py). Errors are not kept.
@lru_cache(maxsize=4096)
def _parse_text(text: str, months: bool = False) -> Period:
    if m := _FY_QUARTER.fullmatch(text):
        return financial_quarter(_fy_start(m[1], m[2], text), int(m[3]))
    if m := _QUARTER_FY.fullmatch(text):
        return financial_quarter(_fy_start(m[2], m[3], text), int(m[1]))
    if m := _FY.fullmatch(text):
        return financial_year(_fy_start(m[1], m[2], text))
    if m := _FY_MARKED.fullmatch(text):
        return financial_year(_fy_start(m[1] or m[3], m[2] or m[4], text))
    if m := _QUARTER.fullmatch(text) or _QUARTER_FIRST.fullmatch(text):
        year, quarter = (int(m[1]), int(m[2])) if m.re is _QUARTER else (int(m[2]), int(m[1]))
        _check_year(year, text)
        return calendar_quarter(year, quarter)
    if m := _FINANCIAL_YEARS.fullmatch(text):
        return _pooled_financial_years(m, text)
    if m := _YEARS.fullmatch(text):
        return _pooled_years(m, text)
    if m := _ISO_DAY.fullmatch(text):
        return day(_make_date(int(m[1]), int(m[2]), int(m[3]), text))
    if m := _UK_DAY.fullmatch(text):
        return day(_make_date(int(m[3]), int(m[2]), int(m[1]), text))
    if m := _MONTH.fullmatch(text):
        year, month_number = int(m[1]), int(m[2])
        _check_year(year, text)
        if _is_ambiguous_month(year, month_number):
            fy = f"{year}/{(year + 1) % 100:02d}"
            hint = f"write `{fy}` for the financial year"
            if 1 <= month_number <= 12:
                if months:
                    return month(year, month_number)
                hint += f", or `{calendar.month_abbr[month_number]} {year}` for the month"
            if month_number > 12:
                raise PeriodError(f"`{text}`: {hint} (with a dash it reads as an ISO 8601 month)")
            raise AmbiguousPeriod(f"`{text}` is ambiguous (in ISO 8601 it reads as a month): {hint}",
                                  month(year, month_number))
        if not 1 <= month_number <= 12:
            raise PeriodError(f"`{text}`: there is no month {month_number:02d}; {HELP}")
        return month(year, month_number)
    if m := _MONTH_NAME.fullmatch(text):
        month_number = _MONTHS.get(m[1].lower())
        if month_number is None:
            raise PeriodError(f"`{text}`: `{m[1]}` is not a month name; {HELP}")
        year = int(m[2])
        _check_year(year, text)
        return month(year, month_number)
    if m := _MONTH_SHORT_YEAR.fullmatch(text):
        month_number = _MONTHS.get(m[1].lower())
        if month_number is None:
            raise PeriodError(f"`{text}`: `{m[1]}` is not a month name; {HELP}")
        short = int(m[2])
        return month(short + (2000 if short < TWO_DIGIT_PIVOT else 1900), month_number)
    if _YEAR.fullmatch(text):
        year = int(text)
        _check_year(year, text)
        return calendar_year(year)
    raise PeriodError(f"`{text}` is not a period: {HELP}")


def _second_year(first: int, written: str) -> int:
    """The later year of a span whose second year may be written with two digits (`19` in 2017 - 19)."""
    if len(written) == 4:
        return int(written)
    return first - first % 100 + int(written)


def _pooled_years(m: re.Match[str], text: str) -> Period:
    first = int(m[1])
    _check_year(first, text)
    last = _second_year(first, m[2])
    if last - first < 2:
        if last == first + 1:
            raise PeriodError(f"`{text}` is ambiguous: write `{first}/{(first + 1) % 100:02d}` for the financial "
                              f"year, or `{first}` and `{last}` for the calendar years one at a time")
        raise PeriodError(f"`{text}`: pooled years must run forwards (for example {first} - {(first + 2) % 100:02d})")
    _check_year(last, text)
    return pooled_years(first, last)


def _pooled_financial_years(m: re.Match[str], text: str) -> Period:
    first = _fy_start(m[1], m[2], text)
    last_start = _second_year(first, m[3])
    last = _fy_start(str(last_start), m[4], text) if last_start >= MIN_YEAR else last_start
    if last <= first:
        raise PeriodError(f"`{text}`: pooled financial years must run forwards (for example "
                          f"{first}/{(first + 1) % 100:02d} - {(first + 2) % 100:02d}/{(first + 3) % 100:02d})")
    _check_year(last + 1, text)
    return pooled_financial_years(first, last)


def _make_date(year: int, month_number: int, day_number: int, text: str) -> date:
    _check_year(year, text)
    try:
        return date(year, month_number, day_number)
    except ValueError:
        raise PeriodError(f"`{text}` is not a real date (day first: 31/03/2015 is 31 March 2015)") from None


def format_period(period: Period) -> str:
    """The canonical label: parse_period(format_period(p)) == p for every period."""
    start = period.start
    if period.kind == "financial_year":
        return f"{start.year}/{(start.year + 1) % 100:02d}"
    if period.kind == "financial_quarter":
        fy = start.year if start.month >= 4 else start.year - 1
        quarter = ((start.month - 4) % 12) // 3 + 1
        return f"{fy}/{(fy + 1) % 100:02d} Q{quarter}"
    if period.kind == "quarter":
        return f"{start.year} Q{(start.month - 1) // 3 + 1}"
    if period.kind == "month":
        if _is_ambiguous_month(start.year, start.month):
            return f"{calendar.month_abbr[start.month]} {start.year}"
        return f"{start.year}-{start.month:02d}"
    if period.kind == "day":
        return start.isoformat()
    if period.kind == "years":
        last = period.end.year
        return f"{start.year} - {last % 100:02d}" if last // 100 == start.year // 100 else f"{start.year} - {last}"
    if period.kind == "financial_years":
        last = period.end.year - 1
        second = f"{last % 100:02d}" if last // 100 == start.year // 100 else str(last)
        return f"{start.year}/{(start.year + 1) % 100:02d} - {second}/{(last + 1) % 100:02d}"
    return str(start.year)


def months_between(earlier: date, later: date) -> float:
    """Calendar months from one date to another; whole months between month ends.

    Whole months are counted from `earlier` to the last anniversary on or before `later`
    (the same day of the month, or the month end when `earlier` is a month end); the rest
    is the fraction of the next month-long step that has passed, so the result grows
    steadily with `later` (never jumps back at a month boundary).
    """
    from_month_end = _is_month_end(earlier)

    def anniversary(months: int) -> date:
        if from_month_end:
            year, month_index = divmod(earlier.year * 12 + earlier.month - 1 + months, 12)
            return _month_end(year, month_index + 1)
        return add_months(earlier, months)

    whole = (later.year - earlier.year) * 12 + (later.month - earlier.month)
    while anniversary(whole) > later:
        whole -= 1
    while anniversary(whole + 1) <= later:
        whole += 1
    start, stop = anniversary(whole), anniversary(whole + 1)
    if start == later:
        return float(whole)
    return whole + (later - start).days / (stop - start).days


def month_end_of(d: date) -> date:
    """The last day of d's month."""
    return _month_end(d.year, d.month)


def _is_month_end(d: date) -> bool:
    return (d + timedelta(days=1)).day == 1


def add_months(d: date, months: int) -> date:
    """The same day-of-month `months` later, clamped to the month's last day."""
    index = d.year * 12 + (d.month - 1) + months
    year, month_index = divmod(index, 12)
    last = calendar.monthrange(year, month_index + 1)[1]
    return date(year, month_index + 1, min(d.day, last))


def period_ending(end: date, every: str, financial: bool) -> Period:
    """The period of the given length (year, quarter, month) that ends on `end`, or the day itself."""
    if every == "month" and _is_month_end(end):
        return month(end.year, end.month)
    if every == "quarter" and _is_month_end(end) and end.month % 3 == 0:
        if financial:
            fy = end.year if end.month >= 6 else end.year - 1
            return financial_quarter(fy, ((end.month - 4) % 12) // 3 + 1)
        return calendar_quarter(end.year, end.month // 3)
    if every == "year" and financial and (end.month, end.day) == (3, 31):
        return financial_year(end.year - 1)
    if every == "year" and not financial and (end.month, end.day) == (12, 31):
        return calendar_year(end.year)
    return day(end)
