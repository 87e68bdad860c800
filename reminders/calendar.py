"""Official working days (国务院办公厅 holiday notices), the one module every deadline counts with.

A day is a working day by, in order:
1. the admin-edited table ``CalendarDay`` (an entry always wins);
2. the ``chinese-calendar`` package, for the years it knows (1.11.0: up to 2026);
3. otherwise Monday to Friday — the *fallback*, which pages that count working
   days say they are using (``uses_fallback``), so nobody mistakes it for the
   official calendar.
"""

import datetime
from functools import lru_cache

import chinese_calendar

HOLIDAY_NAMES = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节", "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节", "National Day": "国庆节", "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


@lru_cache(maxsize=64)
def official_years_known(year: int) -> bool:
    try:
        chinese_calendar.is_workday(datetime.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def _table(start, end):
    from .models import CalendarDay

    return dict(CalendarDay.objects.filter(date__range=(start, end)).values_list("date", "kind"))


def _is_working(day, table):
    kind = table.get(day)
    if kind is not None:
        return kind == "workday"
    if official_years_known(day.year):
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5


def is_working_day(day: datetime.date) -> bool:
    return _is_working(day, _table(day, day))


def working_days(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The working days from start to end, both included (one query)."""
    if end < start:
        return []
    table = _table(start, end)
    out, day = [], start
    while day <= end:
        if _is_working(day, table):
            out.append(day)
        day += datetime.timedelta(days=1)
    return out


def add_working_days(day: datetime.date, n: int) -> datetime.date:
    """The n-th working day after ``day`` (n ≥ 1): "3 working days after the trip" (HY 四)."""
    if n < 1:
        return day
    # Enough room for the longest run of holidays (Spring Festival + weekends).
    span = working_days(day + datetime.timedelta(days=1), day + datetime.timedelta(days=n * 3 + 21))
    if len(span) >= n:
        return span[n - 1]
    return add_working_days(day + datetime.timedelta(days=n * 3 + 21), n - len(span))


def holiday_name(day: datetime.date) -> str:
    """The holiday a day belongs to, in Chinese, or ""."""
    from .models import CalendarDay

    entry = CalendarDay.objects.filter(date=day, kind=CalendarDay.Kind.HOLIDAY).values_list("name", flat=True).first()
    if entry is not None:
        return entry or "节假日"
    if official_years_known(day.year):
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        if on_holiday and name:
            return HOLIDAY_NAMES.get(name, name)
    return ""


def uses_fallback(start: datetime.date, end: datetime.date) -> bool:
    """Whether any day of the range is counted by the Monday-to-Friday fallback (a year the package does not know)."""
    return any(not official_years_known(year) for year in range(start.year, end.year + 1))


def last_working_day_of_quarter(day: datetime.date) -> datetime.date:
    """HY 四: records are handed over on the last working day of each quarter."""
    quarter_end_month = (day.month - 1) // 3 * 3 + 3
    next_month = datetime.date(day.year + (quarter_end_month == 12), quarter_end_month % 12 + 1, 1)
    last = next_month - datetime.timedelta(days=1)
    days = working_days(last - datetime.timedelta(days=20), last)
    return days[-1] if days else last
