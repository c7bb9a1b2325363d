"""engine/model/periods.py: the one period grammar of specs and readings."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.model.periods import (
    AmbiguousPeriod,
    Period,
    PeriodError,
    add_months,
    calendar_quarter,
    calendar_year,
    day,
    financial_quarter,
    financial_year,
    format_period,
    month,
    months_between,
    parse_period,
    pooled_financial_years,
    pooled_years,
)

D = date


def last_day(year: int, month_number: int) -> date:
    """The month's last day, worked out independently of the code under test."""
    first_of_next = date(year + month_number // 12, month_number % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


# --- every form --------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, start, end, kind",
    [
        # UK financial years: 1 April to 31 March
        ("2014/15", D(2014, 4, 1), D(2015, 3, 31), "financial_year"),
        ("2014/2015", D(2014, 4, 1), D(2015, 3, 31), "financial_year"),
        ("1999/00", D(1999, 4, 1), D(2000, 3, 31), "financial_year"),
        ("1999/2000", D(1999, 4, 1), D(2000, 3, 31), "financial_year"),
        (" 2014 / 15 ", D(2014, 4, 1), D(2015, 3, 31), "financial_year"),
        # financial quarters: Q1 = Apr-Jun ... Q4 = Jan-Mar of the next calendar year
        ("2014/15 Q1", D(2014, 4, 1), D(2014, 6, 30), "financial_quarter"),
        ("2014/15 Q2", D(2014, 7, 1), D(2014, 9, 30), "financial_quarter"),
        ("2014/15 Q3", D(2014, 10, 1), D(2014, 12, 31), "financial_quarter"),
        ("2014/15 Q4", D(2015, 1, 1), D(2015, 3, 31), "financial_quarter"),
        ("2014/2015 q4", D(2015, 1, 1), D(2015, 3, 31), "financial_quarter"),
        ("2015/16 Q4", D(2016, 1, 1), D(2016, 3, 31), "financial_quarter"),
        # calendar quarters
        ("2015 Q1", D(2015, 1, 1), D(2015, 3, 31), "quarter"),
        ("2015-Q1", D(2015, 1, 1), D(2015, 3, 31), "quarter"),
        ("2015Q2", D(2015, 4, 1), D(2015, 6, 30), "quarter"),
        ("2015 q4", D(2015, 10, 1), D(2015, 12, 31), "quarter"),
        # months
        ("2015-03", D(2015, 3, 1), D(2015, 3, 31), "month"),
        ("2015-02", D(2015, 2, 1), D(2015, 2, 28), "month"),
        ("2016-02", D(2016, 2, 1), D(2016, 2, 29), "month"),
        ("Mar 2015", D(2015, 3, 1), D(2015, 3, 31), "month"),
        ("March 2015", D(2015, 3, 1), D(2015, 3, 31), "month"),
        ("mar 2015", D(2015, 3, 1), D(2015, 3, 31), "month"),
        ("Sept 2015", D(2015, 9, 1), D(2015, 9, 30), "month"),
        ("Jun 2005", D(2005, 6, 1), D(2005, 6, 30), "month"),
        # days: ISO, and day first (never US order)
        ("2015-03-31", D(2015, 3, 31), D(2015, 3, 31), "day"),
        ("31/03/2015", D(2015, 3, 31), D(2015, 3, 31), "day"),
        ("1/2/2015", D(2015, 2, 1), D(2015, 2, 1), "day"),
        ("02/01/2015", D(2015, 1, 2), D(2015, 1, 2), "day"),
        ("29/02/2016", D(2016, 2, 29), D(2016, 2, 29), "day"),
        # calendar years, as text or as the int an unquoted YAML year becomes
        ("2015", D(2015, 1, 1), D(2015, 12, 31), "year"),
        (2015, D(2015, 1, 1), D(2015, 12, 31), "year"),
        (1900, D(1900, 1, 1), D(1900, 12, 31), "year"),
        # as people write them in spreadsheets and council returns
        ("Q1 2024/25", D(2024, 4, 1), D(2024, 6, 30), "financial_quarter"),
        ("q4 2024/2025", D(2025, 1, 1), D(2025, 3, 31), "financial_quarter"),
        ("Q2 2015", D(2015, 4, 1), D(2015, 6, 30), "quarter"),
        ("Apr-24", D(2024, 4, 1), D(2024, 4, 30), "month"),  # Excel's mmm-yy
        ("Sep-99", D(1999, 9, 1), D(1999, 9, 30), "month"),  # Excel: 30-99 are 1930-1999
        ("Jan-29", D(2029, 1, 1), D(2029, 1, 31), "month"),  # and 00-29 are 2000-2029
        ("Apr 2024", D(2024, 4, 1), D(2024, 4, 30), "month"),
        ("April 2024", D(2024, 4, 1), D(2024, 4, 30), "month"),
        ("Apr-2024", D(2024, 4, 1), D(2024, 4, 30), "month"),
        ("FY2019/20", D(2019, 4, 1), D(2020, 3, 31), "financial_year"),
        ("FY 2019/2020", D(2019, 4, 1), D(2020, 3, 31), "financial_year"),
        ("fy2019-20", D(2019, 4, 1), D(2020, 3, 31), "financial_year"),  # with FY a dash is not a month
        ("2019/20 FY", D(2019, 4, 1), D(2020, 3, 31), "financial_year"),
        # pooled years as Fingertips writes them
        ("2017 - 19", D(2017, 1, 1), D(2019, 12, 31), "years"),
        ("2015 - 2019", D(2015, 1, 1), D(2019, 12, 31), "years"),
        ("1998 - 2000", D(1998, 1, 1), D(2000, 12, 31), "years"),
        ("2016/17 - 18/19", D(2016, 4, 1), D(2019, 3, 31), "financial_years"),
        ("2016/17 - 2018/19", D(2016, 4, 1), D(2019, 3, 31), "financial_years"),
        ("1998/99 - 2000/01", D(1998, 4, 1), D(2001, 3, 31), "financial_years"),
    ],
)
def test_every_form_parses_to_its_first_and_last_day(text, start, end, kind):
    period = parse_period(text)
    assert (period.start, period.end, period.kind) == (start, end, kind)


@pytest.mark.parametrize(
    "text, label",
    [
        ("2014/2015", "2014/15"),
        ("2014/2015 Q3", "2014/15 Q3"),
        ("2015-Q1", "2015 Q1"),
        ("March 2015", "2015-03"),
        ("31/03/2015", "2015-03-31"),
        (2015, "2015"),
        # June 2005 written ISO-style would be refused as ambiguous, so its label is the month name
        ("Jun 2005", "Jun 2005"),
        ("Q1 2024/25", "2024/25 Q1"),
        ("Apr-24", "2024-04"),
        ("FY2019/20", "2019/20"),
        ("2019/2020 FY", "2019/20"),
        ("2017 - 2019", "2017 - 19"),
        ("2016/2017 - 2018/2019", "2016/17 - 18/19"),
        ("1999 - 2001", "1999 - 2001"),
    ],
)
def test_labels_are_canonical(text, label):
    period = parse_period(text)
    assert period.label == label == str(period) == format_period(period)


# --- refusals ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, says",
    [
        ("2014-15", ["`2014/15`", "financial year"]),
        ("2005-06", ["`2005/06`", "ambiguous", "`Jun 2005`"]),
        ("2014/16", ["second year must follow the first", "2014/15"]),
        ("2014/2016", ["second year must follow the first"]),
        ("2014/13", ["second year must follow the first"]),
        ("31/02/2015", ["not a real date", "day first"]),
        ("2015-02-30", ["not a real date"]),
        ("29/02/2015", ["not a real date"]),
        ("03/31/2015", ["not a real date"]),  # US order: month 31 does not exist
        ("2015-13", ["no month 13"]),
        ("2015-00", ["no month 00"]),
        ("Foo 2015", ["`Foo` is not a month name"]),
        ("2015 Q5", ["not a period"]),
        ("2014/15 Q0", ["not a period"]),
        ("garbage", ["not a period", "2014/15"]),
        ("", ["empty"]),
        ("   ", ["empty"]),
        ("1899", ["out of range"]),
        ("3000", ["out of range"]),
        ("1899/00", ["out of range"]),
        ("201503", ["not a period"]),
        (20150331, ["not a period"]),
        (-2015, ["not a period"]),
        ("Foo-24", ["`Foo` is not a month name"]),
        ("Apr 24", ["not a period"]),  # with a space, 24 could be a day: refused
        ("FY2019/21", ["second year must follow the first"]),
        ("Q5 2024/25", ["not a period"]),
        ("Q1 2024/26", ["second year must follow the first"]),
        ("2014 - 15", ["ambiguous", "`2014/15`", "`2014` and `2015`"]),  # two years: or a financial year?
        ("2017 - 16", ["must run forwards"]),
        ("2017 - 17", ["must run forwards"]),
        ("2016/17 - 15/16", ["must run forwards"]),
        ("2016/17 - 18/20", ["second year must follow the first"]),
        ("2017-19", ["no month 19"]),  # pooled years need the spaces Fingertips writes
        ("2998 - 3001", ["out of range"]),
    ],
)
def test_refusals_say_how_to_write_it(text, says):
    with pytest.raises(PeriodError) as caught:
        parse_period(text)
    message = str(caught.value)
    for fragment in says:
        assert fragment in message


@pytest.mark.parametrize("value", [True, False, None, 2015.0, [2015], {"year": 2015}, date(2015, 3, 31)])
def test_non_text_values_are_refused(value):
    with pytest.raises(PeriodError, match="not a period"):
        parse_period(value)


@pytest.mark.parametrize("text, month_number, year", [("2010-11", 11, 2010), ("2011-12", 12, 2011), ("2005-06", 6, 2005)])
def test_a_month_that_looks_like_a_financial_year_is_read_as_a_month_only_when_asked(text, month_number, year):
    with pytest.raises(AmbiguousPeriod) as caught:
        parse_period(text)
    assert caught.value.month == month(year, month_number)  # the month it would be, for a reader to use
    assert "ambiguous" in str(caught.value)
    assert parse_period(text, months=True) == month(year, month_number)
    assert parse_period(text, months=True).kind == "month"
    # and asking for months changes nothing else (the cache is keyed on both)
    assert parse_period("2014/15", months=True) == financial_year(2014)
    assert parse_period("2015-03", months=True) == parse_period("2015-03")
    with pytest.raises(PeriodError, match="2014/15"):
        parse_period("2014-15", months=True)  # month 15 does not exist: still the financial year's hint
    with pytest.raises(AmbiguousPeriod):
        parse_period(text)  # a months=True answer is not served to a caller that did not ask


def test_period_error_is_a_value_error():
    # Callers that only know ValueError still catch it.
    assert issubclass(PeriodError, ValueError)


# --- properties ---------------------------------------------------------------------------------------

years = st.integers(1900, 2998)
quarters = st.integers(1, 4)
months = st.integers(1, 12)
days = st.dates(date(1900, 1, 1), date(2998, 12, 31))

@st.composite
def _pooled(draw, make, most: int):
    first = draw(st.integers(1900, most - 2))
    return make(first, draw(st.integers(first + 1 if make is pooled_financial_years else first + 2, min(most, first + 10))))


periods = st.one_of(
    _pooled(pooled_years, 2999),
    _pooled(pooled_financial_years, 2998),
    years.map(financial_year),
    st.builds(financial_quarter, years, quarters),
    st.builds(calendar_quarter, years, quarters),
    st.builds(month, years, months),
    days.map(day),
    years.map(calendar_year),
)


@settings(max_examples=300, deadline=None)
@given(periods)
def test_every_period_round_trips_through_its_label(period):
    again = parse_period(format_period(period))
    assert again == period
    assert again.kind == period.kind  # equality ignores the kind: check it too
    assert again.start <= again.end


@settings(max_examples=100, deadline=None)
@given(years)
def test_financial_year_constructor_agrees_with_both_spellings(year):
    fy = financial_year(year)
    assert (fy.start, fy.end) == (date(year, 4, 1), date(year + 1, 3, 31))
    assert parse_period(f"{year}/{year + 1}") == fy
    assert parse_period(f"{year}/{(year + 1) % 100:02d}") == fy


@settings(max_examples=100, deadline=None)
@given(years, months)
def test_month_spellings_agree(year, month_number):
    expected = (date(year, month_number, 1), last_day(year, month_number))
    by_name = parse_period(f"{calendar.month_abbr[month_number]} {year}")
    by_full_name = parse_period(f"{calendar.month_name[month_number]} {year}")
    assert (by_name.start, by_name.end) == expected == (by_full_name.start, by_full_name.end)
    assert by_name.kind == "month"
    if month_number != (year + 1) % 100:  # otherwise 2005-06 is refused as ambiguous (tested above)
        iso = parse_period(f"{year}-{month_number:02d}")
        assert (iso.start, iso.end) == expected


@settings(max_examples=100, deadline=None)
@given(years, quarters)
def test_quarter_first_spellings_agree(year, quarter):
    assert parse_period(f"Q{quarter} {year}/{(year + 1) % 100:02d}") == financial_quarter(year, quarter)
    assert parse_period(f"Q{quarter} {year}") == calendar_quarter(year, quarter)
    assert parse_period(f"FY{year}/{(year + 1) % 100:02d}") == financial_year(year)
    assert parse_period(f"{year}/{(year + 1) % 100:02d} FY") == financial_year(year)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 99), months)
def test_excel_month_year_follows_excels_two_digit_rule(short, month_number):
    year = 2000 + short if short < 30 else 1900 + short
    text = f"{calendar.month_abbr[month_number]}-{short:02d}"
    assert parse_period(text) == month(year, month_number)


@settings(max_examples=100, deadline=None)
@given(days)
def test_day_spellings_agree(d):
    assert parse_period(d.isoformat()) == day(d)
    assert parse_period(f"{d.day:02d}/{d.month:02d}/{d.year}") == day(d)
    assert parse_period(f"{d.day}/{d.month}/{d.year}") == day(d)


@settings(max_examples=100, deadline=None)
@given(years, quarters)
def test_calendar_quarter_spellings_agree(year, quarter):
    expected = calendar_quarter(year, quarter)
    for text in (f"{year} Q{quarter}", f"{year}-Q{quarter}", f"{year}q{quarter}"):
        assert parse_period(text) == expected


def assert_tiles(parts: list[Period], whole_start: date, whole_end: date) -> None:
    assert parts[0].start == whole_start
    assert parts[-1].end == whole_end
    for before, after in zip(parts, parts[1:]):
        assert before.start <= before.end
        assert after.start == before.end + timedelta(days=1)  # no gap, no overlap


@settings(max_examples=100, deadline=None)
@given(years)
def test_financial_quarters_tile_their_financial_year(year):
    fy = parse_period(f"{year}/{(year + 1) % 100:02d}")
    parts = [parse_period(f"{fy.label} Q{q}") for q in range(1, 5)]
    assert_tiles(parts, fy.start, fy.end)
    assert sum((p.end - p.start).days + 1 for p in parts) == (fy.end - fy.start).days + 1


@settings(max_examples=100, deadline=None)
@given(years)
def test_calendar_quarters_and_months_tile_their_year(year):
    whole = parse_period(str(year))
    assert_tiles([parse_period(f"{year} Q{q}") for q in range(1, 5)], whole.start, whole.end)
    assert_tiles([month(year, m) for m in range(1, 13)], whole.start, whole.end)


@settings(max_examples=100, deadline=None)
@given(years, quarters)
def test_months_tile_their_quarter(year, quarter):
    q = calendar_quarter(year, quarter)
    first = 3 * (quarter - 1) + 1
    assert_tiles([month(year, m) for m in range(first, first + 3)], q.start, q.end)


@settings(max_examples=200, deadline=None)
@given(st.lists(periods, min_size=2, max_size=8))
def test_periods_sort_by_their_last_day(items):
    ordered = sorted(items)
    ends = [p.end for p in ordered]
    assert ends == sorted(ends)
    for a, b in zip(ordered, ordered[1:]):
        assert a <= b


@settings(max_examples=100, deadline=None)
@given(years, st.integers(1, 3))
def test_a_quarter_sorts_before_its_year_when_it_ends_earlier(year, quarter):
    assert calendar_quarter(year, quarter) < calendar_year(year)
    assert financial_quarter(year, quarter) < financial_year(year)
    assert month(year, 1) < calendar_quarter(year, 1)


def test_periods_ending_on_the_same_day_sort_longest_first():
    # Q4 ends with the year: the year (earlier start) comes first, so a sort is stable and total.
    assert calendar_year(2015) < calendar_quarter(2015, 4) < month(2015, 12) < day(date(2015, 12, 31))
    assert financial_year(2014) < financial_quarter(2014, 4)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=30), st.text(alphabet="0123456789/-Qq .MarSeptJunb", max_size=16), st.integers()))
def test_parse_period_raises_only_period_error(value):
    try:
        period = parse_period(value)
    except PeriodError as exc:
        assert str(exc)
        return
    assert isinstance(period, Period)
    assert parse_period(period.label) == period


# --- months_between and add_months ---------------------------------------------------------------------

def test_months_between_period_ends():
    assert months_between(financial_year(2013).end, financial_year(2016).end) == 36
    assert months_between(date(2015, 1, 31), date(2015, 2, 28)) == 1
    assert months_between(date(2015, 2, 28), date(2015, 3, 31)) == 1
    assert months_between(date(2016, 2, 29), date(2017, 2, 28)) == 12
    assert months_between(date(2015, 1, 15), date(2015, 3, 15)) == 2
    assert months_between(date(2015, 3, 31), date(2014, 3, 31)) == -12


def test_months_between_a_part_month_is_a_fraction_of_it():
    # 15 Jan to 30 Jan is 15 of the 31 days to 15 Feb
    assert months_between(date(2015, 1, 15), date(2015, 1, 30)) == pytest.approx(15 / 31)
    # one day past a whole month
    assert months_between(date(2015, 1, 15), date(2015, 2, 16)) == pytest.approx(1 + 1 / 28)


def test_months_between_does_not_jump_back_at_a_month_boundary():
    # 31 Jan is later than 15 Jan and earlier than 1 Feb: so must its month count be.
    a = date(2015, 1, 15)
    assert months_between(a, date(2015, 1, 31)) < months_between(a, date(2015, 2, 1))


dates = st.dates(date(1950, 1, 1), date(2100, 12, 31))


@settings(max_examples=200, deadline=None)
@given(dates)
def test_months_between_a_date_and_itself_is_zero(d):
    assert months_between(d, d) == 0


@settings(max_examples=200, deadline=None)
@given(dates, st.integers(-600, 600))
def test_add_months_then_months_between_gives_the_months_back(d, n):
    later = add_months(d, n)
    # the same day of the month, clamped to the month's last day
    assert (later.year * 12 + later.month) - (d.year * 12 + d.month) == n
    assert later.day == min(d.day, last_day(later.year, later.month).day)
    if d != last_day(d.year, d.month):
        assert months_between(d, later) == n
    else:  # from a month end, whole months land on month ends
        assert months_between(d, last_day(later.year, later.month)) == n


@settings(max_examples=200, deadline=None)
@given(st.dates(date(1950, 1, 1), date(2100, 12, 28)).filter(lambda d: d.day <= 28), st.integers(-600, 600))
def test_add_months_reverses_for_days_every_month_has(d, n):
    assert add_months(add_months(d, n), -n) == d


@settings(max_examples=300, deadline=None)
@given(dates, dates, dates)
def test_months_between_grows_with_the_later_date(a, b, c):
    b, c = sorted((b, c))
    assert months_between(a, b) <= months_between(a, c)


@settings(max_examples=300, deadline=None)
@given(dates, dates)
def test_months_between_is_close_to_days_over_a_month(a, b):
    days_apart = (b - a).days
    assert abs(months_between(a, b) - days_apart / (365.25 / 12)) <= 1.5 + abs(days_apart) * 0.001
    # a day more is at most 1/28 of a month more
    step = months_between(a, b + timedelta(days=1)) - months_between(a, b)
    assert 0 < step <= 1 / 28 + 1e-12
